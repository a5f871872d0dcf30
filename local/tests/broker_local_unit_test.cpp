// Unit tests of the local broker's pieces that need no broker: pom and cache resolution,
// cluster ids, pid files, process and port helpers, configuration files.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <regex>
#include <set>
#include <thread>

#include "broker_detail.hpp"
#include "broker_test_util.hpp"
#include "files.hpp"
#include "ledger/local/broker.hpp"
#include "ledger/local/process/process.hpp"

namespace ledger::local {
namespace {

using testing::TempDir;

TEST(KafkaPom, RepositoryPomNamesAVersion) {
  std::string error;
  const auto version = kafka_version_of_pom(LEDGER_KAFKA_POM, error);
  ASSERT_TRUE(version) << error;
  EXPECT_TRUE(std::regex_match(*version, std::regex(R"(\d+\.\d+\.\d+)"))) << *version;
}

TEST(KafkaPom, MissingOrVersionlessPomIsAnError) {
  TempDir dir("ledger-pom");
  std::string error;
  EXPECT_FALSE(kafka_version_of_pom((dir.path() / "absent.xml").string(), error));
  EXPECT_NE(error.find("absent.xml"), std::string::npos);
  std::ofstream(dir.path() / "pom.xml") << "<project></project>";
  EXPECT_FALSE(kafka_version_of_pom((dir.path() / "pom.xml").string(), error));
  EXPECT_NE(error.find("kafka.version"), std::string::npos);
}

TEST(KafkaCache, CompleteCacheIsReusedWithoutMaven) {
  TempDir dir("ledger-cache");
  const std::string pom = (dir.path() / "pom.xml").string();
  std::ofstream(pom) << "<project><properties><kafka.version>9.9.9</kafka.version>"
                        "</properties></project>";
  const auto version_dir = dir.path() / "cache" / "kafka-9.9.9";
  std::filesystem::create_directories(version_dir / "libs");
  std::ofstream(version_dir / "complete") << testing::read_text(pom);
  std::string error;
  const auto libs = ensure_kafka_libs(pom, (dir.path() / "cache").string(), 1000, error);
  ASSERT_TRUE(libs) << error;
  EXPECT_EQ(*libs, (version_dir / "libs").string());
}

TEST(KafkaCache, CacheWithoutMarkerIsResolvedAgain) {
  // An interrupted download leaves libs/ without the marker: Maven must run again. With no
  // mvn on PATH that shows as an error naming mvn instead of a reuse of the partial copy.
  TempDir dir("ledger-cache");
  const std::string pom = (dir.path() / "pom.xml").string();
  std::ofstream(pom) << "<project><properties><kafka.version>9.9.8</kafka.version>"
                        "</properties></project>";
  std::filesystem::create_directories(dir.path() / "cache" / "kafka-9.9.8" / "libs");
  const std::string saved_path = std::getenv("PATH");
  setenv("PATH", (dir.path() / "empty-bin").c_str(), 1);
  std::string error;
  const auto libs = ensure_kafka_libs(pom, (dir.path() / "cache").string(), 1000, error);
  setenv("PATH", saved_path.c_str(), 1);
  EXPECT_FALSE(libs);
  EXPECT_NE(error.find("mvn"), std::string::npos) << error;
}

TEST(KafkaCache, CacheDirFlagThenEnvThenHome) {
  const char* old_cache = std::getenv("LEDGER_CACHE_DIR");
  const std::string saved = old_cache == nullptr ? "" : old_cache;
  std::string error;
  setenv("LEDGER_CACHE_DIR", "/env/cache", 1);
  EXPECT_EQ(resolve_cache_dir("/flag", error), "/flag");
  EXPECT_EQ(resolve_cache_dir("", error), "/env/cache");
  unsetenv("LEDGER_CACHE_DIR");
  EXPECT_EQ(resolve_cache_dir("", error), std::string(std::getenv("HOME")) + "/.cache/ledger");
  if (old_cache != nullptr) setenv("LEDGER_CACHE_DIR", saved.c_str(), 1);
}

TEST(ClusterId, IsBase64UrlOf16Bytes) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string id = detail::new_cluster_id();
    EXPECT_TRUE(std::regex_match(id, std::regex("[A-Za-z0-9_][A-Za-z0-9_-]{21}"))) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(PidFile, MissingEmptyOrDamagedReadsAsZero) {
  TempDir dir("ledger-pid");
  const std::string path = (dir.path() / "broker.pid").string();
  EXPECT_EQ(read_pid_file(path), 0);
  std::ofstream(path) << "";
  EXPECT_EQ(read_pid_file(path), 0);
  std::ofstream(path) << "not a pid\n";
  EXPECT_EQ(read_pid_file(path), 0);
  std::ofstream(path) << "-5\n";
  EXPECT_EQ(read_pid_file(path), 0);
  std::ofstream(path) << " 1234 \n";
  EXPECT_EQ(read_pid_file(path), 1234);
}

TEST(Port, AcceptsOnlyWhenListening) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const int port = ntohs(address.sin_port);
  EXPECT_TRUE(port_accepts(port, 1000));
  close(fd);
  EXPECT_FALSE(port_accepts(port, 1000));
}

TEST(BrokerConfig, ListensOnLoopbackWithUnlimitedRetention) {
  TempDir dir("ledger-config");
  const auto layout = detail::broker_layout(dir.str());
  std::filesystem::create_directories(layout.kafka_dir);
  std::string error;
  ASSERT_TRUE(detail::write_broker_config(layout, {29092, 29093}, 4, error)) << error;
  const std::string text = testing::read_text(layout.server_properties);
  for (const char* expected :
       {"listeners=PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093\n",
        "advertised.listeners=PLAINTEXT://127.0.0.1:29092\n",
        "controller.quorum.voters=1@127.0.0.1:29093\n", "process.roles=broker,controller\n",
        "log.retention.ms=-1\n", "num.partitions=4\n", "offsets.topic.replication.factor=1\n"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
  EXPECT_NE(text.find("log.dirs=" + layout.data_dir + "\n"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(layout.log4j_properties));
}

}  // namespace
}  // namespace ledger::local

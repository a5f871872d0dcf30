// Unit tests of the shared Kafka options: -X parsing and the broker resolution order.
#include "ledger/producer/kafka_options.hpp"

#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>
#include <stdlib.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace ledger::producer {
namespace {

// Sets or unsets an environment variable for the test's duration, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    if (old != nullptr) old_ = old;
    if (value == nullptr) {
      unsetenv(name);
    } else {
      setenv(name, value, 1);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// Parses `args` (without the program name) into fresh options.
KafkaOptions parse(std::vector<std::string> args) {
  CLI::App app;
  KafkaOptions options;
  add_kafka_options(app, options);
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector in reverse order
  app.parse(args);
  return options;
}

class TempStateDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ledger-options-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "kafka");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write_bootstrap(const std::string& text) {
    std::ofstream(dir_ / "kafka" / "bootstrap") << text;
  }
  std::filesystem::path dir_;
  ScopedEnv no_brokers_env_{"LEDGER_BROKERS", nullptr};
  ScopedEnv no_state_env_{"LEDGER_STATE_DIR", nullptr};
};

TEST(ParseProperty, SplitsAtFirstEquals) {
  std::string error;
  const auto property = parse_property("sasl.jaas=a=b", error);
  ASSERT_TRUE(property);
  EXPECT_EQ(property->first, "sasl.jaas");
  EXPECT_EQ(property->second, "a=b");
}

TEST(ParseProperty, AcceptsEmptyValue) {
  std::string error;
  const auto property = parse_property("client.id=", error);
  ASSERT_TRUE(property);
  EXPECT_EQ(property->second, "");
}

TEST(ParseProperty, RejectsMalformed) {
  for (const std::string bad : {"acks", "=all", "", "ac ks=all"}) {
    std::string error;
    EXPECT_FALSE(parse_property(bad, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(KafkaOptionsCli, DefaultsWithoutFlags) {
  const KafkaOptions options = parse({});
  EXPECT_EQ(options.topic, "ledger.events");
  EXPECT_TRUE(options.brokers.empty());
  EXPECT_TRUE(options.properties.empty());
  EXPECT_TRUE(options.state_dir.empty());
}

TEST(KafkaOptionsCli, RepeatedXKeepsOrderAndForms) {
  const KafkaOptions options = parse({"-X", "acks=all", "-Xlinger.ms=5", "-b", "h:1", "--topic",
                                      "t.x", "-X", "acks=1", "--state-dir", "/s"});
  ASSERT_EQ(options.properties.size(), 3u);
  EXPECT_EQ(options.properties[0], std::make_pair(std::string("acks"), std::string("all")));
  EXPECT_EQ(options.properties[1], std::make_pair(std::string("linger.ms"), std::string("5")));
  EXPECT_EQ(options.properties[2], std::make_pair(std::string("acks"), std::string("1")));
  EXPECT_EQ(options.brokers, "h:1");
  EXPECT_EQ(options.topic, "t.x");
  EXPECT_EQ(options.state_dir, "/s");
}

TEST(KafkaOptionsCli, MalformedXIsAParseError) {
  EXPECT_THROW(parse({"-X", "acks"}), CLI::ValidationError);
  EXPECT_THROW(parse({"-X", "=1"}), CLI::ValidationError);
}

TEST(KafkaOptionsCli, BadTopicNameIsAParseError) {
  EXPECT_THROW(parse({"-t", "bad topic"}), CLI::ValidationError);
  EXPECT_THROW(parse({"-t", std::string(250, 'a')}), CLI::ValidationError);
}

TEST(ResolveStateDir, FlagThenEnvThenDefault) {
  ScopedEnv unset("LEDGER_STATE_DIR", nullptr);
  EXPECT_EQ(resolve_state_dir(""), ".ledger");
  EXPECT_EQ(resolve_state_dir("/flag"), "/flag");
  ScopedEnv set("LEDGER_STATE_DIR", "/env");
  EXPECT_EQ(resolve_state_dir(""), "/env");
  EXPECT_EQ(resolve_state_dir("/flag"), "/flag");
}

TEST_F(TempStateDir, BrokersFlagWinsOverEverything) {
  write_bootstrap("127.0.0.1:1111\n");
  ScopedEnv env("LEDGER_BROKERS", "env:2");
  KafkaOptions options = parse({"-b", "flag:1", "-X", "bootstrap.servers=x:3"});
  options.state_dir = dir_.string();
  std::string error;
  EXPECT_EQ(resolve_brokers(options, error), "flag:1");
}

TEST_F(TempStateDir, XBootstrapThenEnvThenFile) {
  write_bootstrap("127.0.0.1:1111\n");
  KafkaOptions options;
  options.state_dir = dir_.string();
  std::string error;
  EXPECT_EQ(resolve_brokers(options, error), "127.0.0.1:1111");
  {
    ScopedEnv env("LEDGER_BROKERS", "env:2");
    EXPECT_EQ(resolve_brokers(options, error), "env:2");
    options.properties = {{"bootstrap.servers", "x:3"}, {"bootstrap.servers", "y:4"}};
    EXPECT_EQ(resolve_brokers(options, error), "y:4");
  }
}

TEST_F(TempStateDir, StateDirFromEnvironmentFindsBootstrap) {
  write_bootstrap("127.0.0.1:2222");
  ScopedEnv env("LEDGER_STATE_DIR", dir_.c_str());
  std::string error;
  EXPECT_EQ(resolve_brokers(KafkaOptions{}, error), "127.0.0.1:2222");
}

TEST_F(TempStateDir, NothingConfiguredTellsWhatToDo) {
  KafkaOptions options;
  options.state_dir = (dir_ / "empty").string();
  std::string error;
  EXPECT_FALSE(resolve_brokers(options, error));
  EXPECT_NE(error.find("ledger broker start"), std::string::npos) << error;
  EXPECT_NE(error.find("-b"), std::string::npos) << error;
  EXPECT_EQ(make_kafka_conf(options, error), nullptr);
}

TEST(MakeKafkaConf, SetsBootstrapAndProperties) {
  KafkaOptions options;
  options.brokers = "127.0.0.1:9";
  options.properties = {{"client.id", "abc"}, {"linger.ms", "7"}};
  std::string error;
  const auto conf = make_kafka_conf(options, error);
  ASSERT_NE(conf, nullptr) << error;
  std::string value;
  ASSERT_EQ(conf->get("bootstrap.servers", value), RdKafka::Conf::CONF_OK);
  EXPECT_EQ(value, "127.0.0.1:9");
  ASSERT_EQ(conf->get("client.id", value), RdKafka::Conf::CONF_OK);
  EXPECT_EQ(value, "abc");
  ASSERT_EQ(conf->get("linger.ms", value), RdKafka::Conf::CONF_OK);
  EXPECT_EQ(value, "7");
}

TEST(MakeKafkaConf, RejectedPropertyIsNamed) {
  KafkaOptions options;
  options.brokers = "127.0.0.1:9";
  options.properties = {{"no.such.property", "1"}};
  std::string error;
  EXPECT_EQ(make_kafka_conf(options, error), nullptr);
  EXPECT_NE(error.find("no.such.property"), std::string::npos) << error;
  options.properties = {{"linger.ms", "not-a-number"}};
  EXPECT_EQ(make_kafka_conf(options, error), nullptr);
  EXPECT_NE(error.find("linger.ms"), std::string::npos) << error;
}

}  // namespace
}  // namespace ledger::producer

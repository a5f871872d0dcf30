// Shared by the local cluster tests: a throwaway cluster of the test's own (own state dir under
// the temp directory, a free port, no fsync), stopped and removed after the test.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ledger/local/cluster.hpp"

namespace ledger::local {

namespace fs = std::filesystem;

inline int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(address.sin_port);
}

inline std::string first_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

class LocalCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    options_.state_dir = (fs::temp_directory_path() /
                          ("ledger_db_test_" + std::to_string(getpid()) + "_" + test->name()))
                             .string();
    fs::remove_all(options_.state_dir);
    options_.port = free_port();
    options_.no_sync = true;
    ASSERT_NE(options_.port, 0);
  }
  void TearDown() override {
    LocalClusterStatus status;
    std::string error;
    stop_local_cluster(options_, status, error);
    fs::remove_all(options_.state_dir);
  }
  LocalClusterOptions options_;
};

}  // namespace ledger::local

// `ledger db` behaviour on a throwaway cluster of its own (own state dir, free port).
#include "ledger/local/cluster.hpp"

#include <signal.h>

#include <pqxx/pqxx>

#include "cluster_test_support.hpp"

namespace ledger::local {
namespace {

TEST_F(LocalCluster, StartsIsIdempotentSurvivesSigkillAndStops) {
  LocalClusterStatus status;
  std::string error;
  ASSERT_TRUE(start_local_cluster(options_, status, error)) << error;
  EXPECT_TRUE(status.running);
  EXPECT_EQ(status.port, options_.port);
  const fs::path root = fs::path(options_.state_dir) / "postgres";
  const std::string uri = first_line(root / "uri");
  EXPECT_EQ(uri, status.uri);
  EXPECT_NE(uri.find("@127.0.0.1:" + std::to_string(options_.port) + "/postgres"),
            std::string::npos);
  EXPECT_EQ(fs::status(root / "uri").permissions() & fs::perms::others_all, fs::perms::none);
  {
    pqxx::connection connection(uri);
    pqxx::nontransaction tx(connection);
    EXPECT_EQ(tx.exec1("SHOW listen_addresses")[0].as<std::string>(), "127.0.0.1");
    EXPECT_EQ(tx.exec1("SHOW fsync")[0].as<std::string>(), "off");
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_partman'")[0]
                  .as<int>(),
              1);
  }

  // A second start finds the running server.
  LocalClusterStatus again;
  ASSERT_TRUE(start_local_cluster(options_, again, error)) << error;
  EXPECT_EQ(again.pid, status.pid);
  EXPECT_EQ(again.note, "already running");

  // SIGKILL leaves a stale postmaster.pid; the next start must still work.
  ASSERT_EQ(kill(static_cast<pid_t>(status.pid), SIGKILL), 0);
  for (int i = 0; i < 50 && local_cluster_status(options_).running; ++i) usleep(100'000);
  EXPECT_FALSE(local_cluster_status(options_).running);
  LocalClusterStatus restarted;
  ASSERT_TRUE(start_local_cluster(options_, restarted, error)) << error;
  EXPECT_TRUE(restarted.running);
  EXPECT_NE(restarted.pid, status.pid);
  EXPECT_EQ(restarted.uri, uri);  // same password, same port

  LocalClusterStatus stopped;
  ASSERT_TRUE(stop_local_cluster(options_, stopped, error)) << error;
  EXPECT_FALSE(local_cluster_status(options_).running);
  ASSERT_TRUE(stop_local_cluster(options_, stopped, error)) << error;  // stopping twice is fine
  EXPECT_EQ(stopped.note, "not running");
}

}  // namespace
}  // namespace ledger::local

// Where the test run's shared services are, and fresh resources on them for one test.
//
// The ctest fixtures "kafka" and "postgres" (tests/CMakeLists.txt) start a real Apache Kafka
// broker and a private PostgreSQL cluster under $LEDGER_TEST_STATE_DIR. A test that needs one
// lists the fixture (ledger_add_test(... FIXTURES kafka postgres)) and calls these functions.
// Each call that creates something gives it a unique name, so tests may run in parallel.
// When the service is not there, the functions call GTEST_SKIP-compatible failure: they throw
// std::runtime_error naming the missing file.
#pragma once

#include <string>

namespace ledger::testing {

// $LEDGER_TEST_STATE_DIR (throws when unset).
std::string state_dir();
// Path of the `ledger` executable under test ($LEDGER_BIN).
std::string ledger_bin();
// The repository root ($LEDGER_SOURCE_DIR).
std::string source_dir();

// "127.0.0.1:19092": the bootstrap address written by `ledger broker start`.
std::string kafka_bootstrap();
// A new topic named "<prefix>.<unique>" with `partitions` partitions (created via the admin
// API, waits until it exists); returns its name.
std::string create_topic(const std::string& prefix, int partitions);

// libpq URI of the test cluster's superuser, database "postgres".
std::string postgres_admin_uri();
// A new empty database "<prefix>_<unique>"; returns a libpq URI for it (superuser).
std::string create_database(const std::string& prefix);

// A unique suffix: pid, time and a counter.
std::string unique_suffix();

}  // namespace ledger::testing

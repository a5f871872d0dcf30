#include "ledger/schema/database_options.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace ledger::schema {
namespace {

TEST(RedactDatabaseUri, HidesUserInfoPassword) {
  EXPECT_EQ(redact_database_uri("postgresql://postgres:s3cret@127.0.0.1:54329/postgres"),
            "postgresql://postgres:***@127.0.0.1:54329/postgres");
}

TEST(RedactDatabaseUri, KeepsUriWithoutPassword) {
  EXPECT_EQ(redact_database_uri("postgresql://postgres@127.0.0.1:5432/db"),
            "postgresql://postgres@127.0.0.1:5432/db");
  EXPECT_EQ(redact_database_uri("postgresql://127.0.0.1/db?sslmode=disable"),
            "postgresql://127.0.0.1/db?sslmode=disable");
}

TEST(RedactDatabaseUri, HidesQueryAndConninfoPasswords) {
  EXPECT_EQ(redact_database_uri("postgresql://u@h/db?password=abc&sslmode=require"),
            "postgresql://u@h/db?password=***&sslmode=require");
  EXPECT_EQ(redact_database_uri("host=h user=u password=abc dbname=d"),
            "host=h user=u password=*** dbname=d");
  EXPECT_EQ(redact_database_uri("host=h password='a b\\'c' dbname=d"),
            "host=h password=*** dbname=d");
}

TEST(SchemaName, AcceptsPlainLowerCaseIdentifiers) {
  EXPECT_TRUE(is_valid_schema_name("ledger"));
  EXPECT_TRUE(is_valid_schema_name("ledger_rebuild"));
  EXPECT_TRUE(is_valid_schema_name("_x9"));
  EXPECT_FALSE(is_valid_schema_name(""));
  EXPECT_FALSE(is_valid_schema_name("Ledger"));
  EXPECT_FALSE(is_valid_schema_name("9ledger"));
  EXPECT_FALSE(is_valid_schema_name("ledger; drop table x"));
  EXPECT_FALSE(is_valid_schema_name(std::string(64, 'a')));
}

class ResolveUri : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name :
         {"PGHOST", "PGHOSTADDR", "PGDATABASE", "PGSERVICE", "LEDGER_STATE_DIR"}) {
      unsetenv(name);
    }
    dir_ =
        std::filesystem::temp_directory_path() / ("ledger_schema_opts_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_ / "postgres");
  }
  void TearDown() override {
    unsetenv("PGHOST");
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

TEST_F(ResolveUri, FlagWins) {
  DatabaseOptions options;
  options.uri = "postgresql://x@h/db";
  std::string error;
  EXPECT_EQ(resolve_database_uri(options, error).value_or("none"), "postgresql://x@h/db");
}

TEST_F(ResolveUri, LibpqEnvironmentGivesEmptyConninfo) {
  setenv("PGHOST", "127.0.0.1", 1);
  DatabaseOptions options;
  options.state_dir = dir_.string();
  std::string error;
  EXPECT_EQ(resolve_database_uri(options, error).value_or("none"), "");
}

TEST_F(ResolveUri, FallsBackToStateDirUriFile) {
  std::ofstream(dir_ / "postgres" / "uri") << "postgresql://postgres:pw@127.0.0.1:1/postgres\n";
  DatabaseOptions options;
  options.state_dir = dir_.string();
  std::string error;
  EXPECT_EQ(resolve_database_uri(options, error).value_or("none"),
            "postgresql://postgres:pw@127.0.0.1:1/postgres");
}

TEST_F(ResolveUri, ExplainsWhatToConfigureWhenNothingIsThere) {
  DatabaseOptions options;
  options.state_dir = (dir_ / "nothing").string();
  std::string error;
  EXPECT_FALSE(resolve_database_uri(options, error).has_value());
  EXPECT_NE(error.find("ledger db start"), std::string::npos) << error;
  EXPECT_NE(error.find("--db"), std::string::npos) << error;
}

TEST_F(ResolveUri, RejectsBadSchemaName) {
  DatabaseOptions options;
  options.uri = "postgresql://x@h/db";
  options.schema = "Bad-Name";
  std::string error;
  EXPECT_FALSE(resolve_database_uri(options, error).has_value());
  EXPECT_NE(error.find("Bad-Name"), std::string::npos) << error;
}

TEST(ResolveStateDir, FlagThenEnvironmentThenDefault) {
  unsetenv("LEDGER_STATE_DIR");
  EXPECT_EQ(resolve_state_dir(""), ".ledger");
  setenv("LEDGER_STATE_DIR", "/tmp/somewhere", 1);
  EXPECT_EQ(resolve_state_dir(""), "/tmp/somewhere");
  EXPECT_EQ(resolve_state_dir("/flag"), "/flag");
  unsetenv("LEDGER_STATE_DIR");
}

}  // namespace
}  // namespace ledger::schema

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ledger/schema/migrator.hpp"

namespace ledger::schema {
namespace {

namespace fs = std::filesystem;

class MigrationFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ledger_schema_files_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name) << content;
  }
  fs::path dir_;
};

TEST(Sha256, KnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(MigrationFiles, SortedByVersionWithChecksums) {
  write("0002_b.sql", "SELECT 2;");
  write("0001_a.sql", "SELECT 1;");
  write("README.md", "not a migration");
  std::vector<MigrationFile> files;
  std::string error;
  ASSERT_TRUE(load_migrations(dir_.string(), files, error)) << error;
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].version, 1);
  EXPECT_EQ(files[0].name, "0001_a.sql");
  EXPECT_EQ(files[1].version, 2);
  EXPECT_EQ(files[0].checksum, sha256_hex("SELECT 1;"));
}

TEST_F(MigrationFiles, BadNameIsRefused) {
  write("1_a.sql", "SELECT 1;");
  std::vector<MigrationFile> files;
  std::string error;
  EXPECT_FALSE(load_migrations(dir_.string(), files, error));
  EXPECT_NE(error.find("1_a.sql"), std::string::npos) << error;
}

TEST_F(MigrationFiles, DuplicateVersionIsRefused) {
  write("0001_a.sql", "SELECT 1;");
  write("0001_b.sql", "SELECT 1;");
  std::vector<MigrationFile> files;
  std::string error;
  EXPECT_FALSE(load_migrations(dir_.string(), files, error));
  EXPECT_NE(error.find("two migration files"), std::string::npos) << error;
}

TEST_F(MigrationFiles, MissingDirectoryIsAnError) {
  std::vector<MigrationFile> files;
  std::string error;
  EXPECT_FALSE(load_migrations((dir_ / "nope").string(), files, error));
  EXPECT_NE(error.find("nope"), std::string::npos) << error;
}

TEST(DefaultMigrations, ShippedFilesLoad) {
  std::vector<MigrationFile> files;
  std::string error;
  ASSERT_TRUE(load_migrations(default_migrations_dir(), files, error)) << error;
  ASSERT_GE(files.size(), 2u);
  EXPECT_EQ(files[0].name, "0001_foundation.sql");
}

}  // namespace
}  // namespace ledger::schema

// Test support: a fresh database on the test cluster, migrated to schema `ledger`, holding
// data/known_dataset.sql (and data/known_books.sql when the accounting tables exist). Throws on any
// failure.
#pragma once

#include <string>

namespace ledger::queries::testing {

// Returns the superuser URI of the new database.
std::string make_known_database(const std::string& prefix);
// Whether the accounting tables (migration 0150) exist; the data set then has known_books.sql.
bool has_books(const std::string& uri);

}  // namespace ledger::queries::testing

// Test support: a fresh database on the test cluster, migrated to schema `ledger`, holding
// data/known_dataset.sql. Throws on any failure.
#pragma once

#include <string>

namespace ledger::queries::testing {

// Returns the superuser URI of the new database.
std::string make_known_database(const std::string& prefix);

}  // namespace ledger::queries::testing

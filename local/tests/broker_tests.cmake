# Tests of the local broker and mock cluster.
ledger_add_test(broker_local_unit_test
  SOURCES broker_local_unit_test.cpp
  DEPS ledger::local
  LABELS unit)
target_compile_definitions(broker_local_unit_test PRIVATE
  LEDGER_KAFKA_POM="${CMAKE_CURRENT_SOURCE_DIR}/../kafka/pom.xml")

ledger_add_test(broker_mock_cluster_test
  SOURCES broker_mock_cluster_test.cpp
  DEPS ledger::local
  LABELS unit)

# Starts its own Apache Kafka broker (own state dir and free ports, not the "kafka" fixture);
# the first run on a machine also downloads Kafka, hence the generous timeout.
ledger_add_test(broker_lifecycle_test
  SOURCES broker_lifecycle_test.cpp
  DEPS ledger::local ledger::testing
  LABELS integration
  TIMEOUT 900)

# The broker tests use local/src's internal helpers (broker_detail.hpp, files.hpp).
foreach(test broker_local_unit_test broker_mock_cluster_test broker_lifecycle_test)
  target_include_directories(${test} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/../src
                                             ${CMAKE_CURRENT_SOURCE_DIR}/../src/broker)
endforeach()

# Tests of the Publisher, ledger publish and ledger tail (the mock cluster comes from local/).

# Shared helpers: fresh events, decoding read-back records, the exactly-once check, running
# the `ledger` binary.
add_library(ledger_publish_test_support STATIC publish_test_support.cpp)
target_link_libraries(ledger_publish_test_support
  PUBLIC ledger::producer ledger::local ledger::events_examples ledger::testing GTest::gtest
  PRIVATE ledger_warnings ledger_sanitizers)

# In-process, against librdkafka's mock cluster: validation, envelope, headers, fault injection.
ledger_add_test(ledger_publisher_mock_tests
  SOURCES publisher_mock_test.cpp
  DEPS ledger_publish_test_support
  LABELS unit)

# Against the real broker (fixture "kafka"), each test on a fresh topic.
ledger_add_test(ledger_publisher_kafka_tests
  SOURCES publisher_kafka_test.cpp publish_command_test.cpp
  DEPS ledger_publish_test_support nlohmann_json::nlohmann_json
  LABELS integration
  FIXTURES kafka)

# Stops and restarts a broker of its own (a free port, its own state dir) mid-run.
ledger_add_test(ledger_publisher_restart_tests
  SOURCES publisher_restart_test.cpp
  DEPS ledger_publish_test_support
  LABELS integration
  FIXTURES kafka  # only so that Kafka's jars are cached before it starts its own broker
  TIMEOUT 300)

# The README's Python example, run as written (confluent-kafka + protobuf from PyPI in a venv
# cached under the build dir), then decoded by `ledger tail`.
add_test(NAME publish_example.python
         COMMAND sh ${PROJECT_SOURCE_DIR}/producer/examples/python/test_publish_example.sh
                 $<TARGET_FILE:ledger> ${PROJECT_SOURCE_DIR} ${CMAKE_BINARY_DIR}/python-venv)
set_tests_properties(publish_example.python PROPERTIES
  FIXTURES_REQUIRED kafka LABELS integration TIMEOUT 600
  ENVIRONMENT "LEDGER_TEST_STATE_DIR=${CMAKE_BINARY_DIR}/test-state")

# Tests of the local broker and mock cluster.
ledger_add_test(broker_kafka_options_test
  SOURCES broker_kafka_options_test.cpp
  DEPS ledger::producer
  LABELS unit)

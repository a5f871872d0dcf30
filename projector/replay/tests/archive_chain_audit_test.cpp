// Tamper evidence (issue 15 part 2) against the real broker and PostgreSQL: the projector
// chains every archived row per partition, a replay with swap reproduces the chain, and
// `ledger audit verify` (the real executable, $LEDGER_BIN) names and locates each tampering:
// a payload byte, a fill's price in its source event, a deleted row, two rows' payloads
// swapped, the tail truncated (against a checkpoint taken before), a stored hash edited; and,
// with --against-kafka, an archive rewritten with its hashes recomputed, or holding a row at an
// offset the topic does not have; checkpoints kept in a Kafka topic.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <pqxx/pqxx>

#include "ledger/events/archive_chain.hpp"
#include "ledger/producer/topic_reader.hpp"
#include "ledger/testing/services.hpp"
#include "ledger/v1/events.pb.h"
#include "replay_support.hpp"

namespace ledger::projector {
namespace {

using namespace ledger::replay_testing;

struct AuditRun {
  int exit_code = -1;
  std::string output;
};

// `ledger audit <args> --db URI --schema ledger`, stdout and stderr.
AuditRun ledger_audit(const std::string& uri, const std::string& args) {
  const std::string command =
      ledger::testing::ledger_bin() + " audit " + args + " --db '" + uri + "' 2>&1";
  AuditRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  std::size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, read);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

void exec(const std::string& uri, const std::string& sql) {
  pqxx::connection connection(uri);
  pqxx::work tx(connection);
  tx.exec0(sql);
  tx.commit();
}

std::string text(const std::string& uri, const std::string& sql) {
  pqxx::connection connection(uri);
  pqxx::read_transaction tx(connection);
  const pqxx::row row = tx.exec1(sql);
  return row[0].is_null() ? std::string() : row[0].c_str();
}

// A projected ledger: 3 partitions, 4 agents, a mixed log (rejects, undecodable bytes),
// projected in two runs (the chain continues across a restart).
struct Ledger {
  std::string topic;
  std::string uri;
  explicit Ledger(const std::string& name) {
    topic = ledger::testing::create_topic("chain." + name, 3);
    uri = migrated_database("chain_" + name);
    const std::vector<RawRecord> records = mixed_run(17, 900, 4);
    const auto half = static_cast<long>(records.size() / 2);
    produce(topic, std::vector<RawRecord>(records.begin(), records.begin() + half));
    project_live(topic, uri, "ledger");
    produce(topic, std::vector<RawRecord>(records.begin() + half, records.end()));
    project_live(topic, uri, "ledger");
  }
  // "kafka_topic = '...' AND kafka_partition = 1 AND kafka_offset = N".
  std::string at(std::int64_t offset, int partition = 1) const {
    return "kafka_topic = '" + topic + "' AND kafka_partition = " + std::to_string(partition) +
           " AND kafka_offset = " + std::to_string(offset);
  }
  // The n-th archived offset of partition 1 (0-based, in offset order).
  std::int64_t offset_at(int n) const {
    return std::stoll(text(uri,
                           "SELECT kafka_offset FROM ledger.event_archive WHERE "
                           "kafka_partition = 1 ORDER BY kafka_offset OFFSET " +
                               std::to_string(n) + " LIMIT 1"));
  }
  // "BROKEN <kind> topic=... partition=P offset=O:".
  std::string broken(const std::string& kind, std::int64_t offset, int partition = 1) const {
    return "BROKEN " + kind + " topic=" + topic + " partition=" + std::to_string(partition) +
           " offset=" + std::to_string(offset) + ":";
  }
};

TEST(ArchiveChain, UntouchedLedgerVerifiesCleanAlsoAfterAReplayWithSwap) {
  const Ledger ledger("clean");
  EXPECT_EQ(std::stoll(text(ledger.uri,
                            "SELECT count(*) FROM ledger.event_archive WHERE "
                            "chain_hash IS NULL OR length(chain_hash) <> 32")),
            0);
  AuditRun run = ledger_audit(ledger.uri, "verify");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("clean: "), std::string::npos) << run.output;
  const std::string checkpoint =
      ledger::testing::state_dir() + "/chain_clean_" + ledger::testing::unique_suffix() + ".jsonl";
  run = ledger_audit(ledger.uri, "checkpoint --output " + checkpoint);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::string hashes_sql =
      "SELECT string_agg(kafka_partition || ':' || kafka_offset || ':' || "
      "encode(chain_hash, 'hex'), ',' ORDER BY kafka_partition, kafka_offset) FROM ";
  const std::string before = text(ledger.uri, hashes_sql + "ledger.event_archive");

  const std::atomic<bool> stop{false};
  const ReplayResult result =
      replay(replay_options(ledger.topic, ledger.uri, ReplayMode::kSwap), stop);
  ASSERT_EQ(result.target_schema, "ledger");
  EXPECT_EQ(text(ledger.uri, hashes_sql + "ledger.event_archive"), before);
  run = ledger_audit(ledger.uri, "verify --checkpoint " + checkpoint);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  run = ledger_audit(ledger.uri, "verify --agent agent-1 --since 2000-01-01T00:00:00Z");
  EXPECT_EQ(run.exit_code, 0) << run.output;
}

TEST(ArchiveChain, AChangedPayloadByteIsNamedAndLocated) {
  const Ledger ledger("byte");
  const std::int64_t offset = ledger.offset_at(40);
  exec(ledger.uri,
       "UPDATE ledger.event_archive SET payload = set_byte(payload, 5, "
       "get_byte(payload, 5) # 1) WHERE " +
           ledger.at(offset));
  const AuditRun run = ledger_audit(ledger.uri, "verify");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(ledger.broken("payload_changed", offset)), std::string::npos)
      << run.output;
}

TEST(ArchiveChain, AChangedPriceInAFillsSourceEventIsNamedAndLocated) {
  const Ledger ledger("price");
  pqxx::connection connection(ledger.uri);
  pqxx::work tx(connection);
  const pqxx::row fill = tx.exec1(
      "SELECT a.kafka_partition, a.kafka_offset, encode(a.payload, 'hex') FROM ledger.fills f "
      "JOIN ledger.event_archive a USING (event_id) ORDER BY a.kafka_partition, a.kafka_offset "
      "LIMIT 1");
  const auto partition = fill[0].as<int>();
  const auto offset = fill[1].as<std::int64_t>();
  const pqxx::binarystring payload(tx.exec1("SELECT payload FROM ledger.event_archive WHERE " +
                                            ledger.at(offset, partition))[0]);
  ledger::v1::Event event;
  ASSERT_TRUE(event.ParseFromString(payload.str()));
  ASSERT_TRUE(event.has_order_filled());
  event.mutable_order_filled()->set_price("1.5");  // a better price than the venue gave
  tx.exec_params0(
      "UPDATE ledger.event_archive SET payload = $1 WHERE " + ledger.at(offset, partition),
      pqxx::binarystring(event.SerializeAsString()));
  tx.commit();
  const AuditRun run = ledger_audit(ledger.uri, "verify");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(ledger.broken("payload_changed", offset, partition)), std::string::npos)
      << run.output;
}

TEST(ArchiveChain, ADeletedRowIsNamedAndLocatedAtTheRowAfterIt) {
  const Ledger ledger("delete");
  const std::int64_t deleted = ledger.offset_at(30);
  const std::int64_t next = ledger.offset_at(31);
  exec(ledger.uri, "DELETE FROM ledger.event_archive WHERE " + ledger.at(deleted));
  const AuditRun run = ledger_audit(ledger.uri, "verify");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(ledger.broken("missing_row", next)), std::string::npos) << run.output;
}

TEST(ArchiveChain, TwoSwappedPayloadsAreNamedAndLocated) {
  const Ledger ledger("swap");
  const std::int64_t first = ledger.offset_at(20);
  const std::int64_t second = ledger.offset_at(25);
  exec(ledger.uri,
       "UPDATE ledger.event_archive a SET payload = b.payload FROM ledger.event_archive b "
       "WHERE a.kafka_topic = b.kafka_topic AND a.kafka_partition = 1 AND b.kafka_partition = 1 "
       "AND ((a.kafka_offset = " +
           std::to_string(first) + " AND b.kafka_offset = " + std::to_string(second) +
           ") OR (a.kafka_offset = " + std::to_string(second) +
           " AND b.kafka_offset = " + std::to_string(first) + "))");
  const AuditRun run = ledger_audit(ledger.uri, "verify");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(ledger.broken("reordered", first)), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("at offset " + std::to_string(second)), std::string::npos)
      << run.output;
}

TEST(ArchiveChain, ATruncatedTailIsCaughtAgainstACheckpointTakenBefore) {
  const Ledger ledger("truncate");
  const std::string checkpoint = ledger::testing::state_dir() + "/chain_truncate_" +
                                 ledger::testing::unique_suffix() + ".jsonl";
  ASSERT_EQ(ledger_audit(ledger.uri, "checkpoint --output " + checkpoint).exit_code, 0);
  const std::string last = text(ledger.uri,
                                "SELECT max(kafka_offset) FROM ledger.event_archive "
                                "WHERE kafka_partition = 1");
  exec(ledger.uri,
       "DELETE FROM ledger.event_archive WHERE kafka_partition = 1 AND "
       "kafka_offset > " +
           last + " - 3");
  // Without the statement a truncated chain is still a valid chain...
  AuditRun run = ledger_audit(ledger.uri, "verify");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  // ... the checkpoint holds the operator to the record.
  run = ledger_audit(ledger.uri, "verify --checkpoint " + checkpoint);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("BROKEN truncated topic=" + ledger.topic + " partition=1 "),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("up to offset " + last), std::string::npos) << run.output;
}

TEST(ArchiveChain, AnEditedStoredHashIsNamedAndLocated) {
  const Ledger ledger("hash");
  const std::int64_t offset = ledger.offset_at(10);
  exec(ledger.uri, "UPDATE ledger.event_archive SET chain_hash = sha256('forged'::bytea) WHERE " +
                       ledger.at(offset));
  const AuditRun run = ledger_audit(ledger.uri, "verify");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(ledger.broken("stored_hash_edited", offset)), std::string::npos)
      << run.output;
}

// Recomputes partition 1's chain from `offset` on, as a forger with write access would after
// editing a row, so the chain alone verifies clean.
void rechain_from(const Ledger& ledger, std::int64_t offset) {
  pqxx::connection connection(ledger.uri);
  pqxx::work tx(connection);
  const pqxx::result before = tx.exec(
      "SELECT chain_hash FROM ledger.event_archive WHERE kafka_partition = 1 AND kafka_offset < " +
      std::to_string(offset) + " ORDER BY kafka_offset DESC LIMIT 1");
  events::ChainHash previous = events::chain_genesis();
  if (!before.empty()) {
    ASSERT_TRUE(events::chain_from_bytes(pqxx::binarystring(before[0][0]).str(), previous));
  }
  const pqxx::result rows = tx.exec(
      "SELECT kafka_offset, payload FROM ledger.event_archive WHERE kafka_partition = 1 AND "
      "kafka_offset >= " +
      std::to_string(offset) + " ORDER BY kafka_offset");
  for (const pqxx::row& row : rows) {
    const auto at = row[0].as<std::int64_t>();
    previous = events::chain_hash(previous, pqxx::binarystring(row[1]).str(), ledger.topic, 1, at);
    tx.exec_params0("UPDATE ledger.event_archive SET chain_hash = $1 WHERE " + ledger.at(at),
                    pqxx::binarystring(previous.data(), previous.size()));
  }
  tx.commit();
}

std::string against_kafka() {
  return "verify --against-kafka -b " + ledger::testing::kafka_bootstrap();
}

TEST(ArchiveChain, AgainstKafkaAnUntouchedLedgerIsClean) {
  const Ledger ledger("kafka_clean");
  const std::string rows = text(ledger.uri, "SELECT count(*) FROM ledger.event_archive");
  const AuditRun run = ledger_audit(ledger.uri, against_kafka());
  std::printf("%s", run.output.c_str());  // the README quotes it
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find(", " + rows + " rows equal to the topic's records"), std::string::npos)
      << run.output;
}

TEST(ArchiveChain, AgainstKafkaARewrittenChainIsNamedAndLocated) {
  const Ledger ledger("kafka_rewrite");
  const std::int64_t offset = ledger.offset_at(40);
  exec(ledger.uri,
       "UPDATE ledger.event_archive SET payload = set_byte(payload, 5, "
       "get_byte(payload, 5) # 1) WHERE " +
           ledger.at(offset));
  rechain_from(ledger, offset);
  // The chain alone cannot tell: it was recomputed over the forged bytes...
  AuditRun run = ledger_audit(ledger.uri, "verify");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  // ... the topic still holds what was projected.
  run = ledger_audit(ledger.uri, against_kafka());
  std::printf("%s", run.output.c_str());  // the README quotes it
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(ledger.broken("differs_from_kafka", offset)), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("first difference at byte 5"), std::string::npos) << run.output;
}

TEST(ArchiveChain, AgainstKafkaARowAtAnOffsetTheTopicLacksIsNamed) {
  const Ledger ledger("kafka_offset");
  const std::int64_t last = std::stoll(text(
      ledger.uri, "SELECT max(kafka_offset) FROM ledger.event_archive WHERE kafka_partition = 1"));
  const std::int64_t moved = last + 1000;
  exec(ledger.uri, "UPDATE ledger.event_archive SET kafka_offset = " + std::to_string(moved) +
                       " WHERE " + ledger.at(last));
  rechain_from(ledger, moved);
  AuditRun run = ledger_audit(ledger.uri, "verify");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  run = ledger_audit(ledger.uri, against_kafka());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(ledger.broken("not_in_kafka", moved)), std::string::npos) << run.output;
}

TEST(ArchiveChain, AgainstKafkaWithNoBrokerIsAClearError) {
  const Ledger ledger("kafka_down");
  const AuditRun run =
      ledger_audit(ledger.uri, "verify --against-kafka -b 127.0.0.1:1 --kafka-timeout-ms 2000");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("audit verify: metadata of topic " + ledger.topic + ": "),
            std::string::npos)
      << run.output;
}

TEST(ArchiveChain, ACheckpointKeptInATopicCatchesATruncatedTail) {
  const Ledger ledger("topic_checkpoint");
  const std::string statements = ledger::testing::create_topic("chain.checkpoints", 1);
  const std::string kafka = " -b " + ledger::testing::kafka_bootstrap();
  AuditRun run = ledger_audit(ledger.uri, "checkpoint --output-topic " + statements + kafka);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::vector<producer::Record> sent =
      producer::read_topic(ledger::testing::kafka_bootstrap(), statements, 30'000);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].value + "\n", run.output);  // what was printed is what was sent
  run = ledger_audit(ledger.uri, "verify --checkpoint-topic " + statements + kafka);
  EXPECT_EQ(run.exit_code, 0) << run.output;

  const std::string last = text(ledger.uri,
                                "SELECT max(kafka_offset) FROM ledger.event_archive "
                                "WHERE kafka_partition = 0");
  exec(ledger.uri,
       "DELETE FROM ledger.event_archive WHERE kafka_partition = 0 AND kafka_offset = " + last);
  run = ledger_audit(ledger.uri, "verify --checkpoint-topic " + statements + kafka);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("BROKEN truncated topic=" + ledger.topic + " partition=0 "),
            std::string::npos)
      << run.output;
}

TEST(ArchiveChain, AMalformedStatementInTheCheckpointTopicIsNamed) {
  const Ledger ledger("topic_malformed");
  const std::string statements = ledger::testing::create_topic("chain.checkpoints", 1);
  produce(statements, {RawRecord{"ledger-audit-checkpoint", "{\"chains\": 7}", 0, 0}});
  const AuditRun run = ledger_audit(ledger.uri, "verify --checkpoint-topic " + statements + " -b " +
                                                    ledger::testing::kafka_bootstrap());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("topic " + statements + ": checkpoint line 1"), std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace ledger::projector

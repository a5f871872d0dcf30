#include "ledger/projector/batch_runner.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>

namespace ledger::projector {

Record record_of(const RdKafka::Message& message) {
  Record record;
  record.partition = message.partition();
  record.offset = message.offset();
  if (message.key_pointer() != nullptr) {
    record.key =
        std::string_view(static_cast<const char*>(message.key_pointer()), message.key_len());
  }
  if (message.payload() != nullptr) {
    record.value = std::string_view(static_cast<const char*>(message.payload()), message.len());
  }
  record.timestamp_ms = message.timestamp().timestamp;
  return record;
}

BatchRunner::BatchRunner(const ProjectorOptions& options, Store& store)
    : options_(options), store_(store) {}

void BatchRunner::set_archived_next(const std::map<std::int32_t, std::int64_t>& next) {
  for (const auto& [partition, offset] : next) archived_next_[partition] = offset;
}

std::map<std::int32_t, std::int64_t> BatchRunner::commit_records(std::span<const Record> records,
                                                                 const StoredOffsets& expected) {
  const std::map<std::int32_t, OffsetAdvance> advances = decode_and_fence(records, expected);
  const std::span<const DecodedEvent> events(decoded_.data(), records.size());
  prepare_state();
  const double seconds = project_in_one_transaction(events, advances);
  for (ProjectionExtension* extension : extensions_) extension->reset();
  account_committed(records.size(), seconds);
  std::map<std::int32_t, std::int64_t> committed;
  for (const auto& [partition, advance] : advances) committed[partition] = advance.next;
  return committed;
}

std::map<std::int32_t, OffsetAdvance> BatchRunner::decode_and_fence(std::span<const Record> records,
                                                                    const StoredOffsets& expected) {
  if (decoded_.size() < records.size()) decoded_.resize(records.size());
  std::map<std::int32_t, OffsetAdvance> advances;
  for (std::size_t i = 0; i < records.size(); ++i) {
    decode_record(records[i], decoded_[i]);
    const auto found = expected.find(records[i].partition);
    if (found == expected.end()) {
      throw FencedError("partition " + std::to_string(records[i].partition) +
                        " is not assigned to this projector");
    }
    OffsetAdvance& advance = advances[records[i].partition];
    advance.expected = found->second;
    advance.next = std::max(advance.next, records[i].offset + 1);
  }
  return advances;
}

void BatchRunner::prepare_state() {
  if (retained_state_lost_) {
    throw std::logic_error("an earlier batch failed: the retained projection state is unusable");
  }
  if (!retain_state_) state_.clear();
  keys_.clear();
  rows_.clear();
  for (const auto& [partition, offset] : archived_next_) {
    state_.archived_next_offset[partition] = offset;
  }
}

double BatchRunner::project_in_one_transaction(
    std::span<const DecodedEvent> events, const std::map<std::int32_t, OffsetAdvance>& advances) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  retained_state_lost_ = retain_state_;  // until the commit succeeded
  pqxx::work tx(store_.connection());
  store_.advance_offsets(tx, advances);
  collect_keys(events, keys_);
  if (!retain_state_) store_.load_state(tx, keys_, state_);
  for (ProjectionExtension* extension : extensions_) {
    extension->reset();
    extension->load(tx, keys_);
  }
  const auto t1 = Clock::now();
  apply_batch(events, state_, rows_, extensions_);
  if (!archive_written_below_.empty()) skip_archive_written_elsewhere();
  const auto t2 = Clock::now();
  store_.write_rows(tx, rows_, state_);
  for (ProjectionExtension* extension : extensions_) extension->write(tx);
  const auto t3 = Clock::now();
  tx.commit();
  if (retain_state_) {
    state_.settle();
    retained_state_lost_ = false;
  }
  const auto t4 = Clock::now();
  const auto ms = [](Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  spdlog::debug(
      "projector: batch timing: decode+fence+load {} ms, apply {} ms, write {} ms, "
      "commit {} ms",
      ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3));
  return std::chrono::duration<double>(t4 - t0).count();
}

void BatchRunner::account_committed(std::size_t records, double seconds) {
  if (observer_ != nullptr) observer_->batch_committed(CommittedBatch{rows_, records, seconds});
  stats_.batches_committed += 1;
  stats_.events_seen += static_cast<std::int64_t>(records);
  stats_.events_projected += rows_.projected;
  stats_.events_rejected += static_cast<std::int64_t>(rows_.rejects.size());
  stats_.events_parked += static_cast<std::int64_t>(rows_.parked.size());
  stats_.duplicates += rows_.duplicates;
  log_rejects();
  spdlog::debug(
      "projector: batch committed: {} events, {} projected, {} rejected, {} parked, "
      "{} duplicates",
      records, rows_.projected, rows_.rejects.size(), rows_.parked.size(), rows_.duplicates);
}

void BatchRunner::skip_archive_written_elsewhere() {
  std::erase_if(rows_.archive, [this](const DecodedEvent* event) {
    const auto found = archive_written_below_.find(event->record.partition);
    return found != archive_written_below_.end() && event->record.offset < found->second;
  });
}

void BatchRunner::log_rejects() const {
  for (const RejectRow& reject : rows_.rejects) {
    spdlog::info("projector: rejected partition {} offset {} ({}): {}",
                 reject.event->record.partition, reject.event->record.offset,
                 reject_reason_name(reject.reason), reject.detail);
  }
  for (const DecodedEvent* parked : rows_.parked) {
    spdlog::info("projector: parked partition {} offset {}: {}", parked->record.partition,
                 parked->record.offset, parked->error);
  }
}

void BatchRunner::run_batch(const std::vector<MessagePtr>& messages, Consumer& consumer) {
  records_.clear();
  for (const MessagePtr& message : messages) records_.push_back(record_of(*message));
  const auto committed = commit_records(records_, consumer.expected());
  for (const auto& [partition, next] : committed) consumer.note_committed(partition, next);
}

void BatchRunner::run_isolated(const std::vector<MessagePtr>& messages, Consumer& consumer) {
  for (const MessagePtr& message : messages) {
    const Record record = record_of(*message);
    const auto found = consumer.expected().find(record.partition);
    if (found == consumer.expected().end()) throw FencedError("partition not assigned");
    if (found->second && *found->second > record.offset) continue;  // already committed
    consumer.note_committed(record.partition, commit_one(record, found->second));
  }
}

std::map<std::int32_t, std::int64_t> BatchRunner::commit_isolated(std::span<const Record> records,
                                                                  StoredOffsets expected) {
  if (retain_state_) {
    throw std::logic_error("commit_isolated needs the state read per batch (set_retain_state)");
  }
  std::map<std::int32_t, std::int64_t> committed;
  for (const Record& record : records) {
    const auto found = expected.find(record.partition);
    if (found == expected.end()) throw FencedError("partition not assigned");
    if (found->second && *found->second > record.offset) continue;  // already committed
    const std::int64_t next = commit_one(record, found->second);
    found->second = next;
    committed[record.partition] = next;
  }
  return committed;
}

std::int64_t BatchRunner::commit_one(const Record& record,
                                     const std::optional<std::int64_t>& expected) {
  try {
    return commit_records(std::span<const Record>(&record, 1),
                          StoredOffsets{{record.partition, expected}})
        .at(record.partition);
  } catch (const pqxx::sql_error& e) {
    if (is_transient(e)) throw;
    commit_write_failed(record, expected, e.what());
    return record.offset + 1;
  }
}

void BatchRunner::commit_write_failed(const Record& record,
                                      const std::optional<std::int64_t>& expected,
                                      const std::string& error) {
  spdlog::warn("projector: PostgreSQL refused the event at partition {} offset {}: {}",
               record.partition, record.offset, error);
  if (decoded_.empty()) decoded_.resize(1);
  DecodedEvent& event = decoded_[0];
  decode_record(record, event);
  // Its bytes and checked identity only (no decoded text: that may be what PostgreSQL refused).
  const bool decoded = event.status != DecodeStatus::kUndecodable;
  event.status = decoded ? DecodeStatus::kRefused : DecodeStatus::kUndecodable;
  rows_.clear();
  state_.clear();
  rows_.archive.push_back(&event);
  std::string detail = error.substr(0, error.find('\n'));
  rows_.rejects.push_back(RejectRow{&event, RejectReason::kWriteFailed, detail});
  if (!archive_written_below_.empty()) skip_archive_written_elsewhere();
  const auto started = std::chrono::steady_clock::now();
  pqxx::work tx(store_.connection());
  store_.advance_offsets(tx, {{record.partition, OffsetAdvance{expected, record.offset + 1}}});
  store_.write_rows(tx, rows_, state_);
  tx.commit();
  if (observer_ != nullptr) {
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    observer_->batch_committed(CommittedBatch{rows_, 1, took.count()});
  }
  ++stats_.write_failures;
  ++stats_.events_rejected;
  ++stats_.events_seen;
}

}  // namespace ledger::projector

// BatchObserver: the narrow interface through which the engine reports what it committed, so
// that observability (projector/metrics/) lives outside the engine and the engine, replay and
// tests run without it.
//
// Promises: batch_committed() is called once per committed transaction, after the commit
// succeeded, on the thread that drives the Projector (a batch rolled back and retried is
// reported once, when it commits). The CommittedBatch and what it points to are valid only
// during the call. The engine never depends on what an observer does: an observer must not
// throw (the call is noexcept) and should return quickly.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ledger/projector/batch_rows.hpp"

namespace ledger::projector {

struct CommittedBatch {
  const BatchRows& rows;        // what the transaction wrote: rows.processed says each event's
                                // outcome, rows.rejects and rows.parked the others
  std::size_t records = 0;      // Kafka records the transaction covered
  double duration_seconds = 0;  // from the start of the batch's load to the end of its commit
};

class BatchObserver {
 public:
  virtual ~BatchObserver() = default;
  virtual void batch_committed(const CommittedBatch& batch) noexcept = 0;
};

}  // namespace ledger::projector

// ProjectionExtension: the place where further projections (positions, performance: the
// accounting step, projector/accounting/) plug into the same batch and the same transaction.
//
// Per batch the projector calls, in this order and on one thread:
//   load(tx, keys)        read the state the batch needs (one query per table, no per-event trips)
//   apply(event, order)   for every event that passed every check and is not a duplicate, in log
//                         order; `order` is the order's state after the event for order events
//                         (fills included), else nullptr
//   write(tx)             write this batch's rows (COPY / set-based upserts) before the commit
//   reset()               forget the batch (after commit or abort; the batch may be retried)
// An extension must not reject events, and its write() must be safe to repeat after an aborted
// transaction (reset() is called in between).
#pragma once

#include <string_view>

#include "ledger/projector/decoded_event.hpp"
#include "ledger/projector/state.hpp"

namespace pqxx {
class dbtransaction;
}

namespace ledger::projector {

class ProjectionExtension {
 public:
  virtual ~ProjectionExtension() = default;
  virtual std::string_view name() const = 0;
  virtual void load(pqxx::dbtransaction& tx, const BatchKeys& keys) = 0;
  virtual void apply(const DecodedEvent& event, const OrderState* order) = 0;
  virtual void write(pqxx::dbtransaction& tx) = 0;
  virtual void reset() = 0;
};

}  // namespace ledger::projector

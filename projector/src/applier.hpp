// Applier: the state of one apply_batch() call (see apply.hpp). Internal to projector/src.
// Payload handlers return std::nullopt when the event is projected, else why it is rejected.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "ledger/projector/apply.hpp"

namespace ledger::projector {

struct Rejection {
  RejectReason reason;
  std::string detail;
};
using Outcome = std::optional<Rejection>;

class Applier {
 public:
  Applier(ProjectionState& state, BatchRows& rows, std::span<ProjectionExtension* const> extensions)
      : state_(state), rows_(rows), extensions_(extensions) {}

  void apply(const DecodedEvent& event);

 private:
  Outcome dispatch(const DecodedEvent& event, const OrderState*& order);
  void track_stream(const DecodedEvent& event);
  void reject(const DecodedEvent& event, RejectReason reason, const std::string& detail);
  void see_agent(const DecodedEvent& event);
  void agent_registered(const DecodedEvent& event);
  StrategySeen* see_strategy(const DecodedEvent& event, const std::string& strategy_id);
  Outcome check_leverage(const DecodedEvent& event, std::uint32_t leverage) const;

  // Orders (apply_orders.cpp).
  Outcome order_placed(const DecodedEvent& event, const OrderState*& order);
  Outcome order_transition(const DecodedEvent& event, const OrderState*& order);
  Outcome order_filled(const DecodedEvent& event, const OrderState*& order);
  void order_event_row(const DecodedEvent& event, std::optional<OrderStatus> from,
                       const OrderState& order);

  ProjectionState& state_;
  BatchRows& rows_;
  std::span<ProjectionExtension* const> extensions_;
};

// Builds a JSON object text from key/value pairs (values are strings or integers).
std::string details_json(const DecodedEvent& event, const std::string& reason,
                         const std::string& detail);

}  // namespace ledger::projector

// Derived position events: what opened, closed or flipped, with the figures as decimal strings.
#include "position_events.hpp"

namespace ledger::projector::accounting {
namespace {

nlohmann::json fill_details(const std::string& agent_id, const Fill& fill) {
  return {{"agent_id", agent_id},
          {"symbol", fill.symbol},
          {"fill_side", to_string(fill.side)},
          {"fill_price", fill.price.to_string()},
          {"fill_quantity", fill.quantity.to_string()},
          {"order_id", fill.order_id},
          {"decision_id", fill.decision_id},
          {"strategy_id", fill.strategy_id}};
}

void add_round_trip(nlohmann::json& details, const RoundTrip& trip) {
  details["closed_side"] = to_string(trip.side);
  details["entry_price_average"] = trip.entry_price_average().to_string();
  details["exit_price_average"] = trip.exit_price_average().to_string();
  details["peak_quantity"] = trip.peak_quantity.to_string();
  details["pnl_gross"] = trip.pnl_gross.to_decimal().to_string();
  details["fees"] = trip.fees.to_decimal().to_string();
  details["pnl_net"] = trip.pnl_net().to_decimal().to_string();
  details["opened_at_us"] = trip.opened_at_us;
  details["duration_us"] = trip.duration_us();
}

void add_open(nlohmann::json& details, const Position& position) {
  details["side"] = to_string(position.side());
  details["quantity"] = position.quantity.to_string();
  details["entry_price"] = position.average_entry_price().value_or(Decimal()).to_string();
  details["leverage"] = position.leverage;
}

std::string open_text(const Position& position) {
  return std::string(to_string(position.side())) + " " + position.quantity.abs().to_string() + " " +
         position.symbol + " at " + position.average_entry_price().value_or(Decimal()).to_string();
}

}  // namespace

std::vector<DerivedEvent> position_events(const std::string& agent_id, const Fill& fill,
                                          const FillEffect& effect, const Position& position) {
  if (effect.change == PositionChange::kIncreased || effect.change == PositionChange::kReduced) {
    return {};
  }
  DerivedEvent event;
  event.occurred_at_us = fill.occurred_at_us;
  event.details = fill_details(agent_id, fill);
  switch (effect.change) {
    case PositionChange::kOpened:
      event.type = kPositionOpened;
      event.message = "opened " + open_text(position);
      add_open(event.details, position);
      break;
    case PositionChange::kClosed:
      event.type = kPositionClosed;
      event.message = "closed " + std::string(to_string(effect.round_trip->side)) + " " +
                      fill.symbol + ": net P&L " +
                      effect.round_trip->pnl_net().to_decimal().to_string();
      add_round_trip(event.details, *effect.round_trip);
      break;
    case PositionChange::kFlipped:
      event.type = kPositionFlipped;
      event.message = "flipped " + fill.symbol + " from " + to_string(effect.round_trip->side) +
                      " (net P&L " + effect.round_trip->pnl_net().to_decimal().to_string() +
                      ") to " + open_text(position);
      add_round_trip(event.details, *effect.round_trip);
      add_open(event.details, position);
      break;
    case PositionChange::kIncreased:
    case PositionChange::kReduced:
      return {};
  }
  return {event};
}

}  // namespace ledger::projector::accounting

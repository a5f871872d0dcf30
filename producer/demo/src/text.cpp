// Reasoning, prompt and reply texts of the demo's simulated LLM decisions.
#include <fmt/format.h>

#include "sim_state.hpp"

namespace ledger::producer::demo {

using ledger::v1::DecisionMade;

std::string percent_text(std::int64_t bps) {
  const std::int64_t magnitude = bps < 0 ? -bps : bps;
  return fmt::format("{}{}.{:02}", bps < 0 ? "-" : "+", magnitude / 100, magnitude % 100);
}

namespace {

std::string reasoning_for(const AgentProfile& profile, const DecisionInput& in) {
  const std::string move = percent_text(in.change_bps);
  switch (in.action) {
    case DecisionMade::OPEN_LONG:
      return fmt::format(
          "{} moved {}% over the last 16 marks to {}. Under my {} rules this is an entry: "
          "opening a long of {} USD at {}x, stop and target set from the mark.",
          in.symbol, move, in.mark.to_fixed(2), profile.strategy_id, in.size_usd, in.leverage);
    case DecisionMade::OPEN_SHORT:
      return fmt::format(
          "{} moved {}% over the last 16 marks to {}. Under my {} rules the edge is on the "
          "short side: selling {} USD at {}x with a stop above the mark.",
          in.symbol, move, in.mark.to_fixed(2), profile.strategy_id, in.size_usd, in.leverage);
    case DecisionMade::CLOSE_POSITION:
      return fmt::format(
          "Closing the {} {} position at about {}: the {}% move no longer supports it and "
          "taking the result now keeps risk inside the plan.",
          in.closing_long ? "long" : "short", in.symbol, in.mark.to_fixed(2), move);
    default:
      return fmt::format(
          "{} moved {}% over the last 16 marks. That is inside the noise band for {}: no "
          "edge, no trade. HOLD and wait for confirmation.",
          in.symbol, move, profile.strategy_id);
  }
}

}  // namespace

DecisionText decision_text(const AgentProfile& profile, const DecisionInput& in) {
  DecisionText text;
  text.reasoning = reasoning_for(profile, in);
  text.prompt = fmt::format(
      "You are {}, a {} trading agent. Strategy: {} Market: {} mark {} ({}% over 16 marks). "
      "Reply with JSON: action (OPEN_LONG, OPEN_SHORT, CLOSE_POSITION, HOLD), size_usd, "
      "leverage, confidence, reasoning.",
      profile.name, profile.strategy_id, profile.strategy_description, in.symbol,
      in.mark.to_fixed(2), percent_text(in.change_bps));
  text.llm_response = fmt::format(
      R"({{"action":"{}","symbol":"{}","size_usd":{},"leverage":{},"confidence":{}}})",
      DecisionMade::Action_Name(in.action), in.symbol, in.size_usd, in.leverage, in.confidence);
  return text;
}

}  // namespace ledger::producer::demo

#include <array>

#include "ledger/producer/demo/simulator.hpp"

namespace ledger::producer::demo {
namespace {

constexpr std::array<AgentProfile, kAgentsMax> kRoster{{
    {"demo-atlas", "Atlas Trend", "deepseek-chat", "trend-following",
     "Rides multi-hour trends: enters on EMA alignment, exits when momentum fades.", 5, 50'000},
    {"demo-vega", "Vega Mean Reversion", "claude-3-5-sonnet", "mean-reversion",
     "Fades stretched moves back toward the mean; small size, tight stops.", 3, 25'000},
    {"demo-orion", "Orion Breakout", "gpt-4o", "breakout",
     "Waits for range breaks with volume, then commits; holds until the break fails.", 10, 40'000},
    {"demo-lyra", "Lyra Momentum Scalper", "llama-3.1-70b", "momentum-scalp",
     "Short-horizon momentum scalps on the most liquid pairs.", 8, 15'000},
    {"demo-nova", "Nova Grid", "gemini-1.5-pro", "grid",
     "Buys dips and sells rips around a moving anchor, grid style.", 2, 30'000},
    {"demo-draco", "Draco Carry", "qwen-max", "carry",
     "Leans with funding and basis; patient, mostly holds.", 3, 20'000},
}};

}  // namespace

std::span<const AgentProfile> agent_roster() { return kRoster; }

}  // namespace ledger::producer::demo

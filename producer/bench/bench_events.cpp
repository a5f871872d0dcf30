#include "bench_events.hpp"

#include <cstdio>
#include <memory>

#include "ledger/events/json.hpp"
#include "ledger/producer/demo/simulator.hpp"

namespace ledger::producer::bench {

Workload make_workload(std::size_t count, int simulators) {
  std::vector<std::unique_ptr<demo::Simulator>> sources;
  for (int i = 0; i < simulators; ++i) {
    demo::SimulatorOptions options;
    options.seed = 1000 + static_cast<std::uint64_t>(i);
    options.agents = demo::kAgentsMax;
    options.run_id = "bench-" + std::to_string(i);
    sources.push_back(std::make_unique<demo::Simulator>(options));
  }
  Workload workload;
  workload.events.reserve(count);
  workload.values.reserve(count);
  workload.keys.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t source = i % sources.size();
    ledger::v1::Event event = sources[source]->next();
    event.set_agent_id(event.agent_id() + "-" + std::to_string(source));
    workload.values.push_back(event.SerializeAsString());
    workload.keys.push_back(event.agent_id());
    workload.value_bytes += workload.values.back().size();
    event.clear_event_id();
    event.clear_session();
    event.clear_sequence();
    workload.events.push_back(std::move(event));
  }
  return workload;
}

bool write_jsonl(const std::vector<ledger::v1::Event>& events, const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return false;
  bool ok = true;
  for (const auto& event : events) {
    std::string line = events::event_to_json(event);
    line.push_back('\n');
    ok = ok && std::fwrite(line.data(), 1, line.size(), file) == line.size();
  }
  return std::fclose(file) == 0 && ok;
}

}  // namespace ledger::producer::bench

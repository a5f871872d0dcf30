// render_report_html: the page and its inline SVG charts. Coordinates are doubles (drawing
// only); every number shown as text is printed from the exact Decimal.
#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "ledger/queries/report.hpp"

namespace ledger::queries {
namespace {

using events::Decimal;

constexpr int kWidth = 560;
constexpr int kChartHeight = 180;
constexpr int kPad = 72;

std::string escape_html(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

double to_double(Decimal value) {
  return static_cast<double>(value.units()) / static_cast<double>(Decimal::kOne);
}

std::string time_text(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
  return text;
}

// A line (or area, when `fill` is set) over values y[i] at x[i], scaled into the chart box.
std::string series_svg(const std::vector<double>& x, const std::vector<double>& y,
                       const std::string& stroke, const std::string& fill, double y_min,
                       double y_max) {
  const double x_min = x.front();
  const double x_span = std::max(x.back() - x_min, 1.0);
  const double y_span = std::max(y_max - y_min, 1e-9);
  const double w = kWidth - 2 * kPad;
  const double h = kChartHeight - 2 * 16;
  std::string points;
  for (std::size_t i = 0; i < x.size(); ++i) {
    points += fmt::format("{:.1f},{:.1f} ", kPad + (x[i] - x_min) / x_span * w,
                          16 + (y_max - y[i]) / y_span * h);
  }
  if (fill.empty()) {
    return fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>)",
                       stroke, points);
  }
  const double base = 16 + (y_max - std::min(std::max(0.0, y_min), y_max)) / y_span * h;
  return fmt::format(
      R"(<polygon fill="{}" stroke="{}" stroke-width="1.5" points="{:.1f},{:.1f} {}{:.1f},{:.1f}"/>)",
      fill, stroke, kPad + 0.0, base, points, kPad + w, base);
}

std::string frame_svg(const std::string& title, const std::string& top, const std::string& bottom,
                      const std::string& left_time, const std::string& right_time,
                      const std::string& body) {
  return fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img"><title>{t}</title>)"
      R"(<rect x="{p}" y="16" width="{iw}" height="{ih}" fill="#fafbfc" stroke="#d0d7de"/>)"
      R"(<text x="{p}" y="12" class="t">{t}</text><text x="{tx}" y="26" class="a" text-anchor="end">{top}</text>)"
      R"(<text x="{tx}" y="{by}" class="a" text-anchor="end">{bottom}</text>)"
      R"(<text x="{p}" y="{ly}" class="a">{lt}</text><text x="{rx}" y="{ly}" class="a" text-anchor="end">{rt}</text>{body}</svg>)",
      fmt::arg("w", kWidth), fmt::arg("h", kChartHeight + 14), fmt::arg("t", escape_html(title)),
      fmt::arg("p", kPad), fmt::arg("iw", kWidth - 2 * kPad), fmt::arg("ih", kChartHeight - 32),
      fmt::arg("tx", kPad - 4), fmt::arg("top", top), fmt::arg("bottom", bottom),
      fmt::arg("by", kChartHeight - 16), fmt::arg("ly", kChartHeight + 10),
      fmt::arg("lt", left_time), fmt::arg("rx", kWidth - kPad), fmt::arg("rt", right_time),
      fmt::arg("body", body));
}

std::string equity_and_drawdown(const AgentReport& agent) {
  if (agent.equity.size() < 2) return "<p class=\"n\">No equity curve yet (no fills or marks).</p>";
  std::vector<double> x;
  std::vector<double> equity;
  std::vector<double> drawdown;
  double peak = 0;
  for (const auto& point : agent.equity) {
    x.push_back(static_cast<double>(point.unix_ms));
    const double value = to_double(point.equity);
    equity.push_back(value);
    peak = std::max(peak, value);
    drawdown.push_back(peak > 0 ? (value / peak - 1.0) * 100.0 : 0.0);
  }
  const auto [lo, hi] = std::minmax_element(equity.begin(), equity.end());
  const double dd_min = std::min(*std::min_element(drawdown.begin(), drawdown.end()), -0.01);
  const std::string t0 = time_text(agent.equity.front().unix_ms);
  const std::string t1 = time_text(agent.equity.back().unix_ms);
  const auto min_it = std::min_element(agent.equity.begin(), agent.equity.end(),
                                       [](auto& a, auto& b) { return a.equity < b.equity; });
  const auto max_it = std::max_element(agent.equity.begin(), agent.equity.end(),
                                       [](auto& a, auto& b) { return a.equity < b.equity; });
  return frame_svg("Equity (USD)", max_it->equity.to_fixed(2), min_it->equity.to_fixed(2), t0, t1,
                   series_svg(x, equity, "#1f6feb", "", *lo, *hi)) +
         frame_svg("Drawdown (%)", "0", fmt::format("{:.2f}", dd_min), t0, t1,
                   series_svg(x, drawdown, "#cf222e", "#ffd7d5", dd_min, 0.0));
}

std::string pnl_by_symbol(const AgentReport& agent) {
  if (agent.pnl_by_symbol.empty()) return "<p class=\"n\">No fills yet.</p>";
  double max_abs = 1e-9;
  for (const auto& [symbol, pnl] : agent.pnl_by_symbol)
    max_abs = std::max(max_abs, std::abs(to_double(pnl)));
  const int row_h = 26;
  const int height = 24 + row_h * static_cast<int>(agent.pnl_by_symbol.size());
  const double mid = kWidth / 2.0;
  const double half = kWidth / 2.0 - 120;
  std::string body;
  int row = 0;
  for (const auto& [symbol, pnl] : agent.pnl_by_symbol) {
    const double value = to_double(pnl);
    const double len = std::abs(value) / max_abs * half;
    const double y = 20 + row * row_h;
    body += fmt::format(
        R"(<text x="8" y="{:.0f}" class="a">{}</text><rect x="{:.1f}" y="{:.0f}" width="{:.1f}" height="16" fill="{}"/>)"
        R"(<text x="{:.1f}" y="{:.0f}" class="a" text-anchor="{}">{}</text>)",
        y + 13, escape_html(symbol), value < 0 ? mid - len : mid, y, std::max(len, 1.0),
        value < 0 ? "#cf222e" : "#1a7f37", value < 0 ? mid - len - 4 : mid + len + 4, y + 13,
        value < 0 ? "end" : "start", pnl.to_fixed(2));
    ++row;
  }
  return fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img"><title>P&amp;L by symbol</title>)"
      R"(<text x="8" y="12" class="t">P&amp;L by symbol (USD, net of fees, open positions at the latest mark)</text>)"
      R"(<line x1="{:.0f}" y1="16" x2="{:.0f}" y2="{}" stroke="#8c959f"/>{}</svg>)",
      kWidth, height, mid, mid, height, body);
}

std::string decision_mix(const AgentReport& agent) {
  const std::int64_t total = agent.holds + agent.opens + agent.closes;
  if (total == 0) return "<p class=\"n\">No decisions yet.</p>";
  const struct {
    const char* label;
    std::int64_t count;
    const char* color;
  } parts[] = {{"HOLD", agent.holds, "#8c959f"},
               {"open", agent.opens, "#1f6feb"},
               {"close", agent.closes, "#bf8700"}};
  std::string body;
  double x = 8;
  const double w = kWidth - 16;
  double legend_x = 8;
  for (const auto& part : parts) {
    const double len = static_cast<double>(part.count) / static_cast<double>(total) * w;
    body += fmt::format(R"(<rect x="{:.1f}" y="20" width="{:.1f}" height="22" fill="{}"/>)", x, len,
                        part.color);
    body += fmt::format(
        R"(<rect x="{:.0f}" y="52" width="10" height="10" fill="{}"/><text x="{:.0f}" y="61" class="a">{} {} ({:.0f}%)</text>)",
        legend_x, part.color, legend_x + 14, part.label, part.count,
        100.0 * static_cast<double>(part.count) / static_cast<double>(total));
    x += len;
    legend_x += 180;
  }
  return fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="70" role="img"><title>Decision mix</title>)"
      R"(<text x="8" y="12" class="t">Decision mix ({} decisions)</text>{}</svg>)",
      kWidth, total, body);
}

std::string agent_section(const AgentReport& agent) {
  const Decimal last = agent.equity.empty() ? agent.initial_balance : agent.equity.back().equity;
  const Decimal pnl = Decimal::checked_sub(last, agent.initial_balance).value_or(Decimal());
  return fmt::format(
      R"(<section><h2>{} <small>{} · {} · {}</small></h2>)"
      R"(<p class="k">initial balance <b>{}</b> · equity <b>{}</b> · P&amp;L <b class="{}">{}</b> · fills <b>{}</b></p>)"
      R"(<div class="g">{}{}{}</div></section>)",
      escape_html(agent.name.empty() ? agent.agent_id : agent.name), escape_html(agent.agent_id),
      escape_html(agent.llm_model), escape_html(agent.strategy_id),
      agent.initial_balance.to_fixed(2), last.to_fixed(2), pnl.is_negative() ? "neg" : "pos",
      pnl.to_fixed(2), agent.fills, equity_and_drawdown(agent), pnl_by_symbol(agent),
      decision_mix(agent));
}

constexpr const char* kStyle =
    "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1f2328;"
    "background:#fff}h1{margin:0 0 4px}h2{margin:24px 0 4px;font-size:18px}h2 small{color:#656d76;"
    "font-weight:normal;font-size:13px}.k{margin:0 0 8px;color:#424a53}.pos{color:#1a7f37}"
    ".neg{color:#cf222e}.n{color:#656d76}.g{display:flex;flex-wrap:wrap;gap:12px}"
    "svg{background:#fff;border:1px solid #eaeef2;border-radius:6px}svg .t{font-size:12px;"
    "font-weight:600;fill:#1f2328}svg .a{font-size:11px;fill:#424a53}"
    "section{border-top:1px solid #d0d7de;padding-top:4px}";

}  // namespace

std::string render_report_html(const Report& report) {
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width\"><title>{}</title><style>{}</style>"
      "</head><body><h1>{}</h1><p class=\"n\">{} agents · {} · generated {}</p>\n",
      escape_html(report.title), kStyle, escape_html(report.title), report.agents.size(),
      escape_html(report.source), escape_html(report.generated_at));
  for (const auto& note : report.notes) html += "<p class=\"n\">" + escape_html(note) + "</p>\n";
  if (report.agents.empty()) html += "<p>No agents yet.</p>\n";
  for (const auto& agent : report.agents) html += agent_section(agent) + "\n";
  html += "</body></html>\n";
  return html;
}

}  // namespace ledger::queries

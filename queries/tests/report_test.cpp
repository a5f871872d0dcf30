// `ledger report`: the books folded from fills and marks, and the page rendered by headless
// Chromium (Debian's chromium) into a screenshot that is not blank.
#include "ledger/queries/report.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "ledger/testing/command.hpp"

namespace {

using ledger::events::Decimal;
using ledger::queries::AgentReport;
using ledger::queries::FillRow;
using ledger::queries::MarkRow;

Decimal d(const char* text) { return *Decimal::parse(text); }

TEST(ReportBooks, EquityIsCashPlusPositionsAtTheMark) {
  AgentReport agent;
  agent.initial_balance = d("1000");
  const std::vector<FillRow> fills{
      {1000, "BTC", true, d("100"), d("2"), d("0.1")},   // buy 2 @ 100, fee 0.1
      {3000, "BTC", false, d("120"), d("1"), d("0.1")},  // sell 1 @ 120, fee 0.1
  };
  const std::vector<MarkRow> marks{{2000, {{"BTC", d("110")}}}, {4000, {{"BTC", d("90")}}}};
  ledger::queries::fold_books(fills, marks, agent);
  ASSERT_EQ(agent.equity.size(), 4U);
  EXPECT_EQ(agent.equity[0].equity, d("999.9"));   // cash -200.1, 2 @ 100
  EXPECT_EQ(agent.equity[1].equity, d("1019.9"));  // 2 @ 110
  EXPECT_EQ(agent.equity[2].equity, d("1029.8"));  // cash -80.2, 1 @ 110 (mark before the fill)
  EXPECT_EQ(agent.equity[3].equity, d("1009.8"));  // 1 @ 90
  EXPECT_EQ(agent.pnl_by_symbol.at("BTC"), d("9.8"));
  EXPECT_EQ(agent.fills, 2);
}

TEST(ReportBooks, CurvesAreSampledToTheBound) {
  AgentReport agent;
  std::vector<MarkRow> marks;
  for (int i = 0; i < 5000; ++i) marks.push_back({i * 1000LL, {{"ETH", d("10")}}});
  ledger::queries::fold_books({}, marks, agent);
  EXPECT_EQ(agent.equity.size(), ledger::queries::kCurvePointsMax);
  EXPECT_EQ(agent.equity.back().unix_ms, 4'999'000);
}

ledger::queries::Report sample_report() {
  ledger::queries::Report report;
  report.generated_at = "2026-01-01T00:00:00Z";
  report.source = "schema ledger";
  for (int a = 0; a < 2; ++a) {
    AgentReport agent;
    agent.agent_id = "demo-" + std::to_string(a);
    agent.name = a == 0 ? "Atlas <Trend>" : "Vega";
    agent.llm_model = "model";
    agent.initial_balance = d("10000");
    std::vector<FillRow> fills;
    std::vector<MarkRow> marks;
    Decimal price = d("100");
    for (int i = 0; i < 200; ++i) {
      price = *Decimal::checked_add(price, Decimal::from_int(((i * 7 + a * 3) % 11) - 5));
      marks.push_back({i * 60'000LL, {{"BTC/USD", price}, {"ETH/USD", d("50")}}});
      if (i % 10 == 0) {
        fills.push_back({i * 60'000LL + 1, i % 20 == 0 ? "BTC/USD" : "ETH/USD", i % 20 == 0, price,
                         d("3"), d("0.5")});
      }
    }
    ledger::queries::fold_books(fills, marks, agent);
    agent.holds = 10;
    agent.opens = 6;
    agent.closes = 4;
    report.agents.push_back(agent);
  }
  return report;
}

TEST(ReportHtml, IsSelfContainedAndEscapes) {
  const std::string html = ledger::queries::render_report_html(sample_report());
  EXPECT_NE(html.find("<!DOCTYPE html>"), std::string::npos);
  EXPECT_NE(html.find("Atlas &lt;Trend&gt;"), std::string::npos);
  EXPECT_EQ(html.find("Atlas <Trend>"), std::string::npos);
  EXPECT_GE(std::count(html.begin(), html.end(), '<'), 50);
  for (const char* chart : {"Equity (USD)", "Drawdown (%)", "P&amp;L by symbol", "Decision mix"}) {
    EXPECT_NE(html.find(chart), std::string::npos) << chart;
  }
  // Nothing to fetch: no scripts, no external references.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
}

// Counts pixels that are clearly not white in a PNG (decoded by python3's zlib; RGB or RGBA,
// 8 bits, non-interlaced, as Chromium writes them).
long non_white_pixels(const std::string& png_path) {
  const std::string script = R"PY(
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat, w, h, ctype = 8, b'', 0, 0, 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos+8]); body = data[pos+8:pos+8+n]; pos += 12 + n
    if kind == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
    elif kind == b'IDAT': idat += body
raw, bpp = zlib.decompress(idat), (4 if ctype == 6 else 3)
stride, prev, count = w * bpp, bytearray(w * bpp), 0
for y in range(h):
    f, line = raw[y*(stride+1)], bytearray(raw[y*(stride+1)+1:(y+1)*(stride+1)])
    for i in range(stride):
        a = line[i-bpp] if i >= bpp else 0; b = prev[i]; c = prev[i-bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p-a), abs(p-b), abs(p-c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    count += sum(1 for x in range(0, stride, bpp) if min(line[x], line[x+1], line[x+2]) < 200)
    prev = line
print(count)
)PY";
  const std::string script_path = png_path + ".py";
  std::ofstream(script_path) << script;
  std::string output;
  if (ledger::testing::run_command("python3 " + script_path + " " + png_path, output) != 0) {
    ADD_FAILURE() << output;
    return -1;
  }
  return std::stol(output);
}

TEST(ReportHtml, HeadlessChromiumRendersAPageThatIsNotBlank) {
  const std::string chromium = "/usr/bin/chromium";
  if (!std::filesystem::exists(chromium)) GTEST_SKIP() << "Debian chromium is not installed";
  const auto dir =
      std::filesystem::path(testing::TempDir()) / ("report-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "profile");
  const std::string html_path = (dir / "report.html").string();
  const std::string png_path = (dir / "report.png").string();
  std::ofstream(html_path) << ledger::queries::render_report_html(sample_report());
  std::string output;
  const int status = ledger::testing::run_command(
      "timeout 120 " + chromium +
          " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
          " --disable-background-networking --disable-component-update --disable-sync"
          " --user-data-dir=" +
          (dir / "profile").string() + " --window-size=1200,900 --screenshot=" + png_path +
          " file://" + html_path,
      output);
  ASSERT_EQ(status, 0) << output;
  ASSERT_TRUE(std::filesystem::exists(png_path)) << output;
  const long dark = non_white_pixels(png_path);
  // 1200x900 = 1.08M pixels; text, axes, curves and bars cover well over 1 %.
  EXPECT_GT(dark, 10'000) << "screenshot " << png_path << " looks blank";
  // And a blank page is measured as blank, so the check above can fail.
  const std::string blank_html = (dir / "blank.html").string();
  const std::string blank_png = (dir / "blank.png").string();
  std::ofstream(blank_html) << "<!DOCTYPE html><html><body></body></html>";
  output.clear();
  ASSERT_EQ(ledger::testing::run_command(
                "timeout 120 " + chromium +
                    " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                    " --disable-background-networking --disable-component-update --disable-sync"
                    " --user-data-dir=" +
                    (dir / "profile").string() +
                    " --window-size=1200,900 --screenshot=" + blank_png + " file://" + blank_html,
                output),
            0)
      << output;
  EXPECT_LT(non_white_pixels(blank_png), 100);
}

}  // namespace

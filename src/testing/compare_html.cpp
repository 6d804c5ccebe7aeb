// The comparison as one self-contained HTML page: a verdict, the figures, and SVG charts of
// the pass rates (with their intervals) and the latency distributions. No scripts and nothing
// fetched, so it can be attached to a CI run and opened anywhere.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "promptctl/compare.hpp"
#include "util/html.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

using util::escape_html;

constexpr const char* k_colour_a = "#4e79a7";
constexpr const char* k_colour_b = "#f28e2b";

std::string p_value_text(double p) {
  if (p < 0.0001) {
    return "&lt; 0.0001";
  }
  return util::fixed(p, 4);
}

// Horizontal bars of the two pass rates with their Wilson intervals as whiskers.
std::string pass_rate_chart(const Comparison& c) {
  const int width = 520;
  const int left = 140;
  const int bar_height = 26;
  double scale = width - left - 20;
  std::string svg =
      "<svg width='" + std::to_string(width) + "' height='110' role='img' aria-label='pass rates'>";
  int y = 15;
  for (const auto* figures : {&c.a, &c.b}) {
    const char* colour = figures == &c.a ? k_colour_a : k_colour_b;
    double x_end = left + scale * figures->pass_rate();
    svg += "<text x='0' y='" + std::to_string(y + 18) + "' font-size='13'>" +
           escape_html(figures->label.substr(0, 20)) + "</text>";
    svg += "<rect x='" + std::to_string(left) + "' y='" + std::to_string(y) + "' width='" +
           util::fixed(x_end - left, 1) + "' height='" + std::to_string(bar_height) + "' fill='" +
           colour + "'/>";
    double low = left + scale * figures->pass_interval.low;
    double high = left + scale * figures->pass_interval.high;
    int middle = y + bar_height / 2;
    svg += "<line x1='" + util::fixed(low, 1) + "' x2='" + util::fixed(high, 1) + "' y1='" +
           std::to_string(middle) + "' y2='" + std::to_string(middle) +
           "' stroke='black' stroke-width='2'/>";
    svg += "<text x='" + util::fixed(high + 6, 1) + "' y='" + std::to_string(middle + 4) +
           "' font-size='12'>" + util::fixed(100 * figures->pass_rate(), 1) + "%</text>";
    y += bar_height + 15;
  }
  svg += "<line x1='" + std::to_string(left) + "' x2='" + std::to_string(left) +
         "' y1='5' y2='95' stroke='#999'/></svg>";
  return svg;
}

// Both variants' latencies as histograms over shared bins.
std::string latency_chart(const Comparison& c) {
  const std::vector<double>& a = c.a.latencies_ms;
  const std::vector<double>& b = c.b.latencies_ms;
  if (a.empty() && b.empty()) {
    return "<p>No latencies to show.</p>";
  }
  double low = 1e300;
  double high = -1e300;
  for (const auto* values : {&a, &b}) {
    for (double v : *values) {
      low = std::min(low, v);
      high = std::max(high, v);
    }
  }
  const int bins = 20;
  double span = high > low ? high - low : 1;
  std::vector<int> counts_a(bins, 0);
  std::vector<int> counts_b(bins, 0);
  auto bin_of = [&](double v) {
    return std::min(bins - 1, static_cast<int>((v - low) / span * bins));
  };
  for (double v : a)
    ++counts_a[static_cast<size_t>(bin_of(v))];
  for (double v : b)
    ++counts_b[static_cast<size_t>(bin_of(v))];
  int most = 1;
  for (int i = 0; i < bins; ++i)
    most = std::max({most, counts_a[static_cast<size_t>(i)], counts_b[static_cast<size_t>(i)]});
  const int width = 520;
  const int height = 180;
  const int bottom = 150;
  double bin_width = (width - 40) / static_cast<double>(bins);
  std::string svg = "<svg width='" + std::to_string(width) + "' height='" + std::to_string(height) +
                    "' role='img' aria-label='latency distributions'>";
  for (int i = 0; i < bins; ++i) {
    double x = 20 + i * bin_width;
    for (int side = 0; side < 2; ++side) {
      int count = (side == 0 ? counts_a : counts_b)[static_cast<size_t>(i)];
      double h = 130.0 * count / most;
      svg += "<rect x='" + util::fixed(x + side * bin_width / 2, 1) + "' y='" +
             util::fixed(bottom - h, 1) + "' width='" + util::fixed(bin_width / 2 - 1, 1) +
             "' height='" + util::fixed(h, 1) + "' fill='" + (side == 0 ? k_colour_a : k_colour_b) +
             "'/>";
    }
  }
  svg += "<line x1='20' x2='" + std::to_string(width - 20) + "' y1='" + std::to_string(bottom) +
         "' y2='" + std::to_string(bottom) + "' stroke='#999'/>";
  svg += "<text x='20' y='170' font-size='12'>" + util::fixed(low, 0) + " ms</text>";
  svg += "<text x='" + std::to_string(width - 20) + "' y='170' font-size='12' text-anchor='end'>" +
         util::fixed(high, 0) + " ms</text></svg>";
  return svg;
}

std::string figures_row(const VariantFigures& f, const char* colour) {
  std::string cost = f.cost_mean ? "$" + util::fixed(*f.cost_mean, 6) + " [" +
                                       util::fixed(f.cost_interval.low, 6) + ", " +
                                       util::fixed(f.cost_interval.high, 6) + "]"
                                 : "unpriced";
  return "<tr><td><span style='color:" + std::string(colour) + "'>&#9632;</span> " +
         escape_html(f.label) + "</td><td>" + std::to_string(f.cases) + "</td><td>" +
         util::fixed(100 * f.pass_rate(), 1) + "% [" + util::fixed(100 * f.pass_interval.low, 1) +
         ", " + util::fixed(100 * f.pass_interval.high, 1) + "]</td><td>" +
         util::fixed(f.latency_mean_ms, 1) + " [" + util::fixed(f.latency_interval.low, 1) + ", " +
         util::fixed(f.latency_interval.high, 1) + "]</td><td>" + util::fixed(f.latency_p95_ms, 1) +
         "</td><td>" + util::fixed(f.tokens_mean, 1) + "</td><td>" + cost + "</td><td>" +
         std::to_string(f.errors) + "</td></tr>";
}

}  // namespace

std::string comparison_html(const Comparison& c) {
  const MetricComparison& primary = c.primary_metric();
  std::string html =
      "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>promptctl compare: " +
      escape_html(c.a.label) + " vs " + escape_html(c.b.label) +
      "</title><style>body{font-family:sans-serif;margin:2em;max-width:60em}"
      "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
      "text-align:right}td:first-child,th:first-child{text-align:left}"
      ".better{color:#2a7d2a}.worse{color:#b22222}</style></head><body>\n";
  std::string verdict_class = primary.verdict == Difference::better  ? "better"
                              : primary.verdict == Difference::worse ? "worse"
                                                                     : "";
  html += "<h1>" + escape_html(c.b.label) + " against " + escape_html(c.a.label) + "</h1>\n";
  html += "<p class='" + verdict_class + "'><strong>" + escape_html(c.b.label) + ": " +
          to_string(primary.verdict) + "</strong> on " + primary.metric +
          " at &alpha; = " + util::fixed(c.alpha, 3) + " (" + escape_html(primary.test.method) +
          ", p = " + p_value_text(primary.test.p_value) + ", " +
          util::counted(primary.pairs, "pair") + ")</p>\n";
  html +=
      "<h2>Figures</h2><table><tr><th>variant</th><th>cases</th><th>pass rate [95%]</th>"
      "<th>mean latency ms [95%]</th><th>p95 ms</th><th>tokens</th><th>cost [95%]</th>"
      "<th>errors</th></tr>" +
      figures_row(c.a, k_colour_a) + figures_row(c.b, k_colour_b) + "</table>\n";
  html +=
      "<h2>Differences (B &minus; A, paired)</h2><table><tr><th>metric</th><th>A</th>"
      "<th>B</th><th>difference [95%]</th><th>test</th><th>p</th><th>effect</th>"
      "<th>verdict</th></tr>";
  for (const MetricComparison& m : c.metrics) {
    html += "<tr><td>" + m.metric + "</td><td>" + util::fixed(m.a, 4) + "</td><td>" +
            util::fixed(m.b, 4) + "</td><td>" + util::fixed(m.difference, 4) + " [" +
            util::fixed(m.difference_interval.low, 4) + ", " +
            util::fixed(m.difference_interval.high, 4) + "]</td><td>" + escape_html(m.test.method) +
            "</td><td>" + p_value_text(m.test.p_value) + "</td><td>" +
            util::fixed(m.test.effect, 3) + " (" + escape_html(m.test.effect_name) + ")</td><td>" +
            to_string(m.verdict) + "</td></tr>";
  }
  html += "</table>\n<h2>Pass rates</h2>\n" + pass_rate_chart(c) + "\n<h2>Latency</h2>\n" +
          latency_chart(c) + "\n</body></html>\n";
  return html;
}

}  // namespace promptctl

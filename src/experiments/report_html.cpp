// An experiment report as one self-contained HTML page.
#include <algorithm>

#include "promptctl/experiments.hpp"
#include "util/html.hpp"

namespace promptctl {
namespace {

using util::escape_html;
using util::fixed;

const char* const k_colours[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2"};

std::string p_text(const std::optional<stats::TestResult>& test) {
  if (!test) {
    return "&ndash;";
  }
  return test->p_value < 0.0001 ? "&lt; 0.0001" : fixed(test->p_value, 4);
}

// One horizontal bar per variant for metric `index`, with its interval as a whisker.
std::string metric_chart(const ExperimentReport& report, size_t index) {
  double top = 0;
  for (const VariantReport& v : report.variants) {
    top = std::max({top, v.metrics[index].interval.high, v.metrics[index].mean});
  }
  top = top > 0 ? top : 1;
  const int width = 520;
  const int left = 120;
  const int row = 34;
  double scale = (width - left - 70) / top;
  int height = static_cast<int>(report.variants.size()) * row + 10;
  std::string svg = "<svg width='" + std::to_string(width) + "' height='" + std::to_string(height) +
                    "' role='img'>";
  int y = 5;
  size_t colour = 0;
  for (const VariantReport& v : report.variants) {
    const VariantMetric& m = v.metrics[index];
    int middle = y + 12;
    svg += "<text x='0' y='" + std::to_string(middle + 4) + "' font-size='13'>" +
           escape_html(v.name.substr(0, 16)) + "</text>";
    svg += "<rect x='" + std::to_string(left) + "' y='" + std::to_string(y) + "' width='" +
           fixed(scale * std::max(0.0, m.mean), 1) + "' height='24' fill='" +
           k_colours[colour++ % 5] + "'/>";
    svg += "<line x1='" + fixed(left + scale * m.interval.low, 1) + "' x2='" +
           fixed(left + scale * m.interval.high, 1) + "' y1='" + std::to_string(middle) + "' y2='" +
           std::to_string(middle) + "' stroke='black' stroke-width='2'/>";
    svg += "<text x='" + fixed(left + scale * m.interval.high + 6, 1) + "' y='" +
           std::to_string(middle + 4) + "' font-size='12'>" + fixed(m.mean, 3) + "</text>";
    y += row;
  }
  return svg + "</svg>";
}

// The difference with its confidence sequence, then the always-valid p-value.
std::string sequential_cells(const VariantMetric& m) {
  if (!m.sequential) {
    return "&ndash;</td><td>&ndash;";
  }
  const VariantMetric::Sequential& s = *m.sequential;
  return fixed(s.difference, 4) + " [" + fixed(s.interval.low, 4) + ", " +
         fixed(s.interval.high, 4) + "]</td><td>" + fixed(s.p_value, 4);
}

}  // namespace

std::string experiment_html(const ExperimentReport& report) {
  std::string html =
      "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>promptctl "
      "experiment " +
      escape_html(report.experiment) +
      "</title><style>body{font-family:sans-serif;margin:2em;max-width:60em}"
      "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
      "text-align:right}td:first-child,th:first-child{text-align:left}.warn{color:#b22222}"
      "</style></head><body>\n<h1>Experiment " +
      escape_html(report.experiment) + "</h1>\n";
  html += std::string("<p") + (report.sample_ratio_mismatch ? " class='warn'" : "") +
          ">Sample ratio: &chi;&sup2; = " + fixed(report.sample_ratio.statistic, 2) +
          ", p = " + p_text(report.sample_ratio) +
          (report.sample_ratio_mismatch
               ? " &mdash; the split does not match the weights; distrust the results below"
               : " (no mismatch)") +
          "</p>\n";
  html += "<p><strong>Recommendation: " + escape_html(report.recommendation) +
          "</strong> (anytime-valid: may be read as often as you like)</p>\n";
  html += "<table><tr><th>variant</th><th>weight</th><th>runs</th><th>decision</th></tr>";
  for (const VariantReport& v : report.variants) {
    bool control = &v == &report.variants.front();
    html += "<tr><td>" + escape_html(v.name) + "</td><td>" + fixed(v.weight, 1) + "%</td><td>" +
            std::to_string(v.runs) + "</td><td>" +
            (control ? std::string("control") : to_string(v.decision)) + "</td></tr>";
  }
  html += "</table>\n";
  if (report.variants.empty()) {
    return html + "</body></html>\n";
  }
  for (size_t i = 0; i < report.variants.front().metrics.size(); ++i) {
    const std::string& metric = report.variants.front().metrics[i].metric;
    html += "<h2>" + escape_html(metric) + (metric == report.primary ? " (primary)" : "") +
            "</h2>\n<table><tr><th>variant</th><th>n</th><th>mean [95%]</th>"
            "<th>anytime-valid difference</th><th>anytime-valid p</th>"
            "<th>fixed-horizon test</th><th>p</th><th>rank test p</th><th>detectable</th></tr>";
    for (const VariantReport& v : report.variants) {
      const VariantMetric& m = v.metrics[i];
      html += "<tr><td>" + escape_html(v.name) + "</td><td>" + std::to_string(m.samples) +
              "</td><td>" + fixed(m.mean, 4) + " [" + fixed(m.interval.low, 4) + ", " +
              fixed(m.interval.high, 4) + "]</td><td>" + sequential_cells(m) + "</td><td>" +
              (m.test ? escape_html(m.test->method) : std::string("control")) + "</td><td>" +
              p_text(m.test) + "</td><td>" + p_text(m.rank_test) + "</td><td>" +
              (m.detectable ? "&plusmn;" + fixed(*m.detectable, 4) : std::string("&ndash;")) +
              "</td></tr>";
    }
    html += "</table>\n" + metric_chart(report, i) + "\n";
  }
  return html + "</body></html>\n";
}

}  // namespace promptctl

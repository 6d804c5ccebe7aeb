// The ledger's figures for Prometheus: the text exposition format, version 0.0.4.
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "promptctl/ledger.hpp"

namespace promptctl {
namespace {

// A label value escaped as the exposition format requires.
std::string escaped(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Shortest text that reads back as the same double ("0.05", "2.5", "120").
std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  for (int precision = 1; precision <= 17; ++precision) {
    char shorter[32];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, value);
    if (std::strtod(shorter, nullptr) == value) {
      return shorter;
    }
  }
  return buffer;
}

class Writer {
 public:
  Writer(std::string label, std::string window)
      : m_label(std::move(label)), m_window(std::move(window)) {}

  [[nodiscard]] bool windowed() const { return !m_window.empty(); }

  void family(const std::string& name, const char* type, const std::string& help) {
    m_text << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  }

  // One sample: the group's label, the `since` label of a window, then `extra` labels.
  void sample(const std::string& name, const RunStats& group, const std::string& extra,
              const std::string& value) {
    m_text << name << '{' << m_label << "=\"" << escaped(group.group) << '"';
    if (windowed()) {
      m_text << ",since=\"" << escaped(m_window) << '"';
    }
    m_text << (extra.empty() ? "" : ",") << extra << "} " << value << '\n';
  }

  [[nodiscard]] std::string text() const { return m_text.str(); }

 private:
  std::string m_label;
  std::string m_window;
  std::ostringstream m_text;
};

void write_counts(Writer& out, const std::vector<RunStats>& groups) {
  std::string runs = out.windowed() ? "promptctl_runs_window" : "promptctl_runs_total";
  out.family(runs, out.windowed() ? "gauge" : "counter",
             "Runs recorded in the ledger, by outcome.");
  for (const RunStats& group : groups) {
    out.sample(runs, group, "status=\"ok\"", std::to_string(group.succeeded));
    out.sample(runs, group, "status=\"error\"", std::to_string(group.count - group.succeeded));
  }
  std::string cached =
      out.windowed() ? "promptctl_cached_runs_window" : "promptctl_cached_runs_total";
  out.family(cached, out.windowed() ? "gauge" : "counter",
             "Runs answered from the response cache, without a call to a provider.");
  for (const RunStats& group : groups) {
    out.sample(cached, group, "", std::to_string(group.cached));
  }
}

void write_latency_histogram(Writer& out, const std::vector<RunStats>& groups) {
  const std::string name = "promptctl_provider_latency_seconds";
  out.family(name, "histogram", "Latency of the runs that reached a provider.");
  for (const RunStats& group : groups) {
    for (std::size_t i = 0; i < latency_bucket_bounds_seconds().size(); ++i) {
      std::int64_t count = i < group.latency_buckets.size() ? group.latency_buckets[i] : 0;
      out.sample(name + "_bucket", group,
                 "le=\"" + number(latency_bucket_bounds_seconds()[i]) + "\"",
                 std::to_string(count));
    }
    out.sample(name + "_bucket", group, "le=\"+Inf\"", std::to_string(group.latency_count));
    out.sample(name + "_sum", group, "", number(group.latency_sum_ms / 1000));
    out.sample(name + "_count", group, "", std::to_string(group.latency_count));
  }
}

// Over a window, percentiles are what is wanted and a histogram's counters would fall. A gauge
// may not carry the label "quantile", which belongs to summaries: "percentile" says the same.
void write_latency_quantiles(Writer& out, const std::vector<RunStats>& groups) {
  const std::string name = "promptctl_provider_latency_seconds_window";
  out.family(name, "gauge", "Latency percentiles of the runs that reached a provider.");
  for (const RunStats& group : groups) {
    for (auto [percentile, value] : {std::pair{"50", group.latency_p50_ms},
                                     {"95", group.latency_p95_ms},
                                     {"99", group.latency_p99_ms}}) {
      out.sample(name, group, std::string("percentile=\"") + percentile + "\"",
                 number(value / 1000));
    }
  }
}

void write_usage(Writer& out, const std::vector<RunStats>& groups) {
  std::string tokens = out.windowed() ? "promptctl_tokens_window" : "promptctl_tokens_total";
  out.family(tokens, out.windowed() ? "gauge" : "counter", "Tokens sent and received.");
  for (const RunStats& group : groups) {
    out.sample(tokens, group, "direction=\"input\"", std::to_string(group.input_tokens));
    out.sample(tokens, group, "direction=\"output\"", std::to_string(group.output_tokens));
  }
  std::string cost =
      out.windowed() ? "promptctl_cost_dollars_window" : "promptctl_cost_dollars_total";
  out.family(cost, out.windowed() ? "gauge" : "counter",
             "Cost of the runs whose price is known, in US dollars.");
  for (const RunStats& group : groups) {
    out.sample(cost, group, "", number(group.cost));
  }
}

}  // namespace

const std::vector<double>& latency_bucket_bounds_seconds() {
  static const std::vector<double> bounds = {0.05, 0.1, 0.25, 0.5, 1,   2.5, 5,
                                             10,   30,  60,   120, 300, 600};
  return bounds;
}

std::string prometheus_exposition(const std::vector<RunStats>& groups, const std::string& label,
                                  const std::string& window) {
  Writer out(label, window);
  write_counts(out, groups);
  if (out.windowed()) {
    write_latency_quantiles(out, groups);
  } else {
    write_latency_histogram(out, groups);
  }
  write_usage(out, groups);
  return out.text();
}

}  // namespace promptctl

// The OTEL_* variables, as the OpenTelemetry SDK configuration specification defines them.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "promptctl/telemetry.hpp"
#include "util/strings.hpp"
#include "util/url.hpp"

namespace promptctl::telemetry {
namespace {

// Spans wait at most this long for a collector unless OTEL_EXPORTER_OTLP_TIMEOUT says
// otherwise: shorter than the specification's 10 s, because a run waits for its spans to leave
// before it exits.
constexpr long k_default_timeout_ms = 2000;

using Lookup = std::function<std::optional<std::string>(const char*)>;

// "key1=value1,key2=value2" with percent-encoded values (OTEL_EXPORTER_OTLP_HEADERS,
// OTEL_RESOURCE_ATTRIBUTES). A value is never quoted back in a problem: headers hold secrets.
std::optional<std::vector<std::pair<std::string, std::string>>> key_value_list(
    std::string_view text) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (std::string_view item : util::split(text, ',')) {
    if (util::trim(item).empty()) {
      continue;
    }
    std::size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      return std::nullopt;
    }
    std::string key(util::trim(item.substr(0, equals)));
    std::optional<std::string> value = util::percent_decoded(util::trim(item.substr(equals + 1)));
    if (key.empty() || !value) {
      return std::nullopt;
    }
    pairs.emplace_back(std::move(key), std::move(*value));
  }
  return pairs;
}

// The traces variable, or else the general one.
std::optional<std::string> traces_or_general(const Lookup& variable, const char* traces,
                                             const char* general, std::string* which) {
  for (const char* name : {traces, general}) {
    if (std::optional<std::string> value = variable(name); value && !util::trim(*value).empty()) {
      *which = name;
      return std::string(util::trim(*value));
    }
  }
  return std::nullopt;
}

std::string endpoint_of(const Lookup& variable, std::string* which) {
  if (auto url = variable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"); url && !util::trim(*url).empty()) {
    *which = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    return std::string(util::trim(*url));  // used as given
  }
  if (auto base = variable("OTEL_EXPORTER_OTLP_ENDPOINT"); base && !util::trim(*base).empty()) {
    *which = "OTEL_EXPORTER_OTLP_ENDPOINT";
    std::string url(util::trim(*base));
    return url + (url.ends_with('/') ? "" : "/") + "v1/traces";
  }
  return {};
}

bool truthy(const std::optional<std::string>& value) {
  if (!value) {
    return false;
  }
  std::string text = util::to_lower(util::trim(*value));
  return text == "true";
}

Attributes resource_of(const Lookup& variable, std::vector<std::string>& problems) {
  Attributes resource{{"service.name", std::string("promptctl")}};
  if (auto listed = variable("OTEL_RESOURCE_ATTRIBUTES")) {
    if (auto pairs = key_value_list(*listed)) {
      for (auto& [key, value] : *pairs) {
        if (key == "service.name") {
          resource.front().second = value;
        } else {
          resource.emplace_back(key, value);
        }
      }
    } else {
      problems.push_back("OTEL_RESOURCE_ATTRIBUTES is not a list of key=value pairs");
    }
  }
  // The service's own variable wins over the list (as the specification orders them).
  if (auto name = variable("OTEL_SERVICE_NAME"); name && !util::trim(*name).empty()) {
    resource.front().second = std::string(util::trim(*name));
  }
  return resource;
}

}  // namespace

ExportSettings ExportSettings::from_environment(const Lookup& variable,
                                                std::vector<std::string>& problems) {
  ExportSettings settings;
  if (auto parent = variable("TRACEPARENT"); parent && !util::trim(*parent).empty()) {
    settings.parent = TraceContext::parse(util::trim(*parent));
    if (!settings.parent) {
      problems.push_back(
          "TRACEPARENT is not a W3C traceparent (00-TRACE_ID-SPAN_ID-FLAGS); "
          "it is ignored");
    }
  }
  settings.capture_content = truthy(variable("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"));
  if (truthy(variable("OTEL_SDK_DISABLED"))) {
    return settings;
  }
  if (auto exporter = variable("OTEL_TRACES_EXPORTER")) {
    std::string name = util::to_lower(util::trim(*exporter));
    if (name == "none") {
      return settings;
    }
    if (!name.empty() && name != "otlp") {
      problems.push_back("OTEL_TRACES_EXPORTER '" + util::printable(name) +
                         "' is not supported (otlp or none); spans are not exported");
      return settings;
    }
  }
  std::string endpoint_variable;
  std::string url = endpoint_of(variable, &endpoint_variable);
  if (url.empty()) {
    return settings;  // exported only where the environment says
  }
  std::optional<util::UrlParts> parts = util::parse_url(url);
  if (!parts || (parts->scheme != "http" && parts->scheme != "https") || parts->host.empty()) {
    problems.push_back(endpoint_variable + " '" +
                       util::printable(util::redact_url_credentials(url)) +
                       "' is not an http or https URL; spans are not exported");
    return settings;
  }
  std::string which;
  if (auto protocol = traces_or_general(variable, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
                                        "OTEL_EXPORTER_OTLP_PROTOCOL", &which)) {
    if (*protocol == "http/json") {
      settings.encoding = OtlpEncoding::json;
    } else if (*protocol != "http/protobuf") {
      problems.push_back(which + " '" + util::printable(*protocol) +
                         "' is not supported (promptctl sends http/protobuf or http/json); "
                         "spans are not exported");
      return settings;
    }
  }
  if (auto timeout = traces_or_general(variable, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
                                       "OTEL_EXPORTER_OTLP_TIMEOUT", &which)) {
    long parsed = 0;
    auto [end, error] = std::from_chars(timeout->data(), timeout->data() + timeout->size(), parsed);
    if (error != std::errc() || end != timeout->data() + timeout->size() || parsed <= 0) {
      problems.push_back(which + " '" + util::printable(*timeout) +
                         "' is not a positive number of milliseconds; spans are not exported");
      return settings;
    }
    settings.timeout_ms = parsed;
  } else {
    settings.timeout_ms = k_default_timeout_ms;
  }
  if (auto headers = traces_or_general(variable, "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
                                       "OTEL_EXPORTER_OTLP_HEADERS", &which)) {
    auto pairs = key_value_list(*headers);
    if (!pairs) {
      problems.push_back(which + " is not a list of name=value pairs; spans are not exported");
      return settings;
    }
    if (!pairs->empty() && util::is_cleartext_to_another_machine(url)) {
      // Collector headers are usually credentials: like provider keys, never sent in clear.
      problems.push_back(which + " would be sent unencrypted to " + util::printable(parts->host) +
                         " (use https); spans are not exported");
      return settings;
    }
    settings.headers = std::move(*pairs);
  }
  if (auto certificate = traces_or_general(variable, "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
                                           "OTEL_EXPORTER_OTLP_CERTIFICATE", &which)) {
    settings.ca_file = *certificate;
  }
  settings.resource = resource_of(variable, problems);
  settings.traces_url = url;
  return settings;
}

}  // namespace promptctl::telemetry

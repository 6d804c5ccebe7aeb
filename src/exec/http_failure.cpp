#include "exec/http_failure.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "util/url.hpp"

namespace promptctl::exec_detail {
namespace {

// Longer than any retry budget (`max_retry_ms`): a larger wait asked for, even 1e300 or "inf",
// is read as this and gives up as any wait past the budget does, where converting it to an
// integer as it is would be undefined and adding it to the time spent would wrap.
constexpr double k_longest_wait_ms = 365.0 * 86400 * 1000;

long wait_ms(double milliseconds) {
  return static_cast<long>(std::min(milliseconds, k_longest_wait_ms));
}

}  // namespace

std::optional<long> retry_after_ms(const http::Response& response) {
  if (auto found = response.headers.find("retry-after-ms"); found != response.headers.end()) {
    char* end = nullptr;
    double value = std::strtod(found->second.c_str(), &end);
    if (end != found->second.c_str() && value >= 0) {  // NaN is not
      return wait_ms(value);
    }
  }
  auto found = response.headers.find("retry-after");
  if (found == response.headers.end()) {
    return std::nullopt;
  }
  const std::string& text = found->second;
  char* end = nullptr;
  double seconds = std::strtod(text.c_str(), &end);
  if (end != text.c_str() && *end == '\0' && seconds >= 0) {
    return wait_ms(seconds * 1000);
  }
  std::tm tm{};
  if (::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) {
    return wait_ms(std::max(0.0, std::difftime(::timegm(&tm), std::time(nullptr))) * 1000);
  }
  return std::nullopt;
}

bool retryable_status(long status) {
  return status == 408 || status == 409 || status == 429 || status >= 500;
}

std::string transport_message(const http::Response& response, const http::Request& request) {
  // A password in the address ("https://user:key@host") never reaches a message.
  std::string host = util::redact_url_credentials(
      request.url.substr(0, request.url.find('/', request.url.find("//") + 2)));
  switch (response.failure) {
    case http::TransportFailure::timeout:
      return "no answer from " + host + " within " + std::to_string(request.timeout_ms) + " ms";
    case http::TransportFailure::connect:
      return "cannot reach " + host + ": " + response.failure_message;
    case http::TransportFailure::dropped:
      return "the connection to " + host + " dropped: " + response.failure_message;
    case http::TransportFailure::tls:
      return "TLS failure talking to " + host +
             " (certificates are always verified): " + response.failure_message;
    default:
      return "request to " + host + " failed: " + response.failure_message;
  }
}

}  // namespace promptctl::exec_detail

#include "serve/cors.hpp"

#include <algorithm>

#include "promptctl/error.hpp"
#include "util/strings.hpp"
#include "util/url.hpp"

namespace promptctl::serve_detail {

CorsPolicy::CorsPolicy(const std::vector<std::string>& origins) {
  for (const std::string& given : origins) {
    if (given == "*") {
      m_any = true;
      continue;
    }
    std::string origin = util::to_lower(given);
    if (origin.ends_with('/')) {
      origin.pop_back();
    }
    std::optional<util::UrlParts> parts = util::parse_url(origin);
    if (!parts || (parts->scheme != "http" && parts->scheme != "https") || parts->host.empty() ||
        !parts->userinfo.empty() || !parts->path.empty()) {
      throw Error(ErrorKind::usage,
                  "--cors-origin '" + util::printable(given) +
                      "' is not an origin (scheme://host[:port], or '*' for any)");
    }
    m_origins.push_back(std::move(origin));
  }
}

std::vector<std::pair<std::string, std::string>> CorsPolicy::headers_for(
    const std::string& origin) const {
  if (origin.empty() ||
      (!m_any && std::find(m_origins.begin(), m_origins.end(), origin) == m_origins.end())) {
    return {};
  }
  // The origin itself rather than '*', so that a cache keyed on Origin (Vary) stays right.
  return {{"Access-Control-Allow-Origin", origin},
          {"Vary", "Origin"},
          {"Access-Control-Expose-Headers", "ETag, X-Promptctl-Commit"}};
}

std::vector<std::pair<std::string, std::string>> CorsPolicy::preflight_headers() const {
  return {{"Access-Control-Allow-Methods", "GET, POST"},
          {"Access-Control-Allow-Headers",
           "Authorization, Content-Type, If-None-Match, Accept, traceparent"},
          {"Access-Control-Max-Age", "600"}};
}

}  // namespace promptctl::serve_detail

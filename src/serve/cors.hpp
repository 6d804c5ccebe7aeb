// Cross-origin requests from browsers (CORS), for the origins `serve --cors-origin` names: off
// unless asked, as the server's other defaults are.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace promptctl::serve_detail {

class CorsPolicy {
 public:
  /// Origins as "scheme://host[:port]", or "*" for any. Throws `Error` (usage) for anything
  /// else, naming it.
  explicit CorsPolicy(const std::vector<std::string>& origins);

  [[nodiscard]] bool enabled() const { return m_any || !m_origins.empty(); }
  /// The headers an answer to a request from `origin` (its Origin header; empty when it had
  /// none) carries: none for an origin not allowed.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> headers_for(
      const std::string& origin) const;
  /// With the headers above, what a preflight (OPTIONS with Access-Control-Request-Method)
  /// is answered with: which methods and request headers are allowed, and for how long.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> preflight_headers() const;

 private:
  bool m_any = false;
  std::vector<std::string> m_origins;  ///< lowercase, without a trailing '/'
};

}  // namespace promptctl::serve_detail

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/server.hpp"

namespace promptctl::serve_detail {

/// The tokens a server accepts, kept only as SHA-256 digests.
class TokenCheck {
 public:
  explicit TokenCheck(const std::vector<ServeToken>& tokens);
  /// Whether any token is needed at all.
  [[nodiscard]] bool required() const { return !m_known.empty(); }
  /// The scope of the token presented, or nothing when it is not one of them. Takes the same
  /// time whichever token, if any, it matches.
  [[nodiscard]] std::optional<TokenScope> scope_of(std::string_view presented) const;

 private:
  struct Known {
    std::string digest;
    TokenScope scope;
  };
  std::vector<Known> m_known;
};

/// The token an Authorization header presents with the Bearer scheme, whose name may be in any
/// case (RFC 9110), or nothing for another scheme or none.
std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace promptctl::serve_detail

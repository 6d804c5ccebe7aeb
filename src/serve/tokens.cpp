// Bearer tokens: read from a file or variable, compared without leaking where they differ.
#include "serve/tokens.hpp"

#include <algorithm>
#include <cctype>

#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace promptctl {

namespace {

constexpr std::size_t k_shortest_token = 16;

}  // namespace

std::vector<ServeToken> parse_tokens(std::string_view text, const std::string& origin) {
  std::vector<ServeToken> tokens;
  int line_number = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = std::min(text.find('\n', start), text.size());
    std::string trimmed(util::trim(text.substr(start, end - start)));
    start = end + 1;
    ++line_number;
    if (trimmed.empty() || trimmed.front() == '#') {
      continue;
    }
    SourceLocation where{origin, line_number, 1};
    std::size_t space = trimmed.find_first_of(" \t");
    ServeToken token;
    token.secret = trimmed.substr(0, space);
    std::string scope(space == std::string::npos
                          ? std::string_view()
                          : util::trim(std::string_view(trimmed).substr(space)));
    if (scope == "run") {
      token.scope = TokenScope::run;
    } else if (!scope.empty() && scope != "read") {
      throw Error(ErrorKind::invalid_input,
                  "a token's scope is 'read' or 'run', not '" + util::printable(scope) + "'",
                  where);
    }
    if (token.secret.size() < k_shortest_token) {
      // The token itself is never shown: this text may reach a log.
      throw Error(ErrorKind::invalid_input,
                  "a token has fewer than " + std::to_string(k_shortest_token) + " characters",
                  where, "make one with: head -c 24 /dev/urandom | base64");
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

namespace serve_detail {

TokenCheck::TokenCheck(const std::vector<ServeToken>& tokens) {
  for (const ServeToken& token : tokens) {
    m_known.push_back({util::sha256_hex(token.secret), token.scope});
  }
}

std::optional<TokenScope> TokenCheck::scope_of(std::string_view presented) const {
  // Digests of equal length, compared byte by byte to the end against every known token: the
  // time taken says nothing of how much of a token was right, nor of which token matched.
  std::string digest = util::sha256_hex(presented);
  std::optional<TokenScope> found;
  for (const Known& known : m_known) {
    unsigned char difference = 0;
    for (std::size_t i = 0; i < digest.size(); ++i) {
      difference |= static_cast<unsigned char>(digest[i] ^ known.digest[i]);
    }
    if (difference == 0 && (!found || known.scope == TokenScope::run)) {
      found = known.scope;
    }
  }
  return found;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view k_scheme = "bearer ";
  if (authorization.size() <= k_scheme.size()) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < k_scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != k_scheme[i]) {
      return std::nullopt;
    }
  }
  return authorization.substr(k_scheme.size());
}

}  // namespace serve_detail
}  // namespace promptctl

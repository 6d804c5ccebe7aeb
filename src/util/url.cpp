#include "util/url.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "util/strings.hpp"

namespace promptctl::util {
namespace {

std::string default_port(std::string_view scheme) {
  return scheme == "https" ? "443" : scheme == "http" ? "80" : "";
}

bool is_dotted_loopback(std::string_view host) {
  std::vector<std::string_view> parts = split(host, '.');
  if (parts.size() != 4 || parts[0] != "127") {
    return false;
  }
  return std::all_of(parts.begin(), parts.end(), [](std::string_view part) {
    return !part.empty() && part.size() <= 3 &&
           std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
           std::stoi(std::string(part)) <= 255;
  });
}

}  // namespace

std::optional<UrlParts> parse_url(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    return std::nullopt;
  }
  UrlParts parts;
  parts.scheme = to_lower(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  parts.path =
      authority_end == std::string_view::npos ? "" : std::string(rest.substr(authority_end));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    parts.userinfo = std::string(authority.substr(0, at));
    authority = authority.substr(at + 1);
  }
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    parts.host = to_lower(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (after.starts_with(":")) {
      parts.port = std::string(after.substr(1));
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    parts.host = to_lower(authority.substr(0, colon));
    parts.port = std::string(authority.substr(colon + 1));
  } else {
    parts.host = to_lower(authority);
  }
  if (parts.host.empty()) {
    return std::nullopt;
  }
  return parts;
}

bool is_loopback_host(std::string_view host) {
  std::string lower = to_lower(host);
  return lower == "localhost" || lower == "::1" || is_dotted_loopback(lower);
}

bool is_loopback_url(std::string_view url) {
  std::optional<UrlParts> parts = parse_url(url);
  return parts && is_loopback_host(parts->host);
}

bool is_cleartext_to_another_machine(std::string_view url) {
  std::optional<UrlParts> parts = parse_url(url);
  return parts && parts->scheme == "http" && !is_loopback_host(parts->host);
}

bool url_is_under(std::string_view url, std::string_view prefix) {
  std::optional<UrlParts> a = parse_url(url);
  std::optional<UrlParts> b = parse_url(prefix);
  if (!a || !b || a->scheme != b->scheme || a->host != b->host) {
    return false;
  }
  auto port = [](const UrlParts& parts) {
    return parts.port.empty() ? default_port(parts.scheme) : parts.port;
  };
  if (port(*a) != port(*b)) {
    return false;
  }
  std::string base = b->path;
  while (base.ends_with("/")) {
    base.pop_back();
  }
  return a->path == base || a->path.starts_with(base + "/") ||
         (base.empty() && (a->path.empty() || a->path.starts_with("?")));
}

std::optional<std::string> percent_decoded(std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      return std::nullopt;
    }
    decoded += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return decoded;
}

std::string redact_url_credentials(std::string_view text) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    size_t scheme = text.find("://", at);
    if (scheme == std::string_view::npos) {
      break;
    }
    size_t start = scheme + 3;
    size_t end = text.find_first_of("/ \t\n'\"", start);
    std::string_view authority =
        text.substr(start, (end == std::string_view::npos ? text.size() : end) - start);
    size_t sign = authority.rfind('@');
    size_t colon = authority.find(':');
    out.append(text.substr(at, start - at));
    if (sign != std::string_view::npos && colon != std::string_view::npos && colon < sign) {
      out.append(authority.substr(0, colon)).append(":***").append(authority.substr(sign));
    } else {
      out.append(authority);
    }
    at = start + authority.size();
  }
  out.append(text.substr(std::min(at, text.size())));
  return out;
}

}  // namespace promptctl::util

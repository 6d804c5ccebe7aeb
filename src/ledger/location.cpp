// Where a ledger lives, what `ledger status` reads there, and `ledger migrate`.
#include <filesystem>

#include "ledger/connection.hpp"
#include "ledger/schema.hpp"
#include "promptctl/ledger.hpp"
#include "util/strings.hpp"
#include "util/url.hpp"

namespace promptctl {
namespace {

constexpr int k_busy_ms = 30000;

// The `key=value` parameters after the '?' of a URL, as offsets into it.
struct Parameter {
  std::string_view key;
  std::size_t value_start;
  std::size_t value_end;
};

std::vector<Parameter> parameters_of(std::string_view url) {
  std::vector<Parameter> found;
  std::size_t query = url.find('?');
  if (query == std::string_view::npos) {
    return found;
  }
  std::size_t at = query + 1;
  while (at <= url.size()) {
    std::size_t end = std::min(url.find('&', at), url.size());
    std::string_view item = url.substr(at, end - at);
    std::size_t equals = item.find('=');
    if (equals != std::string_view::npos) {
      found.push_back({item.substr(0, equals), at + equals + 1, end});
    }
    at = end + 1;
  }
  return found;
}

// The authority after "://" and before the path or the query: [userinfo@]host[:port][,…].
std::string_view authority_of(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    return {};
  }
  std::size_t start = scheme + 3;
  std::size_t end = std::min(url.find_first_of("/?", start), url.size());
  return url.substr(start, end - start);
}

// The "user:password" before the host, or "".
std::string_view userinfo_of(std::string_view url) {
  std::string_view authority = authority_of(url);
  std::size_t sign = authority.rfind('@');
  return sign == std::string_view::npos ? std::string_view() : authority.substr(0, sign);
}

}  // namespace

bool is_postgresql_url(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

bool ledger_url_has_password(std::string_view url) {
  if (userinfo_of(url).find(':') != std::string_view::npos) {
    return true;
  }
  for (const Parameter& parameter : parameters_of(url)) {
    if (parameter.key == "password") {
      return true;
    }
  }
  return false;
}

bool ledger_url_names_only_this_machine(std::string_view url) {
  if (url.find("://") == std::string_view::npos) {
    return false;
  }
  auto local = [](std::string_view host) {
    return host.empty() || host.starts_with('/') || util::is_loopback_host(host);
  };
  std::string_view hosts = authority_of(url);
  if (std::size_t sign = hosts.rfind('@'); sign != std::string_view::npos) {
    hosts.remove_prefix(sign + 1);
  }
  for (std::string_view host : util::split(hosts, ',')) {
    bool bracketed = host.starts_with('[');  // an IPv6 address
    if (!local(bracketed ? host.substr(1, host.find(']') - 1) : host.substr(0, host.find(':')))) {
      return false;
    }
  }
  for (const Parameter& parameter : parameters_of(url)) {
    if (parameter.key != "host" && parameter.key != "hostaddr") {
      continue;
    }
    std::string_view value =
        url.substr(parameter.value_start, parameter.value_end - parameter.value_start);
    for (std::string_view host : util::split(value, ',')) {
      std::optional<std::string> decoded = util::percent_decoded(host);
      if (!decoded || !local(*decoded)) {
        return false;
      }
    }
  }
  return true;
}

std::string printable_ledger_url(std::string_view url) {
  std::string text(url);
  std::vector<Parameter> parameters = parameters_of(url);
  for (auto it = parameters.rbegin(); it != parameters.rend(); ++it) {
    if (it->key == "password") {
      text.replace(it->value_start, it->value_end - it->value_start, "***");
    }
  }
  return util::printable(util::redact_url_credentials(text), 500);
}

nlohmann::json LedgerStatus::to_json() const {
  return {{"kind", kind},
          {"location", location},
          {"ledger_schema_version", schema_version},
          {"written_ledger_schema_version", Ledger::schema_version()},
          {"runs", runs}};
}

Ledger Ledger::open_at(const LedgerLocation& where) {
  return where.url.empty() ? open(where.file) : connect(where.url);
}

LedgerStatus Ledger::status(const LedgerLocation& where) {
  LedgerStatus status;
  std::unique_ptr<ledger_detail::Connection> connection;
  if (where.url.empty()) {
    status.kind = "sqlite";
    status.location = where.file.string();
    if (!std::filesystem::exists(where.file)) {
      return status;  // no run was ever recorded here
    }
    connection = ledger_detail::open_sqlite(where.file.string(), k_busy_ms);
  } else {
    status.kind = "postgresql";
    status.location = printable_ledger_url(where.url);
    connection = ledger_detail::connect_postgresql(where.url);
  }
  status.schema_version = ledger_detail::schema_version_of(*connection);
  if (status.schema_version > 0) {
    ledger_detail::Query count(*connection, "SELECT count(*) FROM runs");
    status.runs = count.step() ? count.integer(0) : 0;
  }
  return status;
}

int Ledger::migrate(const LedgerLocation& where) {
  int before = status(where).schema_version;
  if (where.url.empty()) {
    (void)open(where.file);  // a file is upgraded whenever it is opened
  } else {
    (void)connect(where.url, true);
  }
  return before;
}

}  // namespace promptctl

#include "util/json_output.hpp"

#include "util/dates.hpp"
#include "util/strings.hpp"

namespace promptctl::util {

nlohmann::json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

nlohmann::json timestamp_or_null(std::string_view date_text) {
  auto parsed = parse_date(date_text);
  return parsed ? nlohmann::json(format_utc(parsed->first)) : nlohmann::json(nullptr);
}

nlohmann::json identity_json(std::string_view name, std::string_view email) {
  if (name.empty() && email.empty()) {
    return nullptr;
  }
  return {{"name", text_or_null(std::string(name))}, {"email", text_or_null(std::string(email))}};
}

nlohmann::json identity_json(std::string_view name_and_email) {
  std::size_t open = name_and_email.rfind('<');
  if (open == std::string_view::npos || !name_and_email.ends_with('>')) {
    return identity_json(trim(name_and_email), {});
  }
  std::string_view email = name_and_email.substr(open + 1, name_and_email.size() - open - 2);
  return identity_json(trim(name_and_email.substr(0, open)), email);
}

}  // namespace promptctl::util

#include "util/json_input.hpp"

#include "util/json_reader.hpp"

namespace promptctl::util {

std::optional<std::size_t> json_too_deep_at(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return i;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

nlohmann::json parse_json_input(std::string_view text, bool* too_deep) {
  if (std::optional<nlohmann::json> read = read_json(text)) {
    if (too_deep) {
      *too_deep = false;
    }
    return std::move(*read);
  }
  bool deep = json_too_deep_at(text).has_value();
  if (too_deep) {
    *too_deep = deep;
  }
  if (deep) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
  return nlohmann::json::parse(text, nullptr, false);
}

}  // namespace promptctl::util

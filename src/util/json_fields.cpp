#include "util/json_fields.hpp"

#include <algorithm>

#include "util/json_writer.hpp"

namespace promptctl::util {
namespace {

using nlohmann::json;

void append_value(std::string& out, const JsonFields::Value& value) {
  struct Append {
    std::string& out;
    void operator()(std::nullptr_t) const { out += "null"; }
    void operator()(bool flag) const { out += flag ? "true" : "false"; }
    void operator()(std::int64_t number) const { append_json_integer(out, number); }
    void operator()(std::uint64_t number) const { append_json_integer(out, number); }
    void operator()(double number) const { append_json_number(out, number); }
    void operator()(std::string_view text) const { append_json_string(out, text); }
    void operator()(const std::string& text) const { append_json_string(out, text); }
    void operator()(const json* value) const { append_json_compact_replacing(out, *value); }
  };
  std::visit(Append{out}, value);
}

}  // namespace

void JsonFields::set(std::string_view key, Value value) {
  // Kept in the order set; a key set again is found when written, where its last value stands.
  m_members.emplace_back(key, std::move(value));
}

void JsonFields::text_or_null(std::string_view key, const std::string& text) {
  if (text.empty()) {
    set(key, nullptr);
  } else {
    set(key, text);
  }
}

json JsonFields::to_json() const {
  json object = json::object();
  for (const auto& [key, value] : m_members) {
    object[std::string(key)] = std::visit(
        [](const auto& held) -> json {
          using Held = std::decay_t<decltype(held)>;
          if constexpr (std::is_same_v<Held, const json*>) {
            return *held;
          } else if constexpr (std::is_same_v<Held, std::string_view>) {
            return std::string(held);
          } else {
            return held;
          }
        },
        value);
  }
  return object;
}

std::string JsonFields::dump() const {
  // nlohmann-json keeps an object's members in a std::map: in the byte order of their keys.
  // A key's values stay in the order they were set (their places in m_members): the last one
  // stands.
  std::vector<const std::pair<std::string_view, Value>*> sorted;
  sorted.reserve(m_members.size());
  for (const auto& member : m_members) {
    sorted.push_back(&member);
  }
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return a->first != b->first ? a->first < b->first : a < b;
  });
  std::string out;
  out.reserve(64 * m_members.size());
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i + 1 < sorted.size() && sorted[i + 1]->first == sorted[i]->first) {
      continue;  // set again later
    }
    out += first ? "" : ",";
    first = false;
    append_json_string(out, sorted[i]->first);
    out += ':';
    append_value(out, sorted[i]->second);
  }
  out += '}';
  return out;
}

}  // namespace promptctl::util

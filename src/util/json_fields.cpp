#include "util/json_fields.hpp"

#include <array>
#include <numeric>

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

// The members stably sorted by key, as nlohmann-json's std::map orders an object's keys: a key
// set again follows its earlier values, and the last one stands. A comparison sort compared
// each of a batch line's thirty keys several times; keys rarely share a first byte, so the
// members are placed by it (counting), and only those that share one are compared.
std::vector<const JsonFields::Member*> in_key_order(
    const std::vector<JsonFields::Member>& members) {
  // Group 0 is the empty key; a key starting with byte B is in group B + 1.
  auto group_of = [](std::string_view key) {
    return key.empty() ? 0U : static_cast<unsigned char>(key.front()) + 1U;
  };
  std::array<std::size_t, 258> next{};  // first each group's size, then where its next goes
  for (const auto& member : members) {
    ++next[group_of(member.first) + 1];
  }
  std::partial_sum(next.begin(), next.end(), next.begin());
  std::vector<const JsonFields::Member*> sorted(members.size());
  for (const auto& member : members) {
    sorted[next[group_of(member.first)]++] = &member;
  }
  // Out of order only within a group now: an insertion sort compares little more than
  // neighbours, and never moves a key past an equal one.
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const JsonFields::Member* member = sorted[i];
    std::size_t at = i;
    for (; at > 0 && member->first < sorted[at - 1]->first; --at) {
      sorted[at] = sorted[at - 1];
    }
    sorted[at] = member;
  }
  return sorted;
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
  std::vector<const Member*> sorted = in_key_order(m_members);
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

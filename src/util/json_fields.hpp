// A JSON object's members borrowed from where they live, written out exactly as nlohmann-json
// dumps the object they make (compact, keys in byte order, invalid UTF-8 replaced) without
// building it: for a line written per row of a batch, where the tree of some thirty members,
// each a separate allocation, cost more than the rest of the line's work.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace promptctl::util {

class JsonFields {
 public:
  /// A member's value: null, a boolean, a number, a string (borrowed or owned), or a JSON value
  /// borrowed as it is.
  using Value = std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double,
                             std::string_view, std::string, const nlohmann::json*>;

  /// Sets member `key` (a literal, or text that outlives the fields), replacing its value when
  /// it is set already. Borrowed values must outlive the fields.
  void set(std::string_view key, Value value);
  void set(std::string_view key, std::nullptr_t) { set(key, Value(nullptr)); }
  void set(std::string_view key, const char* text) { set(key, std::string_view(text)); }
  /// Borrowed.
  void set(std::string_view key, const std::string& text) { set(key, std::string_view(text)); }
  /// Kept.
  void set(std::string_view key, std::string&& text) { set(key, Value(std::move(text))); }
  /// `text` (borrowed), or null when it is empty.
  void text_or_null(std::string_view key, const std::string& text);
  void text_or_null(std::string_view key, std::string&& text) = delete;  // would dangle

  /// The object they make.
  [[nodiscard]] nlohmann::json to_json() const;
  /// `to_json().dump(-1, ' ', false, replace)`, written directly.
  [[nodiscard]] std::string dump() const;

  using Member = std::pair<std::string_view, Value>;

 private:
  std::vector<Member> m_members;
};

}  // namespace promptctl::util

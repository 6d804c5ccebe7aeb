// Writing indented JSON text directly, in exactly the form nlohmann-json's dump(2) gives (keys
// in the order written, two-space indents, UTF-8 kept): for documents written many times a
// second, where building a JSON tree first costs more than the writing.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace promptctl::util {

/// `text` as a JSON string, as dump() writes it with invalid UTF-8 replaced.
void append_json_string(std::string& out, std::string_view text);
/// `text` as a JSON string, as dump() writes it: invalid UTF-8 throws the library's own
/// `type_error`, naming the byte.
void append_json_string_strict(std::string& out, std::string_view text);
/// `texts` as a JSON array of strings, each as `append_json_string_strict` writes it.
void append_json_strings_strict(std::string& out, const std::vector<std::string>& texts);

/// `number` in decimal, as dump() writes an integer.
void append_json_integer(std::string& out, std::int64_t number);
void append_json_integer(std::string& out, std::uint64_t number);
/// `number` as dump() writes a floating-point number: its shortest form that reads back the
/// same ("0.25", "1.0", "1e+20"), and null for infinities and NaN.
void append_json_number(std::string& out, double number);

/// `value` as `dump()` writes it (compact, keys in byte order), for values written once or more
/// per row of a batch: the library's writer looks at each byte of every string on its own and
/// costs several times more. Invalid UTF-8 throws the library's own `type_error`, as `dump()`
/// does; `append_json_compact_replacing` replaces it instead, as `dump(-1, ' ', false,
/// replace)` does.
void append_json_compact(std::string& out, const nlohmann::json& value);
void append_json_compact_replacing(std::string& out, const nlohmann::json& value);
/// `append_json_compact` into a new string: the drop-in for `value.dump()`.
[[nodiscard]] std::string json_compact(const nlohmann::json& value);

/// `value` as dump(2) writes it when it stands `depth` levels deep (its first line is not
/// indented; the lines after it are).
void append_json_value(std::string& out, const nlohmann::json& value, int depth);

/// Writes one object's members; the caller must write them in sorted order to match dump().
class JsonObjectWriter {
 public:
  /// Opens the object at `depth` (0 for a document).
  JsonObjectWriter(std::string& out, int depth);
  /// Starts a member: the key, then the caller appends its value (at depth + 1).
  std::string& key(std::string_view name);
  /// Closes the object ("{}" when it had no member).
  void close();

  [[nodiscard]] int member_depth() const { return m_depth + 1; }

 private:
  std::string& m_out;
  int m_depth;
  bool m_empty = true;
};

/// Writes one compact object's members, as dump() writes them; the caller must write them in
/// sorted order, and each key must be text that needs no escaping (a literal name).
class JsonCompactObjectWriter {
 public:
  /// Opens the object.
  explicit JsonCompactObjectWriter(std::string& out);
  /// Starts a member: the key, then the caller appends its value.
  std::string& key(std::string_view name);
  /// Closes the object.
  void close() { m_out += '}'; }

 private:
  std::string& m_out;
  bool m_empty = true;
};

/// Newline and indentation for a line `depth` levels deep.
void append_line_start(std::string& out, int depth);

}  // namespace promptctl::util

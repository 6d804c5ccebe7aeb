#include "util/strings.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <sstream>

namespace promptctl::util {

std::string_view trim(std::string_view text) {
  constexpr std::string_view blanks = " \t\r\n";
  size_t first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) {
    return {};
  }
  size_t last = text.find_last_not_of(blanks);
  return text.substr(first, last - first + 1);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = text.find(separator, start);
    if (at == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, at - start));
    start = at + 1;
  }
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += separator;
    }
    out += parts[i];
  }
  return out;
}

std::vector<std::string_view> split_whitespace(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::string_view(" \t\r\n").find(text[i]) != std::string_view::npos) {
      ++i;
    }
    size_t start = i;
    while (i < text.size() && std::string_view(" \t\r\n").find(text[i]) == std::string_view::npos) {
      ++i;
    }
    if (i > start) {
      parts.push_back(text.substr(start, i - start));
    }
  }
  return parts;
}

std::string counted(std::size_t count, std::string_view singular, std::string_view plural) {
  std::string noun(count == 1 ? singular : plural.empty() ? singular : plural);
  if (count != 1 && plural.empty()) {
    noun += 's';
  }
  return std::to_string(count) + " " + noun;
}

std::string numbered(std::string_view noun, const std::vector<std::size_t>& numbers,
                     std::size_t most) {
  std::vector<std::string> ranges;
  std::size_t named = 0;  // how many distinct numbers the ranges cover
  std::size_t i = 0;
  while (i < numbers.size() && ranges.size() < most) {
    std::size_t j = i;
    std::size_t distinct = 1;
    while (j + 1 < numbers.size() && numbers[j + 1] <= numbers[j] + 1) {
      distinct += numbers[j + 1] == numbers[j] ? 0 : 1;
      ++j;
    }
    ranges.push_back(distinct == 1 ? std::to_string(numbers[i])
                                   : std::to_string(numbers[i]) + "-" + std::to_string(numbers[j]));
    named += distinct;
    i = j + 1;
  }
  std::size_t rest = 0;
  for (; i < numbers.size(); ++i) {
    rest += i == 0 || numbers[i] != numbers[i - 1] ? 1 : 0;
  }
  if (rest > 0) {
    ranges.push_back(std::to_string(rest) + " more");
  }
  std::string text(noun);
  text += named + rest == 1 ? " " : "s ";
  for (std::size_t k = 0; k < ranges.size(); ++k) {
    text += (k == 0 ? "" : k + 1 == ranges.size() ? " and " : ", ") + ranges[k];
  }
  return text;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

std::string number_text(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

namespace {

// Whether the eight bytes at `at` are all ASCII, the common case, checked in one step.
bool ascii_word(const char* at) {
  std::uint64_t word = 0;
  std::memcpy(&word, at, sizeof word);
  return (word & 0x8080808080808080ULL) == 0;
}

}  // namespace

std::optional<std::pair<char32_t, std::size_t>> decode_utf8(std::string_view text, std::size_t at) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(at);
  std::size_t length = lead < 0x80           ? 1
                       : (lead >> 5) == 0x6  ? 2
                       : (lead >> 4) == 0xE  ? 3
                       : (lead >> 3) == 0x1E ? 4
                                             : 0;
  if (length == 0 || at + length > text.size()) {
    return std::nullopt;
  }
  char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(at + k) & 0xC0) != 0x80) {
      return std::nullopt;
    }
    cp = (cp << 6) | (byte(at + k) & 0x3F);
  }
  static constexpr char32_t k_smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < k_smallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return std::nullopt;
  }
  return std::pair{cp, length};
}

void append_utf8(std::string& out, char32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

std::optional<size_t> invalid_utf8_at(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    while (i + 8 <= text.size() && ascii_word(text.data() + i)) {
      i += 8;
    }
    if (i == text.size()) {
      break;
    }
    auto character = decode_utf8(text, i);
    if (!character) {
      return i;
    }
    i += character->second;
  }
  return std::nullopt;
}

std::pair<int, int> line_and_column(std::string_view text, size_t offset) {
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(offset - line_start) + 1};
}

bool is_identifier(std::string_view text) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (text.empty() || !letter(text.front())) {
    return false;
  }
  return std::all_of(text.begin(), text.end(),
                     [&](char c) { return letter(c) || (c >= '0' && c <= '9'); });
}

size_t levenshtein(std::string_view a, std::string_view b) {
  // Optimal string alignment: an adjacent transposition counts as one edit, as typos do.
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  std::iota(d[0].begin(), d[0].end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  // A third of the word's length, at least one edit: close enough to be a typo.
  size_t best_distance = std::max<size_t>(1, word.size() / 3) + 1;
  std::string best;
  for (const std::string& candidate : candidates) {
    size_t distance = levenshtein(to_lower(word), to_lower(candidate));
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string match = closest_match(word, candidates);
  return match.empty() ? std::string() : " (did you mean '" + match + "'?)";
}

std::string escaped_byte(unsigned char c) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
  return buffer;
}

std::string printable(std::string_view text, size_t max_length) {
  std::string out;
  for (unsigned char c : text) {
    if (out.size() >= max_length) {
      out += "...";
      break;
    }
    out += c < 0x20 || c == 0x7f ? escaped_byte(c) : std::string(1, static_cast<char>(c));
  }
  return out;
}

namespace {

// Whether any of the eight bytes at `at` is a control character (below 0x20, or 0x7f), checked
// in one step: subtracting 0x20 from each byte sets the top bit of those below it that did not
// have it, and 0x7f is the byte that xor with 0x7f leaves below 1.
bool control_in_word(const char* at) {
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_tops = 0x8080808080808080ULL;
  std::uint64_t word = 0;
  std::memcpy(&word, at, sizeof word);
  std::uint64_t del = word ^ (k_ones * 0x7f);
  return (((word - k_ones * 0x20) & ~word) | ((del - k_ones) & ~del)) & k_tops;
}

}  // namespace

void append_visible(std::string& out, std::string_view text, bool keep_line_breaks) {
  // Runs of plain bytes are copied whole, and found eight at a time: listings pass every
  // description through here.
  std::size_t plain_from = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size() && !control_in_word(text.data() + i)) {
      i += 8;
      continue;
    }
    auto c = static_cast<unsigned char>(text[i]);
    bool kept = c == '\t' || (keep_line_breaks && c == '\n');
    if ((c < 0x20 && !kept) || c == 0x7f) {
      out.append(text, plain_from, i - plain_from).append(escaped_byte(c));
      plain_from = i + 1;
    }
    ++i;
  }
  out.append(text, plain_from);
}

void append_visible_list(std::string& out, const std::vector<std::string>& items) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    out.append(i ? ", " : "");
    append_visible(out, items[i]);
  }
}

std::string visible(std::string_view text, bool keep_line_breaks) {
  std::string out;
  out.reserve(text.size());
  append_visible(out, text, keep_line_breaks);
  return out;
}

std::vector<int> conflict_marker_lines(std::string_view text) {
  std::vector<int> found;
  int line = 1;
  for (std::string_view rest = text; !rest.empty(); ++line) {
    size_t end = rest.find('\n');
    std::string_view current = rest.substr(0, end);
    if (current.starts_with("<<<<<<<") || current.starts_with(">>>>>>>") || current == "=======" ||
        current.starts_with("||||||| ")) {
      found.push_back(line);
    }
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  return found;
}

bool is_plain_word(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

std::string trailer_value(std::string_view message, std::string_view key) {
  for (std::string_view line : split(message, '\n')) {
    if (line.starts_with(key)) {
      return std::string(trim(line.substr(key.size())));
    }
  }
  return {};
}

}  // namespace promptctl::util

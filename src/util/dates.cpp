#include "util/dates.hpp"
#include <chrono>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <vector>

#include "util/strings.hpp"

namespace promptctl::util {

namespace {

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "+0100" or "-05:30" as minutes east of UTC.
std::optional<int> parse_offset(std::string_view text) {
  if (text == "Z") {
    return 0;
  }
  if (text.empty()) {
    return std::nullopt;
  }
  std::string digits;
  for (char c : text.substr(1)) {
    if (c != ':') {
      digits += c;
    }
  }
  if ((text[0] != '+' && text[0] != '-') || digits.size() != 4 || !all_digits(digits)) {
    return std::nullopt;
  }
  int minutes = std::stoi(digits.substr(0, 2)) * 60 + std::stoi(digits.substr(2));
  return text[0] == '-' ? -minutes : minutes;
}

// Seconds in one `unit` ("weeks" or "week"), or 0 for a word that is not a unit.
std::int64_t unit_seconds(std::string unit) {
  if (unit.size() > 1 && unit.back() == 's') {
    unit.pop_back();
  }
  static const std::pair<const char*, std::int64_t> units[] = {
      {"second", 1},       {"minute", 60},        {"hour", 3600},       {"day", 86400},
      {"week", 7 * 86400}, {"month", 30 * 86400}, {"year", 365 * 86400}};
  for (const auto& [name, seconds] : units) {
    if (unit == name) {
      return seconds;
    }
  }
  return 0;
}

// The relative forms git's --since takes: "now", "today" and "midnight" (midnight UTC),
// "yesterday", "last week", and counts of units, "2 weeks ago", "2.weeks.3.days.ago",
// "a month ago" ("ago" optional).
std::optional<std::int64_t> relative_time(std::string text, std::int64_t now) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '.' || c == ','; }, ' ');
  std::vector<std::string> words;
  for (std::string_view word : split_whitespace(text)) {
    words.push_back(to_lower(word));
  }
  if (words.size() == 1 && (words[0] == "today" || words[0] == "midnight")) {
    return now - now % 86400;
  }
  if (words.size() == 1 && (words[0] == "now" || words[0] == "yesterday")) {
    return words[0] == "now" ? now : now - 86400;
  }
  if (!words.empty() && words.back() == "ago") {
    words.pop_back();
  }
  if (words.empty() || words.size() % 2 != 0) {
    return std::nullopt;
  }
  std::int64_t back = 0;
  for (std::size_t i = 0; i < words.size(); i += 2) {
    const std::string& count = words[i];
    std::int64_t seconds = unit_seconds(words[i + 1]);
    bool one = count == "a" || count == "an" || count == "last";
    if (seconds == 0 || (!one && (!all_digits(count) || count.size() > 9))) {
      return std::nullopt;
    }
    back += (one ? 1 : std::stoll(count)) * seconds;
  }
  return now - back;
}

// "2026-01-31T11:00:00" in UTC, without a zone.
std::string utc_without_zone(std::int64_t seconds) {
  auto time = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&time, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  return buffer;
}

}  // namespace

std::optional<std::pair<std::int64_t, int>> parse_date(std::string_view text) {
  text = trim(text);
  std::string_view raw = text.starts_with("@") ? text.substr(1) : text;
  auto parts = split_whitespace(raw);
  if (parts.size() == 2 && all_digits(parts[0]) && parts[0].size() <= 15) {
    auto offset = parse_offset(parts[1]);
    if (offset) {
      return std::pair{std::stoll(std::string(parts[0])), *offset};
    }
  }
  std::tm tm{};
  std::string value(text);
  const char* rest = strptime(value.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) {
    rest = strptime(value.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  }
  if (!rest) {
    return std::nullopt;
  }
  auto offset = parse_offset(trim(rest));
  if (!offset) {
    return std::nullopt;
  }
  return std::pair{static_cast<std::int64_t>(timegm(&tm)) - *offset * 60, *offset};
}

std::optional<std::int64_t> parse_since(std::string_view text, std::int64_t now) {
  text = trim(text);
  if (auto full = parse_date(text)) {
    return full->first;
  }
  std::tm tm{};
  std::string value(text);
  for (const char* format : {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"}) {
    tm = {};
    const char* rest = strptime(value.c_str(), format, &tm);
    if (rest && *rest == '\0') {
      return static_cast<std::int64_t>(timegm(&tm));
    }
  }
  return relative_time(value, now);
}

std::string format_date(std::int64_t time, int offset_minutes) {
  std::time_t local = static_cast<std::time_t>(time + std::int64_t{offset_minutes} * 60);
  std::tm tm{};
  gmtime_r(&local, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char zone[16];
  std::snprintf(zone, sizeof zone, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', magnitude / 60,
                magnitude % 60);
  return std::string(buffer) + zone;
}

std::string format_utc(std::int64_t seconds) {
  return utc_without_zone(seconds) + "Z";
}

std::string format_utc_ms(std::int64_t milliseconds) {
  // Floor division, so that a time before 1970 keeps a fraction between 0 and 999.
  std::int64_t seconds = milliseconds / 1000 - (milliseconds % 1000 < 0 ? 1 : 0);
  auto fraction = static_cast<int>(milliseconds - seconds * 1000);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03d", fraction);
  return utc_without_zone(seconds) + millis + "Z";
}

std::optional<std::int64_t> parse_utc_ms(std::string_view text) {
  std::string value(text);
  std::tm tm{};
  const char* rest = strptime(value.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) {
    return std::nullopt;
  }
  std::string_view tail(rest);
  std::int64_t millis = 0;
  if (tail.starts_with(".")) {
    std::size_t digits = 1;
    while (digits < tail.size() && std::isdigit(static_cast<unsigned char>(tail[digits]))) {
      if (digits <= 3) {
        millis = millis * 10 + (tail[digits] - '0');
      }
      ++digits;
    }
    if (digits == 1 || digits > 10) {
      return std::nullopt;
    }
    for (std::size_t shown = digits - 1; shown < 3; ++shown) {
      millis *= 10;  // ".5" is 500 ms
    }
    tail.remove_prefix(digits);
  }
  auto offset = parse_offset(tail);
  if (!offset) {
    return std::nullopt;
  }
  return (static_cast<std::int64_t>(timegm(&tm)) - *offset * 60) * 1000 + millis;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace promptctl::util

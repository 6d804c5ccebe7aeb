// Dates as git writes and reads them; nothing here knows about prompts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace promptctl::util {

/// A date in a format git's own tools write: "@1700000000 +0100", "1700000000 +0100", or ISO
/// 8601 with an offset, "2026-01-01T12:00:00Z" or "2026-01-01 12:00:00 +01:00". Gives seconds
/// since the epoch and the offset in minutes east of UTC.
std::optional<std::pair<std::int64_t, int>> parse_date(std::string_view text);

/// A lower time bound as `--since` takes it: any `parse_date` format, a day "2026-01-31"
/// (midnight UTC), a time without offset (UTC), or "N units ago" / "N.units" with units from
/// seconds to years. `now` is seconds since the epoch.
std::optional<std::int64_t> parse_since(std::string_view text, std::int64_t now);

/// Milliseconds since the epoch, now.
std::int64_t now_ms();

/// "2026-01-31T12:00:00+01:00" for a time and its offset in minutes.
std::string format_date(std::int64_t time, int offset_minutes);

/// A timestamp as promptctl's JSON writes it: RFC 3339 in UTC with a "Z",
/// "2026-01-31T11:00:00Z" for seconds since the epoch.
std::string format_utc(std::int64_t seconds);

/// The same for milliseconds since the epoch, keeping them: "2026-01-31T11:00:00.250Z".
std::string format_utc_ms(std::int64_t milliseconds);

/// Reads what `format_utc_ms` and `format_utc` write, or any RFC 3339 time with an offset and
/// up to nanoseconds (cut to milliseconds): milliseconds since the epoch.
std::optional<std::int64_t> parse_utc_ms(std::string_view text);

}  // namespace promptctl::util

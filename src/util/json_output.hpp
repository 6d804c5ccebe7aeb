// The small pieces of promptctl's JSON vocabulary (promptctl-json(7)) that many shapes share:
// absent values as null, identities as {name, email}.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace promptctl::util {

/// `text`, or null when it is empty: the vocabulary writes an absent value as null, never "".
nlohmann::json text_or_null(const std::string& text);

/// A time read from text in any form `parse_date` reads, as RFC 3339 in UTC; null when
/// the text is empty or not a date.
nlohmann::json timestamp_or_null(std::string_view date_text);

/// A person as {"name", "email"}; an empty part is null, and null when both are empty.
nlohmann::json identity_json(std::string_view name, std::string_view email);

/// The same from git's "Name <email>" form, as the ledger and approvals keep it. Text without
/// an address is all name.
nlohmann::json identity_json(std::string_view name_and_email);

}  // namespace promptctl::util

// Small helpers for the self-contained HTML reports.
#pragma once

#include <string>
#include <string_view>

namespace promptctl::util {

/// `text` with &, <, > and " escaped, for element text and attribute values.
std::string escape_html(std::string_view text);

/// `value` with `decimals` digits after the point ("%.*f").
std::string fixed(double value, int decimals);

}  // namespace promptctl::util

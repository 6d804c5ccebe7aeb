// Small helpers for the self-contained HTML reports.
#pragma once

#include <string>
#include <string_view>

namespace promptctl::util {

/// Appends `text` with &, <, >, " and ' escaped (Mustache's escaping, safe in element text and
/// in attribute values quoted either way). The apostrophe is "&#39;" unless told otherwise:
/// XML writes it "&apos;", which HTML 4 lacks.
void append_escaped_html(std::string& out, std::string_view text,
                         std::string_view apostrophe = "&#39;");

/// `text` escaped as `append_escaped_html` does.
std::string escape_html(std::string_view text);

/// `value` with `decimals` digits after the point ("%.*f").
std::string fixed(double value, int decimals);

}  // namespace promptctl::util

#include "cli/validators.hpp"

#include <cstdio>

namespace promptctl::cli {

CLI::Validator at_least(double minimum) {
  char shown[32];
  std::snprintf(shown, sizeof shown, "%g", minimum);
  std::string bound = shown;
  return {[minimum, bound](std::string& value) -> std::string {
            double number = 0;
            if (!CLI::detail::lexical_cast(value, number)) {
              return "'" + value + "' is not a number";
            }
            return number < minimum ? "'" + value + "' is less than " + bound : std::string();
          },
          ">= " + bound, "AT_LEAST"};
}

CLI::Option* one_of(CLI::Option* option, const std::vector<std::string>& values) {
  std::string listed;
  for (const std::string& value : values) {
    listed += (listed.empty() ? "" : "|") + value;
  }
  // The set goes in the type name, where help and completion both read it, and not in the
  // validator's description, which CLI11 would print as "TEXT:{a,b}".
  return option->check(CLI::IsMember(values).description(""))->type_name(listed);
}

std::vector<std::string> choices_of(const CLI::Option& option) {
  std::string type = option.get_type_name();
  std::vector<std::string> values;
  if (type.find('|') == std::string::npos) {
    return values;
  }
  std::size_t start = 0;
  while (start <= type.size()) {
    std::size_t end = std::min(type.find('|', start), type.size());
    values.push_back(type.substr(start, end - start));
    start = end + 1;
  }
  return values;
}

}  // namespace promptctl::cli

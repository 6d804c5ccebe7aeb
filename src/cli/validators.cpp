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

}  // namespace promptctl::cli

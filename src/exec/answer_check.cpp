// Checking an answer against the output schema its request asked for.
#include "promptctl/execute.hpp"
#include "util/json_input.hpp"
#include "util/json_schema.hpp"
#include "util/strings.hpp"

namespace promptctl {

std::optional<std::string> schema_breach(const ModelSettings& asked, const std::string& text) {
  if (!asked.response_schema.is_object() || !asked.response_schema.contains("schema")) {
    return std::nullopt;
  }
  nlohmann::json answer = util::parse_json_input(text);
  if (answer.is_discarded()) {
    return "the answer is not JSON, as the output schema asks: " + util::printable(text, 80);
  }
  std::vector<util::SchemaViolation> violations =
      util::check_json_schema(asked.response_schema.at("schema"), answer);
  if (violations.empty()) {
    return std::nullopt;
  }
  constexpr std::size_t k_named = 3;
  std::vector<std::string> named;
  for (std::size_t i = 0; i < violations.size() && i < k_named; ++i) {
    const util::SchemaViolation& violation = violations[i];
    named.push_back((violation.pointer.empty() ? std::string("the answer") : violation.pointer) +
                    ": " + violation.message);
  }
  std::string more = violations.size() > k_named
                         ? " and " + std::to_string(violations.size() - k_named) + " more"
                         : "";
  return "the answer breaks the output schema: " + util::join(named, "; ") + more;
}

}  // namespace promptctl

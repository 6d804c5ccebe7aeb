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
  return "the answer breaks the output schema: " + util::describe_violations(violations);
}

}  // namespace promptctl

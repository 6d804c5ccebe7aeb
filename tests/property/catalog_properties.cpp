// A prompt summary written as JSON text directly is exactly what nlohmann::json would write,
// whatever its strings hold: quotes, control characters, non-ASCII and invalid UTF-8.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "promptctl/catalog.hpp"

using namespace promptctl;

namespace {

rc::Gen<std::string> any_text() {
  return rc::gen::oneOf(
      rc::gen::just(std::string()), rc::gen::arbitrary<std::string>(),
      rc::gen::element<std::string>("\"quoted\"", "back\\slash", "tab\there", "caf\xc3\xa9",
                                    "bad \xff\xfe utf-8", std::string("nul\0inside", 10)));
}

}  // namespace

RC_GTEST_PROP(CatalogProperties, JsonTextIsTheDumpOfToJson, ()) {
  PromptSummary summary;
  summary.name = *any_text();
  summary.path = *any_text();
  summary.description = *any_text();
  summary.tags = *rc::gen::container<std::vector<std::string>>(any_text());
  summary.category = *any_text();
  summary.owner = *any_text();
  summary.variables = *rc::gen::container<std::vector<std::string>>(any_text());
  summary.error = *any_text();
  RC_ASSERT(summary.json_text() ==
            summary.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

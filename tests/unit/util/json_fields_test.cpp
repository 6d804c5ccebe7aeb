#include "util/json_fields.hpp"

#include <gtest/gtest.h>

namespace promptctl::util {
namespace {

using nlohmann::json;

TEST(JsonFieldsTest, WritesMembersInKeyOrderAsDumpDoes) {
  std::string borrowed = "line\n\"two\"\x01";
  std::string nothing;
  json tools = json::array({{{"name", "f"}}});
  JsonFields fields;
  fields.set("zeta", std::int64_t{-3});
  fields.set("alpha", borrowed);
  fields.set("mid", 3.0);
  fields.set("owned", std::string("caf\xe9"));
  fields.set("none", nullptr);
  fields.set("tools", &tools);
  fields.set("count", std::uint64_t{7});
  fields.text_or_null("empty", nothing);
  fields.set("zeta", true);  // replaces
  EXPECT_EQ(fields.dump(),
            R"({"alpha":"line\n\"two\"\u0001","count":7,"empty":null,"mid":3.0,"none":null,)"
            "\"owned\":\"caf\xef\xbf\xbd\",\"tools\":[{\"name\":\"f\"}],\"zeta\":true}");
  EXPECT_EQ(fields.dump(), fields.to_json().dump(-1, ' ', false, json::error_handler_t::replace));
  EXPECT_EQ(JsonFields().dump(), "{}");
}

}  // namespace
}  // namespace promptctl::util

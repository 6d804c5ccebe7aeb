// A JSON value written by promptctl's compact writer is exactly what nlohmann-json's dump()
// gives: ledger rows, request bodies and request hashes depend on those bytes being the same.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "support/json_values.hpp"
#include "support/utf8.hpp"
#include "util/json_writer.hpp"

using nlohmann::json;

using promptctl::testing::any_bytes;
using promptctl::testing::any_value;
using promptctl::testing::valid_text;

RC_GTEST_PROP(JsonWriterProperties, ACompactValueIsWhatDumpWrites, ()) {
  json value = any_value(valid_text(), 3);
  RC_ASSERT(promptctl::util::json_compact(value) == value.dump());
  std::string appended = "[1,";
  promptctl::util::append_json_compact(appended, value);
  RC_ASSERT(appended == "[1," + value.dump());
}

RC_GTEST_PROP(JsonWriterProperties, InvalidUtf8IsReplacedOrRefusedAsDumpDoes, ()) {
  json value = any_value(any_bytes(), 3);
  std::string replaced;
  promptctl::util::append_json_compact_replacing(replaced, value);
  RC_ASSERT(replaced == value.dump(-1, ' ', false, json::error_handler_t::replace));
  std::optional<std::string> strict_error;
  try {
    (void)value.dump();
  } catch (const json::type_error& e) {
    strict_error = e.what();
  }
  if (strict_error) {
    try {
      (void)promptctl::util::json_compact(value);
      RC_FAIL("invalid UTF-8 was written");
    } catch (const json::type_error& e) {
      RC_ASSERT(std::string(e.what()) == *strict_error);
    }
  } else {
    RC_ASSERT(promptctl::util::json_compact(value) == value.dump());
  }
}

// A run read back from its exported line is the run that was exported (less the numbers that
// are local to a ledger), and every time the export writes reads back to the same millisecond.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "promptctl/ledger.hpp"
#include "util/dates.hpp"
#include "util/uuid.hpp"

using namespace promptctl;
using nlohmann::json;

namespace {

// Texts with the characters JSON must escape, quotes, multi-byte characters and the empty text.
rc::Gen<std::string> text() {
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::element<std::string>(
                          "a", "Z", " ", "\"", "\\", "\n", "\t", "\x01", "\x7f", "é", "日本", "😀",
                          "{", "[redacted:x]")),
                      [](const std::vector<std::string>& parts) {
                        std::string joined;
                        for (const std::string& part : parts) {
                          joined += part;
                        }
                        return joined;
                      });
}

// Times from 1970 to 2100, in milliseconds.
rc::Gen<std::int64_t> time_ms() {
  return rc::gen::inRange<std::int64_t>(0, 4'102'444'800'000);
}

rc::Gen<double> finite_number() {
  return rc::gen::map(rc::gen::arbitrary<std::int64_t>(),
                      [](std::int64_t bits) { return static_cast<double>(bits) / 1024.0; });
}

template <class T>
std::optional<T> maybe(const rc::Gen<T>& generator) {
  return *rc::gen::arbitrary<bool>() ? std::optional<T>(*generator) : std::nullopt;
}

json random_object() {
  json object = json::object();
  for (int i = *rc::gen::inRange(0, 4); i > 0; --i) {
    object[*text()] = *rc::gen::arbitrary<bool>() ? json(*text()) : json(*finite_number());
  }
  return object;
}

PortableRun random_run() {
  PortableRun portable;
  RunRecord& run = portable.run;
  run.started_ms = *time_ms();
  run.finished_ms = *time_ms();
  run.uid = util::uuid_v7(run.started_ms);
  run.prompt = *text();
  run.revision = *text();
  run.commit = *text();
  run.dirty = *rc::gen::arbitrary<bool>();
  run.content_hash = *text();
  run.environment = *text();
  run.request = {{"messages", json::array({{{"role", "user"}, {"content", *text()}}})},
                 {"parameters", random_object()}};
  run.request_hash = *text();
  run.variables = random_object();
  run.provider = *text();
  run.model = *text();
  run.store = *rc::gen::element(LedgerStore::full, LedgerStore::redacted, LedgerStore::hashes);
  // The ledger keeps the answer or, under `hashes`, only its digest: never both.
  if (run.store == LedgerStore::hashes) {
    run.output_sha256 = *text();
  } else {
    run.output = *text();
  }
  run.tool_calls = *rc::gen::arbitrary<bool>()
                       ? json::array({{{"id", *text()}, {"name", *text()}, {"arguments", *text()}}})
                       : json::array();
  run.finish_reason = *text();
  run.input_tokens = maybe(rc::gen::inRange<std::int64_t>(0, 1'000'000'000));
  run.output_tokens = maybe(rc::gen::inRange<std::int64_t>(0, 1'000'000'000));
  run.latency_ms = *finite_number();
  run.cost = maybe(finite_number());
  run.status = *rc::gen::element<std::string>("ok", "error");
  run.error = *text();
  run.attempts = *rc::gen::inRange(0, 10);
  run.cached = *rc::gen::arbitrary<bool>();
  run.experiment = *text();
  run.variant = *text();
  if (*rc::gen::arbitrary<bool>()) {
    portable.parent_uid = util::uuid_v7(*time_ms());
  }
  for (int i = *rc::gen::inRange(0, 3); i > 0; --i) {
    std::string author =
        *rc::gen::element<std::string>("", "Ann", "Ann <ann@example.com>", "<bot@example.com>");
    portable.feedback.push_back({0, 0, *finite_number(), *text(), author, *time_ms()});
  }
  return portable;
}

RC_GTEST_PROP(PortableRunProperties, ReadsBackWhatItWrites, ()) {
  PortableRun original = random_run();
  // The export writes a run's local numbers too; reading drops them.
  PortableRun exported = original;
  exported.run.id = *rc::gen::inRange<std::int64_t>(1, 1000);
  exported.run.parent_id = maybe(rc::gen::inRange<std::int64_t>(1, 1000));
  for (Feedback& entry : exported.feedback) {
    entry.id = *rc::gen::inRange<std::int64_t>(1, 1000);
    entry.run_id = exported.run.id;
  }
  std::string line = exported.to_json().dump();
  RC_ASSERT(line.find('\n') == std::string::npos);
  RC_ASSERT(PortableRun::from_json(json::parse(line)) == original);
}

RC_GTEST_PROP(PortableRunProperties, TimesReadBackToTheMillisecond, ()) {
  std::int64_t time = *rc::gen::inRange<std::int64_t>(-2'208'988'800'000, 4'102'444'800'000);
  RC_ASSERT(util::parse_utc_ms(util::format_utc_ms(time)) == std::optional<std::int64_t>(time));
}

}  // namespace

// OTLP's two encodings of the same spans agree: the JSON request, parsed with the official
// protobuf definitions and written in the binary encoding, is byte for byte what promptctl's
// binary encoder wrote. Spans of every attribute kind and awkward value (control characters,
// invalid UTF-8, extreme numbers, NaN, empty lists) are drawn from a seeded generator.
#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <random>

#include "promptctl/telemetry.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace promptctl::telemetry {
namespace {

namespace fs = std::filesystem;

class SpanMaker {
 public:
  explicit SpanMaker(unsigned seed) : m_random(seed) {}

  Span span() {
    Span made;
    made.context.trace_id = hex(32);
    made.context.span_id = hex(16);
    if (pick(3) > 0) {
      made.parent_span_id = hex(16);
    }
    made.name = text();
    made.kind = static_cast<SpanKind>(1 + pick(3));
    made.start_unix_ns = 1'767'225'600'000'000'000 + static_cast<std::int64_t>(pick(1'000'000));
    made.end_unix_ns = made.start_unix_ns + static_cast<std::int64_t>(pick(1'000'000'000));
    for (std::size_t i = pick(12); i > 0; --i) {
      made.attributes.emplace_back("attr." + text(), value());
    }
    if (pick(2) == 0) {
      made.shared_attributes =
          std::make_shared<const Attributes>(Attributes{{"promptctl.prompt", value()}});
    }
    made.status = static_cast<SpanStatus>(pick(3));
    if (made.status == SpanStatus::error) {
      made.status_message = text();
    }
    return made;
  }

 private:
  std::size_t pick(std::size_t below) {
    return std::uniform_int_distribution<std::size_t>(0, below - 1)(m_random);
  }

  std::string hex(std::size_t digits) {
    std::string out;
    for (std::size_t i = 0; i < digits; ++i) {
      out += "0123456789abcdef"[pick(16)];
    }
    out[0] = out[0] == '0' ? '1' : out[0];  // never all zeros
    return out;
  }

  // Text with what an encoder can get wrong: quotes, backslashes, control characters, a
  // character outside the BMP, and now and then a byte that is not UTF-8.
  std::string text() {
    static const std::vector<std::string> pieces = {"chat",     " ",
                                                    "\"",       "\\",
                                                    "\n",       std::string(1, '\x01'),
                                                    "\x7f",     "é",
                                                    "日本",     "\xf0\x9f\x98\x80",
                                                    "\xff",     "\xc3",
                                                    "model-4o", ""};
    std::string out;
    for (std::size_t i = pick(6); i > 0; --i) {
      out += pieces[pick(pieces.size())];
    }
    return out;
  }

  AttributeValue value() {
    static const std::vector<std::int64_t> integers = {0,
                                                       1,
                                                       -1,
                                                       127,
                                                       128,
                                                       300,
                                                       std::numeric_limits<std::int64_t>::min(),
                                                       std::numeric_limits<std::int64_t>::max()};
    static const std::vector<double> doubles = {0.0,
                                                -0.0,
                                                0.5,
                                                -2.75e300,
                                                5e-324,
                                                1e-7,
                                                std::numeric_limits<double>::infinity(),
                                                -std::numeric_limits<double>::infinity(),
                                                std::numeric_limits<double>::quiet_NaN()};
    switch (pick(5)) {
      case 0:
        return text();
      case 1:
        return integers[pick(integers.size())];
      case 2:
        return doubles[pick(doubles.size())];
      case 3:
        return pick(2) == 0;
      default: {
        std::vector<std::string> texts;
        for (std::size_t i = pick(4); i > 0; --i) {
          texts.push_back(text());
        }
        return texts;
      }
    }
  }

  std::mt19937 m_random;
};

TEST(OtlpEncodingTest, TheBinaryRequestIsTheJsonRequestWrittenInProtobuf) {
  testing::TempDir dir;
  const Attributes resource = {{"service.name", std::string("promptctl")},
                               {"deployment.environment", std::string("ci \"x\"")}};
  for (unsigned seed = 1; seed <= 3; ++seed) {
    SpanMaker maker(seed);
    std::vector<Span> spans;
    for (int i = 0; i < 150; ++i) {
      spans.push_back(maker.span());
    }
    std::string name = "batch-" + std::to_string(seed);
    dir.write(name + ".json", otlp_json(spans, resource, "1.2.3"));
    dir.write(name + ".pb", otlp_protobuf(spans, resource, "1.2.3"));
    testing::ProcessResult checked = testing::run_process(
        "/usr/bin/python3",
        {(fs::path(PROMPTCTL_SOURCE_DIR) / "tests/conformance/check_otlp.py").string(), "--same",
         (fs::path(PROMPTCTL_CONFORMANCE_DIR) / "otlp").string(),
         (dir.path() / (name + ".json")).string(), (dir.path() / (name + ".pb")).string()},
        {dir.path(), {}, {}});
    EXPECT_EQ(checked.exit_code, 0) << "seed " << seed << ": " << checked.out << checked.err;
  }
}

TEST(OtlpEncodingTest, ACollectorsPartialSuccessIsRead) {
  // ExportTraceServiceResponse{partial_success: {rejected_spans: 300, error_message: "x"}}:
  // field 1 (length 6): field 1 = 300 (varint ac 02), field 2 = "x".
  EXPECT_EQ(otlp_protobuf_rejected_spans(std::string("\x0a\x06\x08\xac\x02\x12\x01x", 8)), 300);
  EXPECT_EQ(otlp_protobuf_rejected_spans(""), 0);  // all accepted
  EXPECT_EQ(otlp_protobuf_rejected_spans(std::string("\x0a\x00", 2)), 0);
  EXPECT_EQ(otlp_protobuf_rejected_spans("\x0a\x09\x08"), 0);             // cut short
  EXPECT_EQ(otlp_protobuf_rejected_spans("{\"partialSuccess\":{}}"), 0);  // not protobuf
}

}  // namespace
}  // namespace promptctl::telemetry

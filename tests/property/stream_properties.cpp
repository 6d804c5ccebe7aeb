// Streamed answers: however the network splits the bytes, the same events and the same text
// come out.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "exec/wire.hpp"

using namespace promptctl;

namespace {

using Event = std::pair<std::string, std::string>;

// Text without line breaks (a data line cannot hold one), possibly empty.
rc::Gen<std::string> line_text() {
  return rc::gen::container<std::string>(
      rc::gen::suchThat(rc::gen::character<char>(), [](char c) { return c != '\n' && c != '\r'; }));
}

// Printable ASCII, which any JSON library writes as is.
rc::Gen<std::string> word_text() {
  return rc::gen::container<std::string>(rc::gen::inRange<char>(' ', '~'));
}

rc::Gen<Event> event() {
  return rc::gen::pair(rc::gen::element<std::string>("message", "delta", "ping"), line_text());
}

std::string serialise(const std::vector<Event>& events) {
  std::string wire;
  for (const auto& [name, data] : events) {
    wire += "event: " + name + "\r\ndata: " + data + "\r\n\r\n";
  }
  return wire;
}

// `text` cut at the given offsets (taken modulo its length).
std::vector<std::string> split(const std::string& text, std::vector<size_t> cuts) {
  for (size_t& cut : cuts) {
    cut = text.empty() ? 0 : cut % text.size();
  }
  std::sort(cuts.begin(), cuts.end());
  std::vector<std::string> pieces;
  size_t start = 0;
  for (size_t cut : cuts) {
    pieces.push_back(text.substr(start, cut - start));
    start = cut;
  }
  pieces.push_back(text.substr(start));
  return pieces;
}

}  // namespace

RC_GTEST_PROP(SseParser, AnySplitGivesTheSameEvents, ()) {
  auto events = *rc::gen::container<std::vector<Event>>(event());
  auto cuts = *rc::gen::container<std::vector<size_t>>(rc::gen::arbitrary<size_t>());
  exec_detail::SseParser parser;
  std::vector<Event> seen;
  for (const std::string& piece : split(serialise(events), cuts)) {
    parser.feed(piece, [&](const std::string& name, const std::string& data) {
      seen.emplace_back(name, data);
    });
  }
  RC_ASSERT(seen == events);
}

RC_GTEST_PROP(OpenAiStream, AnySplitGivesTheWholeText, ()) {
  auto words = *rc::gen::container<std::vector<std::string>>(word_text());
  auto cuts = *rc::gen::container<std::vector<size_t>>(rc::gen::arbitrary<size_t>());
  std::string wire;
  std::string expected;
  for (const std::string& word : words) {
    wire +=
        "data: " +
        nlohmann::json{{"choices", {{{"delta", {{"content", word}}}, {"finish_reason", nullptr}}}}}
            .dump() +
        "\n\n";
    expected += word;
  }
  wire += "data: [DONE]\n\n";
  auto decoder = exec_detail::wire_format(ProviderType::openai).decoder({});
  std::string streamed;
  for (const std::string& piece : split(wire, cuts)) {
    decoder->feed(piece, [&](std::string_view text) { streamed += text; });
  }
  RC_ASSERT(streamed == expected);
  RC_ASSERT(decoder->finish().text == expected);
}

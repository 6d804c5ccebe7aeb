// Any answer body, whole or streamed in pieces, decodes into a response or a ResponseError, for
// every provider wire format, read as promptctl reads them (through `decoding`), for a request
// with and without an output schema. The first byte picks the format, the request and where the
// stream is split.
#include <cstdint>

#include "exec/wire.hpp"

using namespace promptctl;
using namespace promptctl::exec_detail;

namespace {

constexpr ProviderType k_types[] = {ProviderType::openai, ProviderType::azure_openai,
                                    ProviderType::anthropic, ProviderType::ollama};

// A plain request, and one whose answer comes as a tool's input (Anthropic's output schema).
const ChatRequest& request_for(bool with_schema) {
  static const ChatRequest plain;
  static const ChatRequest schema = [] {
    ChatRequest request;
    request.parameters.response_schema = {{"name", "answer"}, {"schema", {{"type", "object"}}}};
    return request;
  }();
  return with_schema ? schema : plain;
}

void decode_whole(const WireFormat& format, const ChatRequest& request, std::string_view body) {
  try {
    (void)decoding([&] { return format.parse(body, request); });
  } catch (const ResponseError&) {
  }
  (void)format.error_detail(body);
  try {
    (void)decoding([&] { return format.parse_embeddings(body, 2); });
  } catch (const ResponseError&) {
  }
}

void decode_stream(const WireFormat& format, const ChatRequest& request, std::string_view body,
                   size_t piece) {
  auto decoder = format.decoder(request);
  std::string text;
  try {
    for (size_t at = 0; at < body.size(); at += piece) {
      decoding([&] {
        decoder->feed(body.substr(at, piece), [&](std::string_view part) { text += part; });
      });
    }
    (void)decoding([&] { return decoder->finish(); });
  } catch (const ResponseError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const WireFormat& format = wire_format(k_types[data[0] % std::size(k_types)]);
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const ChatRequest& request = request_for(data[0] / std::size(k_types) / 16 % 2 == 1);
  decode_whole(format, request, body);
  decode_stream(format, request, body, 1 + data[0] / std::size(k_types) % 16);
  return 0;
}

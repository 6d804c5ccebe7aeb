// Unit tests of execution: hashing, the wire formats, model choice, the cache, credentials
// and the ledger.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "exec/credentials.hpp"
#include "exec/http_failure.hpp"
#include "exec/wire.hpp"
#include "ledger/sqlite.hpp"
#include "promptctl/cache.hpp"
#include "promptctl/execute.hpp"
#include "promptctl/ledger.hpp"
#include "promptctl/workspace.hpp"
#include "support/temp_dir.hpp"
#include "util/fs.hpp"
#include "util/json_writer.hpp"
#include "util/sha256.hpp"
#include "util/uuid.hpp"

namespace promptctl {
namespace {

using nlohmann::json;

TEST(Sha256, MatchesTheStandardTestVectors) {
  EXPECT_EQ(util::sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(util::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(util::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(util::sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

std::vector<std::pair<std::string, std::string>> parse_sse(const std::vector<std::string>& chunks) {
  exec_detail::SseParser parser;
  std::vector<std::pair<std::string, std::string>> events;
  for (const std::string& chunk : chunks) {
    parser.feed(chunk, [&](const std::string& event, const std::string& data) {
      events.emplace_back(event, data);
    });
  }
  return events;
}

// The wait a provider asks for, in every form it may take; a wait beyond any budget, however
// written, is read as a year rather than converted out of range.
TEST(RetryAfter, ReadsSecondsMillisecondsAndDatesAndBoundsTheWait) {
  auto asked = [](std::map<std::string, std::string> headers) {
    http::Response response;
    response.headers = std::move(headers);
    return exec_detail::retry_after_ms(response);
  };
  constexpr long k_year_ms = 365L * 86400 * 1000;
  EXPECT_EQ(asked({{"retry-after", "2"}}), 2000);
  EXPECT_EQ(asked({{"retry-after", "0.5"}}), 500);
  EXPECT_EQ(asked({{"retry-after-ms", "250"}, {"retry-after", "9"}}), 250);
  EXPECT_EQ(asked({{"retry-after", "Thu, 01 Jan 1970 00:00:00 GMT"}}), 0);  // past: at once
  EXPECT_EQ(asked({{"retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"}}), k_year_ms);
  EXPECT_EQ(asked({{"retry-after", "1e300"}}), k_year_ms);
  EXPECT_EQ(asked({{"retry-after", "inf"}}), k_year_ms);
  EXPECT_EQ(asked({{"retry-after-ms", "1e300"}}), k_year_ms);
  EXPECT_EQ(asked({{"retry-after", "nan"}}), std::nullopt);
  EXPECT_EQ(asked({{"retry-after", "-1"}}), std::nullopt);
  EXPECT_EQ(asked({{"retry-after", "soon"}}), std::nullopt);
  EXPECT_EQ(asked({}), std::nullopt);
}

TEST(SseParser, JoinsDataLinesAndSkipsComments) {
  auto events = parse_sse({": keep-alive\r\n", "event: delta\r\ndata: a\r\nda", "ta: b\r\n\r\n",
                           "data: {\"x\":1}\n\n", "data: unfinished"});
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0], (std::pair<std::string, std::string>{"delta", "a\nb"}));
  EXPECT_EQ(events[1], (std::pair<std::string, std::string>{"message", "{\"x\":1}"}));
}

TEST(OpenAiStream, CollectsTextFinishReasonAndUsage) {
  auto decoder = exec_detail::wire_format(ProviderType::openai).decoder({});
  std::string seen;
  auto sink = [&](std::string_view text) { seen += text; };
  decoder->feed(R"(data: {"choices":[{"delta":{"content":"Hel"},"finish_reason":null}]})"
                "\n\n",
                sink);
  decoder->feed(R"(data: {"choices":[{"delta":{"content":"lo"},"finish_reason":"stop"}]})"
                "\n\n"
                R"(data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}})"
                "\n\ndata: [DONE]\n\n",
                sink);
  ChatResponse response = decoder->finish();
  EXPECT_EQ(seen, "Hello");
  EXPECT_EQ(response.text, "Hello");
  EXPECT_EQ(response.finish_reason, "stop");
  EXPECT_EQ(response.input_tokens, 3);
  EXPECT_EQ(response.output_tokens, 2);
}

TEST(OpenAiStream, AStreamWithoutAnEndIsARetryableError) {
  auto decoder = exec_detail::wire_format(ProviderType::openai).decoder({});
  decoder->feed("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n",
                [](std::string_view) {});
  try {
    (void)decoder->finish();
    FAIL() << "a cut stream must not count as an answer";
  } catch (const exec_detail::ResponseError& e) {
    EXPECT_TRUE(e.retryable());
    EXPECT_STREQ(e.what(), "the stream ended before the response was complete");
  }
}

TEST(AnthropicFormat, JoinsTextBlocksAndRejectsAnswersWithoutText) {
  const auto& wire = exec_detail::wire_format(ProviderType::anthropic);
  ChatResponse response = wire.parse(
      R"({"content":[{"type":"text","text":"a"},
                     {"type":"tool_use","id":"t1","name":"look","input":{"q":1}},
                     {"type":"text","text":"b"}],
          "stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":1}})",
      {});
  ASSERT_EQ(response.tool_calls.size(), 1U);
  EXPECT_EQ(response.tool_calls[0], (ToolCall{"t1", "look", json{{"q", 1}}}));
  EXPECT_EQ(response.text, "ab");
  EXPECT_EQ(response.finish_reason, "end_turn");
  EXPECT_EQ(response.input_tokens, 5);
  EXPECT_THROW((void)wire.parse(R"({"content":[]})", {}), exec_detail::ResponseError);
  EXPECT_EQ(
      wire.error_detail(R"({"type":"error","error":{"type":"overloaded_error","message":"busy"}})"),
      "overloaded_error: busy");
}

// Found by the wire fuzzer: a flag sent as a string ended the command as an internal error.
TEST(WireFormats, AnAnswerOfTheWrongShapeIsAResponseError) {
  auto decoder = exec_detail::wire_format(ProviderType::ollama).decoder({});
  std::string line = R"({"message":{"content":"H"},"done":"stop"})"
                     "\n";
  try {
    exec_detail::decoding([&] { decoder->feed(line, [](std::string_view) {}); });
    ADD_FAILURE() << "no error";
  } catch (const exec_detail::ResponseError& e) {
    EXPECT_FALSE(e.retryable());
    EXPECT_NE(std::string(e.what()).find("the answer has an unexpected shape"), std::string::npos)
        << e.what();
  }
  const auto& openai = exec_detail::wire_format(ProviderType::openai);
  EXPECT_THROW((void)exec_detail::decoding(
                   [&] { return openai.parse(R"({"choices":[{"message":{"content":7}}]})", {}); }),
               exec_detail::ResponseError);
}

TEST(OllamaStream, ReadsJsonLinesSplitAnywhere) {
  auto decoder = exec_detail::wire_format(ProviderType::ollama).decoder({});
  std::string text =
      R"({"message":{"content":"Hi"},"done":false})"
      "\n"
      R"({"message":{"content":""},"done":true,"done_reason":"stop","prompt_eval_count":4,"eval_count":1})"
      "\n";
  for (char c : text) {
    decoder->feed(std::string(1, c), [](std::string_view) {});
  }
  ChatResponse response = decoder->finish();
  EXPECT_EQ(response.text, "Hi");
  EXPECT_EQ(response.input_tokens, 4);
  EXPECT_EQ(response.finish_reason, "stop");
}

TEST(ProviderKinds, TheTableMakesTheBuiltInProvidersAndTheirAddresses) {
  EXPECT_EQ(builtin_provider_names(),
            (std::vector<std::string>{"openai", "anthropic", "azure-openai", "ollama", "echo"}));
  for (const std::string& name : provider_type_names()) {
    std::optional<ProviderType> type = parse_provider_type(name);
    ASSERT_TRUE(type);
    EXPECT_EQ(to_string(*type), name);
  }
  auto providers = builtin_providers();
  EXPECT_EQ(providers.size(), 5U);
  EXPECT_EQ(providers.at("anthropic").api_version, "2023-06-01");
  EXPECT_EQ(providers.at("azure-openai").key_variable, "AZURE_OPENAI_API_KEY");
  EXPECT_TRUE(providers.at("echo").kind().answers_offline());
  EXPECT_FALSE(default_provider_settings("local", ProviderType::openai_compatible).key_required);
  // OLLAMA_HOST may be a bare host:port; the other address variables are whole URLs.
  ::setenv("OLLAMA_HOST", "127.0.0.1:9/", 1);
  EXPECT_EQ(providers.at("ollama").effective_base_url(), "http://127.0.0.1:9");
  ::unsetenv("OLLAMA_HOST");
  EXPECT_EQ(providers.at("ollama").effective_base_url(), "http://127.0.0.1:11434");
  EXPECT_EQ(providers.at("echo").price_of("anything")->input, 0);
  EXPECT_FALSE(default_provider_settings("local", ProviderType::openai_compatible)
                   .price_of("gpt-4o")
                   .has_value());
  EXPECT_DOUBLE_EQ(providers.at("openai").price_of("gpt-4o")->output, 10.0);
}

TEST(PlanRequests, ChoosesTheProviderAndTheFallbacks) {
  auto providers = builtin_providers();
  std::vector<ChatMessage> messages{{"user", "hi"}};
  EXPECT_EQ(plan_requests(messages, {}, providers).front().provider, "echo");
  ModelSettings by_name;
  by_name.name = "claude-3-5-haiku-latest";
  EXPECT_EQ(plan_requests(messages, by_name, providers).front().provider, "anthropic");
  ModelSettings chain;
  chain.provider = "openai";
  chain.name = "gpt-4o-mini";
  chain.temperature = 0.0;
  chain.fallback = {"anthropic/claude-3-5-haiku-latest", "gpt-4o"};
  std::vector<ChatRequest> planned = plan_requests(messages, chain, providers);
  ASSERT_EQ(planned.size(), 3U);
  EXPECT_EQ(planned[1].provider, "anthropic");
  EXPECT_EQ(planned[1].model, "claude-3-5-haiku-latest");
  EXPECT_EQ(planned[2].provider, "openai");  // a bare fallback stays on the first's provider
  EXPECT_EQ(planned[2].parameters.temperature, 0.0);
  ModelSettings unknown;
  unknown.provider = "opneai";
  unknown.name = "x";
  try {
    (void)plan_requests(messages, unknown, providers);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "unknown provider 'opneai' (did you mean 'openai'?)");
  }
  ModelSettings nameless;
  nameless.name = "mistral-large";
  EXPECT_THROW((void)plan_requests(messages, nameless, providers), Error);
}

TEST(ChatRequest, HashCoversEverythingThatDecidesTheAnswer) {
  ChatRequest request;
  request.provider = "openai";
  request.model = "gpt-4o-mini";
  request.messages = {{"user", "hi"}};
  request.parameters.temperature = 0.0;
  ChatRequest same = ChatRequest::from_json(request.to_json());
  EXPECT_EQ(same.hash(), request.hash());
  ChatRequest other = request;
  other.parameters.seed = 1;
  EXPECT_NE(other.hash(), request.hash());
  other = request;
  other.messages[0].role = "system";
  EXPECT_NE(other.hash(), request.hash());
  EXPECT_THROW((void)ChatRequest::from_json(json::parse(R"({"provider":"x"})")), Error);
}

TEST(CacheMode, AutomaticCachesOnlyTemperatureZero) {
  ModelSettings cold;
  cold.temperature = 0.0;
  ModelSettings warm;
  warm.temperature = 0.7;
  EXPECT_TRUE(cache_reads(CacheMode::automatic, cold));
  EXPECT_FALSE(cache_reads(CacheMode::automatic, warm));
  EXPECT_FALSE(cache_reads(CacheMode::automatic, ModelSettings{}));
  EXPECT_TRUE(cache_reads(CacheMode::replay, warm));
  EXPECT_FALSE(cache_writes(CacheMode::replay, cold));
  EXPECT_FALSE(cache_reads(CacheMode::refresh, cold));
  EXPECT_TRUE(cache_writes(CacheMode::refresh, warm));
  EXPECT_EQ(parse_cache_mode("sometimes"), std::nullopt);
}

TEST(ResponseCache, StoresAndFindsAnswersAndIgnoresDamagedEntries) {
  testing::TempDir dir;
  ResponseCache cache(dir.path() / "cache");
  std::string key = util::sha256_hex("request");
  EXPECT_FALSE(cache.find(key));
  ChatResponse answer{"answer", {{"c1", "f", json{{"x", 1}}}}, "stop", 3, 1, "", ""};
  cache.store(key, answer);
  std::optional<ChatResponse> found = cache.find(key);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->text, "answer");
  EXPECT_EQ(found->tool_calls, answer.tool_calls);
  EXPECT_EQ(found->output_tokens, 1);
  EXPECT_EQ(cache.usage().entries, 1U);
  dir.write("cache/" + key.substr(0, 2) + "/" + key.substr(2) + ".json", "{broken");
  EXPECT_FALSE(cache.find(key));
  EXPECT_EQ(cache.clear(std::nullopt), 1U);
  EXPECT_EQ(cache.usage().entries, 0U);
}

TEST(Credentials, ReadKeysFromTheEnvironmentAndRedactThem) {
  ProviderSettings settings = builtin_providers().at("openai");
  settings.key_variable = "PROMPTCTL_UNIT_TEST_KEY";
  ::unsetenv("PROMPTCTL_UNIT_TEST_KEY");
  try {
    (void)exec_detail::credentials_for(settings);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "provider 'openai' needs an API key: set PROMPTCTL_UNIT_TEST_KEY");
  }
  ::setenv("PROMPTCTL_UNIT_TEST_KEY", "sk-abcdef123", 1);
  exec_detail::Credentials credentials = exec_detail::credentials_for(settings);
  EXPECT_EQ(credentials.key, "sk-abcdef123");
  EXPECT_EQ(exec_detail::redact("bad key sk-abcdef123!", credentials.secrets),
            "bad key [redacted]!");
  ::unsetenv("PROMPTCTL_UNIT_TEST_KEY");
}

TEST(Credentials, KeyFilesMustBePrivate) {
  testing::TempDir dir;
  dir.write("key", "sk-file-key\n");
  std::string path = (dir.path() / "key").string();
  ::chmod(path.c_str(), 0644);
  ProviderSettings settings = builtin_providers().at("anthropic");
  settings.key_file = path;
  try {
    (void)exec_detail::credentials_for(settings);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(),
              "the key file '" + path + "' of provider 'anthropic' can be read by other users");
    EXPECT_EQ(e.hint(), "chmod 600 '" + path + "'");
  }
  ::chmod(path.c_str(), 0600);
  EXPECT_EQ(exec_detail::credentials_for(settings).key, "sk-file-key");
}

TEST(ProviderSettings, AreReadWithLocations) {
  std::vector<Diagnostic> diagnostics;
  RepoSettings settings = parse_settings(
      "providers:\n"
      "  local: {type: openai-compatible, base_url: 'http://h/v1', max_retries: 1,\n"
      "          prices: {m: {input: 1.5, output: 2}}}\n"
      "  openai: {timeout_ms: 0}\n"
      "  mystery: {base_url: x}\n",
      "promptctl.yaml", diagnostics);
  ASSERT_EQ(diagnostics.size(), 2U);
  EXPECT_EQ(diagnostics[0].to_string(),
            "promptctl.yaml:4:24: error: 'providers.openai.timeout_ms' must be positive");
  EXPECT_EQ(diagnostics[1].to_string(),
            "promptctl.yaml:5:12: error: provider 'mystery' needs a 'type' (one of openai, "
            "anthropic, azure-openai, ollama, openai-compatible, echo)");
  const ProviderSettings& local = settings.providers.at("local");
  EXPECT_EQ(local.type, ProviderType::openai_compatible);
  EXPECT_EQ(local.max_retries, 1);
  EXPECT_FALSE(local.key_required);
  EXPECT_EQ(local.price_of("m")->output, 2.0);
  EXPECT_EQ(settings.providers.at("openai").price_of("gpt-4o-mini")->input, 0.15);
}

TEST(Ledger, PercentilesAreNearestRank) {
  std::vector<double> values = {10, 1, 9, 2, 8, 3, 7, 4, 6, 5};
  EXPECT_EQ(percentile(values, 50), 5);
  EXPECT_EQ(percentile(values, 95), 10);
  EXPECT_EQ(percentile(values, 10), 1);
  std::vector<double> none;
  EXPECT_EQ(percentile(none, 50), 0);
}

// A ledger written before runs had a `dirty` column gains it, with its old runs clean.
TEST(Ledger, ALedgerOfTheFirstSchemaIsMigrated) {
  testing::TempDir dir;
  std::filesystem::path file = dir.path() / "ledger.db";
  RunRecord run;
  run.prompt = "a";
  run.dirty = true;
  {
    Ledger ledger = Ledger::open(file);
    EXPECT_EQ(ledger.record(run), 1);
  }
  {
    ledger_detail::Database db(file.string(), 1000);
    db.execute("ALTER TABLE runs DROP COLUMN dirty");
    db.execute("ALTER TABLE runs DROP COLUMN store");
    db.execute("ALTER TABLE runs DROP COLUMN output_sha256");
    db.execute("ALTER TABLE runs DROP COLUMN tool_calls");
    db.execute("DROP INDEX runs_by_uid");
    db.execute("ALTER TABLE runs DROP COLUMN uid");
    db.execute("PRAGMA user_version = 1");
  }
  Ledger migrated = Ledger::open(file);
  EXPECT_FALSE(migrated.find(1)->dirty);
  EXPECT_TRUE(util::is_uuid_v7(migrated.find(1)->uid)) << migrated.find(1)->uid;
  EXPECT_EQ(migrated.find(1)->tool_calls, json::array());
  EXPECT_EQ(migrated.find(1)->store, LedgerStore::full);
  run.store = LedgerStore::hashes;
  EXPECT_EQ(migrated.record(run), 2);
  EXPECT_TRUE(migrated.find(2)->dirty);
  EXPECT_EQ(migrated.find(2)->store, LedgerStore::hashes);
  run.store = LedgerStore::full;
  run.tool_calls = json::parse(R"([{"id": "", "name": "f", "arguments": {"a": 1}}])");
  EXPECT_EQ(migrated.find(migrated.record(run))->tool_calls, run.tool_calls);
}

RunRecord run_with_a_secret(LedgerStore store) {
  RunRecord run;
  run.store = store;
  run.variables = {{"card", "4111 1111"}, {"tone", "warm"}, {"count", 3}};
  run.request = {
      {"provider", "echo"},
      {"messages", json::array({{{"role", "user"}, {"content", "Card 4111 1111, warm"}}})}};
  run.output = "Your card 4111 1111 is warm";
  run.tool_calls = json::parse(
      R"([{"id": "c1", "name": "charge", "arguments": {"card": "4111 1111", "cents": 5}}])");
  run.error = "rejected 4111 1111";
  return run;
}

TEST(Ledger, EachStoreModeKeepsWhatItSays) {
  RunRecord full = run_with_a_secret(LedgerStore::full).stored_form();
  EXPECT_EQ(full.to_json(), run_with_a_secret(LedgerStore::full).to_json());

  RunRecord redacted = run_with_a_secret(LedgerStore::redacted).stored_form();
  EXPECT_EQ(redacted.variables,
            json::parse(R"({"card":"[redacted:card]","tone":"[redacted:tone]","count":3})"));
  EXPECT_EQ(redacted.request["messages"][0]["content"], "Card [redacted:card], [redacted:tone]");
  EXPECT_EQ(redacted.output, "Your card [redacted:card] is [redacted:tone]");
  EXPECT_EQ(redacted.error, "rejected [redacted:card]");
  EXPECT_EQ(redacted.tool_calls[0]["arguments"],
            json::parse(R"({"card": "[redacted:card]", "cents": 5})"));
  EXPECT_EQ(redacted.tool_calls[0]["name"], "charge");
  EXPECT_EQ(redacted.request["provider"], "echo");
  EXPECT_TRUE(redacted.output_sha256.empty());

  RunRecord hashed = run_with_a_secret(LedgerStore::hashes).stored_form();
  // Digests a user can check with sha256sum: of a string's bytes, else of its JSON.
  EXPECT_EQ(hashed.variables["card"], "sha256:" + util::sha256_hex("4111 1111"));
  EXPECT_EQ(hashed.variables["count"], "sha256:" + util::sha256_hex("3"));
  EXPECT_EQ(hashed.request["messages"][0]["content"],
            "sha256:" + util::sha256_hex("Card 4111 1111, warm"));
  EXPECT_EQ(hashed.request["messages"][0]["role"], "user");
  EXPECT_EQ(hashed.output, "");
  EXPECT_EQ(hashed.output_sha256, util::sha256_hex("Your card 4111 1111 is warm"));
  EXPECT_EQ(hashed.to_json()["output"], nullptr);
  EXPECT_EQ(hashed.tool_calls[0]["arguments"],
            "sha256:" + util::sha256_hex(R"({"card":"4111 1111","cents":5})"));
  EXPECT_EQ(hashed.error, "rejected [redacted:card]");
}

TEST(Ledger, ARunJustMadeIsStoredAsItsStoreModeSaysNotAsItsRequestWasWritten) {
  // A run just made carries its request's text too, which the ledger stores as it is under
  // `full`; a stricter mode changes the request, and what is stored must be that.
  testing::TempDir dir;
  Ledger ledger = Ledger::open(dir.path() / "ledger.db");
  for (LedgerStore store : {LedgerStore::full, LedgerStore::redacted, LedgerStore::hashes}) {
    RunRecord run = run_with_a_secret(store);
    run.request_text.text = util::json_compact(run.request);
    std::optional<RunRecord> stored = ledger.find(ledger.record(run));
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->request, run.stored_form().request) << to_string(store);
    EXPECT_EQ(stored->request.dump().find("4111") == std::string::npos, store != LedgerStore::full)
        << to_string(store);
  }
}

TEST(Ledger, StoreModesParseAndOrder) {
  EXPECT_EQ(parse_ledger_store("redacted"), LedgerStore::redacted);
  EXPECT_FALSE(parse_ledger_store("none"));
  EXPECT_EQ(stricter(LedgerStore::full, LedgerStore::hashes), LedgerStore::hashes);
  EXPECT_EQ(stricter(LedgerStore::redacted, LedgerStore::full), LedgerStore::redacted);
  for (LedgerStore store : {LedgerStore::full, LedgerStore::redacted, LedgerStore::hashes}) {
    EXPECT_EQ(parse_ledger_store(to_string(store)), store);
  }
}

TEST(Ledger, FeedbackIsReturnedAsRecorded) {
  testing::TempDir dir;
  Ledger ledger = Ledger::open(dir.path() / "ledger.db");
  RunRecord run;
  run.prompt = "a";
  std::int64_t id = ledger.record(run);
  Feedback first = ledger.add_feedback(id, 0.5, "fine", "Ann <ann@example.com>");
  Feedback second = ledger.add_feedback(id, 1, "", "");
  EXPECT_EQ(ledger.feedback_for(id), (std::vector<Feedback>{first, second}));
  EXPECT_EQ(first.run_id, id);
  EXPECT_NE(first.id, second.id);
  EXPECT_GT(first.created_ms, 0);
  EXPECT_THROW(ledger.add_feedback(id + 1, 1, "", ""), Error);
}

TEST(Ledger, RecordsRoundTripAndTheSchemaIsVersioned) {
  testing::TempDir dir;
  std::filesystem::path file = dir.path() / "state" / "ledger.db";
  RunRecord run;
  run.prompt = "a";
  run.request = json{{"x", 1}};
  run.variables = json{{"who", "me"}};
  run.input_tokens = 3;
  run.cost = 0.5;
  run.status = "error";
  run.error = "boom";
  {
    Ledger ledger = Ledger::open(file);
    EXPECT_EQ(ledger.record(run), 1);
  }
  Ledger reopened = Ledger::open(file);  // migrating again changes nothing
  std::optional<RunRecord> found = reopened.find(1);
  ASSERT_TRUE(found);
  EXPECT_TRUE(util::is_uuid_v7(found->uid)) << "a run recorded without one is given one";
  EXPECT_EQ(found->to_json(), [&] {
    RunRecord expected = run;
    expected.id = 1;
    expected.uid = found->uid;
    return expected.to_json();
  }());
  run.uid = util::uuid_v7(0);
  EXPECT_EQ(reopened.find(reopened.record(run))->uid, run.uid) << "one given is kept";
  EXPECT_FALSE(reopened.find(3));
  {
    ledger_detail::Database db(file.string(), 1000);
    db.execute("PRAGMA user_version = 99");
  }
  try {
    (void)Ledger::open(file);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "the ledger '" + file.string() +
                               "' has schema version 99, newer than this promptctl reads (5)");
  }
}

TEST(Ledger, NewestRunIdsComeNewestFirstAndStopAtTheLimit) {
  testing::TempDir dir;
  Ledger ledger = Ledger::open(dir.path() / "ledger.db");
  EXPECT_TRUE(ledger.newest_run_ids(3).empty());
  RunRecord run;
  run.prompt = "a";
  for (int i = 0; i < 5; ++i) {
    ledger.record(run);
  }
  EXPECT_EQ(ledger.newest_run_ids(3), (std::vector<std::int64_t>{5, 4, 3}));
  EXPECT_EQ(ledger.newest_run_ids(10).size(), 5U);
}

// Cache hits and runs that sent nothing say nothing about a provider's latency.
TEST(Ledger, LatenciesCountOnlyCallsThatReachedAProvider) {
  testing::TempDir dir;
  Ledger ledger = Ledger::open(dir.path() / "ledger.db");
  RunRecord call;
  call.prompt = "p";
  call.attempts = 1;
  call.latency_ms = 400;
  for (int i = 0; i < 3; ++i) {
    ledger.record(call);
  }
  RunRecord hit = call;
  hit.cached = true;
  hit.latency_ms = 0;
  RunRecord miss = hit;
  miss.cached = false;
  miss.attempts = 0;
  miss.status = "error";
  for (int i = 0; i < 20; ++i) {
    ledger.record(hit);
  }
  ledger.record(miss);
  std::vector<RunStats> stats = ledger.stats(RunFilter{}, StatsGrouping::prompt);
  ASSERT_EQ(stats.size(), 1U);
  EXPECT_EQ(stats[0].count, 24);
  EXPECT_EQ(stats[0].cached, 20);
  EXPECT_DOUBLE_EQ(stats[0].latency_p50_ms, 400);
  EXPECT_DOUBLE_EQ(stats[0].latency_p95_ms, 400);
}

// Retention is for data that must go: after a prune, no byte of the ledger's files holds what
// the removed runs said, and newer runs (including a rerun of a removed one) are untouched.
TEST(Ledger, PruneRemovesOldRunsFromEveryByteOfTheFiles) {
  testing::TempDir dir;
  std::filesystem::path file = dir.path() / "ledger.db";
  Ledger ledger = Ledger::open(file);
  RunRecord old_run;
  old_run.prompt = "p";
  old_run.started_ms = 1'000;
  old_run.output = "secret-answer-7f3a9c";
  std::int64_t old_id = ledger.record(old_run);
  ledger.add_feedback(old_id, 1, "good", "me");
  RunRecord rerun = old_run;
  rerun.started_ms = 5'000;
  rerun.output = "fresh";
  rerun.parent_id = old_id;
  std::int64_t rerun_id = ledger.record(rerun);

  PruneResult counted = ledger.prune(2'000, true);
  EXPECT_EQ(counted.runs, 1);
  EXPECT_EQ(counted.feedback, 1);
  EXPECT_TRUE(ledger.find(old_id)) << "a dry run removes nothing";

  PruneResult removed = ledger.prune(2'000, false);
  EXPECT_EQ(removed.runs, 1);
  EXPECT_FALSE(ledger.find(old_id));
  std::optional<RunRecord> kept = ledger.find(rerun_id);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->output, "fresh");
  EXPECT_FALSE(kept->parent_id);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(util::read_file(entry.path(), 1 << 24).find("secret-answer-7f3a9c"),
              std::string::npos)
        << entry.path();
  }
  EXPECT_EQ(ledger.prune(2'000, false).runs, 0);
}

}  // namespace
}  // namespace promptctl

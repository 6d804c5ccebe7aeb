// `promptctl serve` end to end: the built binary serving a temporary repository over loopback,
// asked with a plain socket client. Renders are compared byte for byte with `render --json`,
// answers are checked against the OpenAPI description shipped in docs/.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "e2e/e2e.hpp"
#include "support/http_client.hpp"
#include "support/provider_server.hpp"
#include "util/fs.hpp"
#include "util/json_schema.hpp"
#include "util/strings.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const char* const k_token = "s3cret-token-for-tests-0123";

class ServeTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    write("promptctl.yaml",
          "version: 1\ndefaults:\n  model: {provider: echo, name: echo}\n"
          "environments:\n  dev: {auto_approve: true}\n");
    write("prompts/letter.yaml",
          "description: A letter with a list\ntags: [mail]\ncategory: support\n"
          "variables:\n  name: {type: string}\n  items: {type: array}\n"
          "  tone: {type: string, enum: [warm, formal]}\n"
          "template: \"Dear {{name}},\\n{{#items}}- {{.}}\\n{{/items}}Tone: {{tone}}.\\n"
          "{{> shared/signature}}\"\n");
    write("prompts/shared/signature.yaml",
          "description: Signature\ntemplate: \"Kind regards,\\nThe team\\n\"\n");
    commit("letters");
  }

  void commit(const std::string& message) const {
    git(root(), {"add", "-A"});
    git(root(), {"commit", "-qm", message});
  }

  [[nodiscard]] std::string head() const {
    std::string id = git(root(), {"rev-parse", "HEAD"});
    return id.substr(0, 40);
  }

  // Starts `serve` with `args` on a free port and waits until it listens.
  std::unique_ptr<BackgroundProcess> serve(std::vector<std::string> args,
                                           const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), {"serve", "--port", "0"});
    ProcessOptions options;
    options.cwd = root();
    options.env = env;
    auto server = std::make_unique<BackgroundProcess>(args, options);
    EXPECT_TRUE(server->wait_for_err(" on http://", 20s)) << server->err();
    std::smatch found;
    std::string err = server->err();
    if (std::regex_search(err, found, std::regex(R"(on http://127\.0\.0\.1:(\d+))"))) {
      m_port = std::stoi(found[1]);
    }
    return server;
  }

  HttpResponse get(const std::string& target,
                   const std::map<std::string, std::string>& headers = {}) const {
    return http_request(m_port, "GET", target, {}, headers);
  }
  HttpResponse post(const std::string& target, const std::string& body,
                    const std::map<std::string, std::string>& headers = {}) const {
    return http_request(m_port, "POST", target, body, headers);
  }

  // Points the default model at `provider` (prompt broken/ gets its failures), commits, and
  // gives the environment a server needs to call it.
  std::map<std::string, std::string> use_provider(const ProviderServer& provider) {
    write("promptctl.yaml",
          "version: 1\ndefaults:\n  model: {provider: local, name: gpt-test}\n"
          "providers:\n  local: {type: openai-compatible, base_url: '" +
              provider.url() + "/v1', key_env: LOCAL_KEY}\n");
    write("prompts/broken.yaml", "model: {provider: local, name: gpt-test~500}\ntemplate: x\n");
    commit("a provider");
    return {{"LOCAL_KEY", "sk-test-serve-0123456789"},
            {"PROMPTCTL_TRUSTED_ENDPOINTS", provider.url()}};
  }

  // Fails the test unless `body` is JSON matching the description's schema `name`.
  static void expect_schema(const std::string& name, const std::string& body) {
    static const json description =
        json::parse(util::read_file(std::string(PROMPTCTL_SOURCE_DIR) + "/docs/openapi.json"));
    json schema = description;
    schema["$ref"] = "#/components/schemas/" + name;
    json value = json::parse(body, nullptr, false);
    ASSERT_FALSE(value.is_discarded()) << body;
    std::vector<util::SchemaViolation> violations = util::check_json_schema(schema, value);
    EXPECT_TRUE(violations.empty()) << name << ": " << util::describe_violations(violations) << "\n"
                                    << body;
  }

  int m_port = 0;
};

const std::string k_letter_variables =
    R"({"name": "Ada", "items": ["tea", "cake"], "tone": "warm"})";

TEST_F(ServeTest, RendersExactlyWhatRenderPrints) {
  auto server = serve({});
  HttpResponse served =
      post("/v1/prompts/letter/render", "{\"variables\": " + k_letter_variables + "}");
  ASSERT_EQ(served.status, 200) << served.error << served.body;
  write("vars.json", k_letter_variables);
  ProcessResult printed = run({"render", "letter@HEAD", "--var-file", "vars.json", "--json"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_EQ(served.body, printed.out);
  EXPECT_EQ(served.header("x-promptctl-commit"), head());
  EXPECT_EQ(served.header("content-type"), "application/json");
  expect_schema("Rendered", served.body);
  EXPECT_NE(served.body.find("Kind regards"), std::string::npos) << "the partial is rendered";
}

TEST_F(ServeTest, ListsAndShowsPromptsWithEntityTags) {
  auto server = serve({});
  HttpResponse listed = get("/v1/prompts");
  ASSERT_EQ(listed.status, 200) << listed.error;
  expect_schema("PromptList", listed.body);
  json list = json::parse(listed.body);
  EXPECT_EQ(list["total"], 2);
  EXPECT_EQ(list["prompts"][0]["name"], "letter");
  EXPECT_EQ(list["prompts"][1]["name"], "shared/signature");
  EXPECT_EQ(list["commit"], head());
  json tagged = json::parse(get("/v1/prompts?tag=mail&category=support").body);
  ASSERT_EQ(tagged["prompts"].size(), 1u);
  json paged = json::parse(get("/v1/prompts?pattern=shared/&offset=0&limit=1").body);
  EXPECT_EQ(paged["total"], 1);
  EXPECT_EQ(paged["prompts"][0]["name"], "shared/signature");
  EXPECT_TRUE(json::parse(get("/v1/prompts?offset=5").body)["prompts"].empty());

  HttpResponse shown = get("/v1/prompts/shared/signature");
  ASSERT_EQ(shown.status, 200) << shown.error;
  expect_schema("Prompt", shown.body);
  ProcessResult printed = run({"show", "shared/signature@HEAD", "--json"});
  EXPECT_EQ(shown.body, printed.out);
  std::string etag = shown.header("etag");
  EXPECT_EQ(etag, "\"" + json::parse(shown.body)["content_hash"].get<std::string>() + "\"");
  HttpResponse unchanged = get("/v1/prompts/shared/signature", {{"If-None-Match", etag}});
  EXPECT_EQ(unchanged.status, 304);
  EXPECT_EQ(unchanged.body, "");
  EXPECT_EQ(get("/v1/prompts/shared/signature", {{"If-None-Match", "\"other\""}}).status, 200);
  bool same = get("/openapi.json").body ==
              util::read_file(std::string(PROMPTCTL_SOURCE_DIR) + "/docs/openapi.json");
  EXPECT_TRUE(same) << "/openapi.json is not docs/openapi.json";
}

TEST_F(ServeTest, ErrorsAreDocumentsWithTheirStatus) {
  auto server = serve({"--max-body", "200"});
  struct Case {
    std::string method;
    std::string target;
    std::string body;
    int status;
    std::string kind;
    std::string says;
  };
  std::vector<Case> cases = {
      {"POST", "/v1/prompts/letter/render", "{\"variables\": ", 400, "usage", "not JSON"},
      {"POST", "/v1/prompts/letter/render", "[1]", 400, "usage", "JSON object"},
      {"POST", "/v1/prompts/letter/render", "{\"vars\": {}}", 400, "usage", "unknown field 'vars'"},
      {"POST", "/v1/prompts/letter/render", std::string(300, ' '), 413, "usage", "larger than 200"},
      {"POST", "/v1/prompts/lettre/render", "{}", 404, "not_found", "did you mean"},
      {"GET", "/v1/nothing", "", 404, "not_found", "no route"},
      {"GET", "/v1/prompts?limit=ten", "", 400, "usage", "whole number"},
      {"GET", "/v1/prompts?colour=red", "", 400, "usage", "unknown parameter 'colour'"},
      {"DELETE", "/v1/prompts", "", 405, "usage", "GET only"},
      {"POST", "/v1/prompts/letter/render",
       R"({"variables": {"name": 3, "items": [], "tone": "cold", "extra": 1}})", 422,
       "invalid_input", "problems with the variables"},
  };
  for (const Case& c : cases) {
    HttpResponse answer = http_request(m_port, c.method, c.target, c.body);
    EXPECT_EQ(answer.status, c.status) << c.target << " " << c.body << answer.error;
    expect_schema("ErrorDocument", answer.body);
    json error = json::parse(answer.body, nullptr, false);
    if (error.is_object()) {
      EXPECT_EQ(error["error"]["kind"], c.kind) << answer.body;
      EXPECT_NE(answer.body.find(c.says), std::string::npos) << answer.body;
    }
  }
  json invalid = json::parse(post("/v1/prompts/letter/render",
                                  R"({"variables": {"name": 3, "items": [], "tone": "cold"}})")
                                 .body);
  EXPECT_EQ(invalid["error"]["problems"].size(), 2u) << invalid.dump(2);
  // A control character in a path comes back escaped, never raw.
  HttpResponse odd = get("/v1/prompts/a%1bb");
  EXPECT_EQ(odd.status, 404);
  EXPECT_EQ(odd.body.find('\x1b'), std::string::npos);
}

TEST_F(ServeTest, TokensGuardEveryRouteButHealth) {
  write("tokens", "# who may read\n" + std::string(k_token) + " read\n");
  auto server = serve({"--token-file", "tokens"});
  HttpResponse without = get("/v1/prompts");
  EXPECT_EQ(without.status, 401);
  EXPECT_EQ(without.header("www-authenticate"), "Bearer");
  expect_schema("ErrorDocument", without.body);
  EXPECT_EQ(get("/v1/prompts", {{"Authorization", "Bearer wrong-token-of-some-length"}}).status,
            401);
  EXPECT_EQ(get("/v1/prompts", {{"Authorization", std::string("Bearer ") + k_token}}).status, 200);
  EXPECT_EQ(get("/v1/prompts", {{"Authorization", std::string("bEARER ") + k_token}}).status, 200)
      << "the scheme's name is case-insensitive";
  EXPECT_EQ(get("/v1/prompts", {{"Authorization", std::string("Basic ") + k_token}}).status, 401);
  EXPECT_EQ(get("/openapi.json").status, 401);
  EXPECT_EQ(get("/healthz").status, 200);
  EXPECT_EQ(get("/readyz").status, 200);
  EXPECT_EQ(get("/metrics").status, 200);

  // A token too short to be safe stops the server before it listens, without showing it.
  write("weak", "short-one\n");
  ProcessResult refused = run({"serve", "--port", "0", "--token-file", "weak"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("weak:1:1"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("short-one"), std::string::npos) << refused.err;
}

TEST_F(ServeTest, AnswersBrowsersOnlyFromTheOriginsItNames) {
  const std::map<std::string, std::string> from_app = {{"Origin", "https://app.example"}};
  const std::map<std::string, std::string> preflight = {
      {"Origin", "https://app.example"},
      {"Access-Control-Request-Method", "POST"},
      {"Access-Control-Request-Headers", "authorization, content-type"}};
  {
    auto server = serve({});  // no origin named: no CORS at all
    HttpResponse plain = get("/v1/prompts", from_app);
    EXPECT_EQ(plain.status, 200);
    EXPECT_EQ(plain.header("access-control-allow-origin"), "");
    EXPECT_EQ(http_request(m_port, "OPTIONS", "/v1/prompts/letter/render", {}, preflight).status,
              405);
  }
  write("tokens", std::string(k_token) + " read\n");
  auto server = serve({"--cors-origin", "https://App.example/", "--token-file", "tokens"});
  // The preflight needs no token; the request it clears does.
  HttpResponse cleared =
      http_request(m_port, "OPTIONS", "/v1/prompts/letter/render", {}, preflight);
  EXPECT_EQ(cleared.status, 204);
  EXPECT_EQ(cleared.header("access-control-allow-origin"), "https://app.example");
  EXPECT_EQ(cleared.header("vary"), "Origin");
  EXPECT_NE(cleared.header("access-control-allow-headers").find("Authorization"),
            std::string::npos);
  EXPECT_EQ(cleared.header("access-control-allow-methods"), "GET, POST");
  std::map<std::string, std::string> authorized = from_app;
  authorized["Authorization"] = std::string("Bearer ") + k_token;
  HttpResponse listed = get("/v1/prompts", authorized);
  EXPECT_EQ(listed.status, 200);
  EXPECT_EQ(listed.header("access-control-allow-origin"), "https://app.example");
  EXPECT_NE(listed.header("access-control-expose-headers").find("ETag"), std::string::npos);
  EXPECT_EQ(get("/v1/prompts", from_app).header("access-control-allow-origin"),
            "https://app.example")
      << "a refusal is readable by the page too";
  // Another origin gets nothing that would let its page read the answer.
  std::map<std::string, std::string> other = authorized;
  other["Origin"] = "https://evil.example";
  EXPECT_EQ(get("/v1/prompts", other).header("access-control-allow-origin"), "");
  std::map<std::string, std::string> other_preflight = preflight;
  other_preflight["Origin"] = "https://evil.example";
  HttpResponse refused =
      http_request(m_port, "OPTIONS", "/v1/prompts/letter/render", {}, other_preflight);
  EXPECT_EQ(refused.header("access-control-allow-origin"), "");

  ProcessResult bad = run({"serve", "--port", "0", "--cors-origin", "https://app.example/path"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--cors-origin 'https://app.example/path' is not an origin"),
            std::string::npos)
      << bad.err;
}

TEST_F(ServeTest, MetricsPassPromtoolAndTheAccessLogIsJsonLines) {
  const std::string promtool = PROMPTCTL_PROMTOOL;
  ASSERT_TRUE(std::filesystem::exists(promtool)) << promtool << " is missing";
  auto server = serve({"--access-log", "access.jsonl"});
  post("/v1/prompts/letter/render", "{\"variables\": " + k_letter_variables + "}");
  get("/v1/prompts/missing");
  HttpResponse metrics = get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  ProcessResult checked = run_process(promtool, {"check", "metrics"}, {root(), metrics.body, {}});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err << metrics.body;
  EXPECT_NE(metrics.body.find("promptctl_http_requests_total{route=\"render\",status=\"200\"} 1"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("promptctl_served_prompts 2"), std::string::npos);
  std::vector<json> lines;
  std::string log = read("access.jsonl");
  for (std::string_view line : util::split(log, '\n')) {
    if (!line.empty()) {
      lines.push_back(json::parse(std::string(line)));
    }
  }
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0]["route"], "render");
  EXPECT_EQ(lines[0]["status"], 200);
  EXPECT_EQ(lines[1]["path"], "/v1/prompts/missing");
  EXPECT_EQ(lines[1]["status"], 404);
  EXPECT_EQ(lines[1]["commit"], head());
}

TEST_F(ServeTest, FollowsADeployUnderLoadWithoutAFailedRequest) {
  ASSERT_EQ(run({"deploy", "letter", "--env", "dev", "-m", "first"}).exit_code, 0);
  ASSERT_EQ(run({"deploy", "shared/signature", "--env", "dev", "-m", "first"}).exit_code, 0);
  write("prompts/undeployed.yaml", "template: Not pinned anywhere\n");
  commit("a prompt dev does not pin");
  auto server = serve({"--env", "dev", "--reload-interval", "50"});
  std::string first = head();
  json listed = json::parse(get("/v1/prompts").body);
  ASSERT_EQ(listed["total"], 2) << listed.dump(2);  // only what dev pins
  EXPECT_EQ(listed["environment"], "dev");

  std::atomic<bool> stop{false};
  std::atomic<int> failed{0};
  std::mutex seen_lock;
  std::map<std::string, std::set<bool>> closings;  // commit answered from -> new closing seen?
  std::string body = "{\"variables\": " + k_letter_variables + "}";
  std::vector<std::thread> load;
  for (int i = 0; i < 4; ++i) {
    load.emplace_back([&] {
      while (!stop) {
        HttpResponse answer = post("/v1/prompts/letter/render", body);
        if (answer.status != 200) {
          ++failed;
          continue;
        }
        std::lock_guard<std::mutex> guard(seen_lock);
        closings[answer.header("x-promptctl-commit")].insert(answer.body.find("Yours,") !=
                                                             std::string::npos);
      }
    });
  }
  std::this_thread::sleep_for(200ms);
  std::string letter = read("prompts/letter.yaml");
  letter.replace(letter.find("{{> shared/signature}}"), 22, "Yours,\\n");
  write("prompts/letter.yaml", letter);
  commit("a new closing");
  std::string edited = head();
  ProcessResult deployed = run({"deploy", "letter", "--env", "dev", "-m", "second"});
  ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
  std::string second = head();
  bool seen = false;
  for (int i = 0; i < 100 && !seen; ++i) {
    std::this_thread::sleep_for(50ms);
    seen = get("/healthz").header("x-promptctl-commit") == second;
  }
  std::this_thread::sleep_for(200ms);
  stop = true;
  for (std::thread& thread : load) {
    thread.join();
  }
  EXPECT_TRUE(seen) << server->err();
  EXPECT_EQ(failed, 0);
  // Every answer is one whole state: the pins of the commit it names, never a mix. The edit
  // alone moved HEAD but not the pin; the deploy moved the pin.
  ASSERT_TRUE(closings.count(first) && closings.count(second)) << server->err();
  for (const auto& [commit, kinds] : closings) {
    std::set<bool> expected = {commit == second};
    EXPECT_EQ(kinds, expected) << commit << " (first " << first << ", edited " << edited
                               << ", deployed " << second << ")";
  }
  HttpResponse after = post("/v1/prompts/letter/render", body);
  EXPECT_NE(after.body.find("Yours,"), std::string::npos) << after.body;
  // The signature's pin did not move: it is kept, not read again.
  EXPECT_NE(server->err().find("serving " + second.substr(0, 7) + ": 2 prompts (1 read, 1 kept)"),
            std::string::npos)
      << server->err();
}

TEST_F(ServeTest, AssignsAndRendersExperimentVariantsAsRenderDoes) {
  ASSERT_EQ(run({"release", "letter", "--bump", "minor"}).exit_code, 0);  // letter@1.0.0
  std::string letter = read("prompts/letter.yaml");
  letter.replace(letter.find("Tone:"), 5, "P.S. Tone:");
  write("prompts/letter.yaml", letter);
  write("promptctl.yaml", read("promptctl.yaml") +
                              "experiments:\n  closing:\n    prompt: letter\n    variants:\n"
                              "      - {name: control, weight: 50}\n"
                              "      - {name: released, version: 1.0.0, model: 'openai/gpt-test',"
                              " weight: 50}\n"
                              "    metrics: [success_rate]\n");
  commit("a postscript, and an experiment against the release");
  ASSERT_EQ(run({"experiment", "start", "closing"}).exit_code, 0);
  auto server = serve({"--allow-run"});
  write("vars.json", k_letter_variables);
  std::set<std::string> variants;
  std::string control_key;
  for (const std::string key : {"ann", "bo", "cy", "dee", "eve", "fay", "gus", "hal"}) {
    HttpResponse answer = get("/v1/experiments/closing/assignment?key=" + key);
    ASSERT_EQ(answer.status, 200) << answer.body;
    expect_schema("Assignment", answer.body);
    json assigned = json::parse(answer.body);
    ProcessResult printed = run({"render", "letter", "--experiment", "closing", "--key", key,
                                 "--var-file", "vars.json", "--json"});
    ASSERT_EQ(printed.exit_code, 0) << printed.err;
    json expected = json::parse(printed.out);
    EXPECT_EQ(assigned["experiment"], expected["experiment"]) << key;
    EXPECT_EQ(assigned["prompt"], "letter");
    std::string variant = assigned["experiment"]["variant"];
    variants.insert(variant);
    if (variant == "control") {
      control_key = key;
    }

    HttpResponse rendered = post("/v1/prompts/letter/render",
                                 "{\"variables\": " + k_letter_variables +
                                     ", \"experiment\": \"closing\", \"key\": \"" + key + "\"}");
    ASSERT_EQ(rendered.status, 200) << rendered.body;
    if (variant == "released") {
      // The same release, read from git by both: the same bytes.
      EXPECT_EQ(rendered.body, printed.out);
      EXPECT_EQ(rendered.body.find("P.S."), std::string::npos);
      EXPECT_NE(rendered.body.find("gpt-test"), std::string::npos);
    } else {
      // The command line renders the working tree (no revision), the server HEAD.
      json served = json::parse(rendered.body);
      EXPECT_EQ(served["messages"], expected["messages"]);
      EXPECT_EQ(served["model"], expected["model"]);
      EXPECT_EQ(served["experiment"], expected["experiment"]);
      EXPECT_EQ(served["revision"], "HEAD");
    }
  }
  EXPECT_EQ(variants.size(), 2u) << "eight keys fall on both sides of a 50/50 split";

  // A run of the control's variant (the offline echo model) is recorded as the experiment's.
  HttpResponse ran = post("/v1/prompts/letter/run",
                          "{\"variables\": " + k_letter_variables +
                              ", \"experiment\": \"closing\", \"key\": \"" + control_key + "\"}");
  ASSERT_EQ(ran.status, 200) << ran.body;
  json recorded = json::parse(run({"runs", "-n", "1", "--json"}).out)["runs"][0];
  EXPECT_EQ(recorded["run_id"], json::parse(ran.body)["run_id"]);
  EXPECT_EQ(recorded["experiment"], "closing");
  EXPECT_EQ(recorded["variant"], "control");
  EXPECT_EQ(recorded["commit"], head());
  EXPECT_EQ(get("/v1/experiments/closing/assignment").status, 400);
  EXPECT_EQ(get("/v1/experiments/nothing/assignment?key=a").status, 404);
  EXPECT_EQ(post("/v1/prompts/letter/render", R"({"experiment": "closing"})").status, 400);
  EXPECT_EQ(post("/v1/prompts/shared/signature/render", R"({"experiment": "closing", "key": "a"})")
                .status,
            400)
      << "the experiment is on another prompt";
}

TEST_F(ServeTest, KeepsServingWhenANewCommitDoesNotLoad) {
  auto server = serve({"--reload-interval", "50"});
  std::string good = head();
  write("promptctl.yaml", "version: 1\ndefaults: [not, a, mapping]\n");
  commit("broken settings");
  ASSERT_TRUE(server->wait_for_err("reload failed", 10s)) << server->err();
  EXPECT_EQ(get("/healthz").header("x-promptctl-commit"), good);
  EXPECT_EQ(post("/v1/prompts/letter/render", "{\"variables\": " + k_letter_variables + "}").status,
            200);
  git(root(), {"revert", "--no-edit", "HEAD"});
  std::string fixed = head();
  ASSERT_TRUE(server->wait_for_err("serving " + fixed.substr(0, 7), 10s)) << server->err();
}

// A server reads every prompt at each start: from the second on, compiled, from one file under
// the git directory; never a prompt other than the commit's, and apart from the working tree's.
TEST_F(ServeTest, StartsFromCompiledPromptsThatFollowTheCommit) {
  auto compiled = root() / ".git/promptctl/cache/compiled";
  auto entries = [&] {
    std::map<std::string, ino_t> found;
    if (std::filesystem::exists(compiled)) {
      for (const auto& entry : std::filesystem::directory_iterator(compiled)) {
        struct stat status {};
        EXPECT_EQ(::stat(entry.path().c_str(), &status), 0);
        found[entry.path().filename().string()] = status.st_ino;
      }
    }
    return found;
  };
  std::string body = "{\"variables\": " + k_letter_variables + "}";
  auto stop = [](std::unique_ptr<BackgroundProcess>& server) {
    server->signal(SIGTERM);
    EXPECT_EQ(server->wait(20s), 0) << server->err();
  };

  auto first = serve({});
  std::string rendered = post("/v1/prompts/letter/render", body).body;
  stop(first);
  auto kept = entries();
  EXPECT_EQ(kept.size(), 1U) << "one file for the letter and its partial";

  auto second = serve({});
  EXPECT_EQ(post("/v1/prompts/letter/render", body).body, rendered);
  stop(second);
  EXPECT_EQ(entries(), kept) << "read, not parsed and written again";

  // The working tree's edit is not served, and has an entry of its own once rendered.
  write("prompts/letter.yaml", "variables:\n  name: {type: string}\ntemplate: Hi {{name}}\n");
  ASSERT_EQ(run({"render", "letter", "--var", "name=Ada"}).out, "Hi Ada");
  auto third = serve({});
  EXPECT_EQ(post("/v1/prompts/letter/render", body).body, rendered);
  stop(third);
  EXPECT_EQ(entries().size(), 2U) << "the pack and the working tree's letter";

  commit("a shorter letter");
  auto fourth = serve({});
  HttpResponse served = post("/v1/prompts/letter/render", "{\"variables\": {\"name\": \"Ada\"}}");
  EXPECT_NE(served.body.find("Hi Ada"), std::string::npos) << served.body;
  write("vars.json", R"({"name": "Ada"})");
  EXPECT_EQ(served.body, run({"render", "letter@HEAD", "--var-file", "vars.json", "--json"}).out);
  stop(fourth);
  std::string pack = kept.begin()->first;
  EXPECT_NE(entries().at(pack), kept.at(pack)) << "written again, with the new letter";
}

TEST_F(ServeTest, SigtermAnswersTheRequestInFlightThenExitsZero) {
  auto server = serve({});
  std::string body = "{\"variables\": " + k_letter_variables + "}";
  std::string head_part =
      "POST /v1/prompts/letter/render HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10);
  HttpResponse slow;
  // The client sends half its body, the server is told to stop, then the rest arrives.
  std::thread client([&] { slow = http_raw(m_port, head_part, body.substr(10), 600); });
  std::this_thread::sleep_for(200ms);
  server->signal(SIGTERM);
  client.join();
  EXPECT_EQ(slow.status, 200) << slow.error;
  EXPECT_NE(slow.body.find("Dear Ada"), std::string::npos) << slow.body;
  EXPECT_EQ(slow.header("connection"), "close");
  EXPECT_EQ(server->wait(20s), 0) << server->err();
  EXPECT_NE(get("/healthz").error, "") << "no longer listening";
}

// Runs through the server: off unless allowed, refused to a token that may only read, made
// concurrently against a real provider over loopback, each recorded with its lineage, and
// feedback on them recorded in the same ledger.
TEST_F(ServeTest, RunsPromptsConcurrentlyAndRecordsEachInTheLedger) {
  ProviderServer provider({"", 200});
  std::map<std::string, std::string> env = use_provider(provider);
  write("prompts/slow.yaml", "model: {provider: local, name: gpt-test~slow=1500}\ntemplate: x\n");
  commit("a slow prompt");
  std::string body = "{\"variables\": " + k_letter_variables + "}";
  {
    auto closed = serve({});
    HttpResponse off = post("/v1/prompts/letter/run", body);
    EXPECT_EQ(off.status, 403);
    EXPECT_NE(off.body.find("--allow-run"), std::string::npos) << off.body;
    EXPECT_EQ(post("/v1/runs/1/feedback", R"({"score": 1})").status, 403);
  }
  write("tokens", std::string(k_token) + " read\nrun-token-for-the-tests-4567 run\n");
  // One thread answers every request: a run waiting for its provider must not hold it.
  auto server =
      serve({"--allow-run", "--token-file", "tokens", "--max-runs", "8", "--threads", "1"}, env);
  std::map<std::string, std::string> reader = {{"Authorization", std::string("Bearer ") + k_token}};
  std::map<std::string, std::string> runner = {
      {"Authorization", "Bearer run-token-for-the-tests-4567"}};
  HttpResponse refused = post("/v1/prompts/letter/run", body, reader);
  EXPECT_EQ(refused.status, 403);
  expect_schema("ErrorDocument", refused.body);
  EXPECT_EQ(post("/v1/prompts/letter/render", body, reader).status, 200) << "it may still render";

  std::atomic<bool> slow_answered{false};
  std::thread slow_client([&] {
    EXPECT_EQ(post("/v1/prompts/slow/run", "{}", runner).status, 200);
    slow_answered = true;
  });
  while (provider.request_count() == 0) {  // the slow run's call is out
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(post("/v1/prompts/letter/render", body, reader).status, 200);
  EXPECT_FALSE(slow_answered.load()) << "the render waited for the run";
  slow_client.join();

  constexpr int k_runs = 16;
  std::vector<HttpResponse> answers(k_runs);
  std::vector<std::thread> clients;
  for (int i = 0; i < k_runs; ++i) {
    clients.emplace_back([&, i] {
      answers[static_cast<std::size_t>(i)] =
          post("/v1/prompts/letter/run",
               R"({"variables": {"name": "N)" + std::to_string(i) +
                   R"(", "items": [], "tone": "warm"}})",
               runner);
    });
  }
  for (std::thread& client : clients) {
    client.join();
  }
  std::set<std::int64_t> ids;
  for (int i = 0; i < k_runs; ++i) {
    const HttpResponse& answer = answers[static_cast<std::size_t>(i)];
    ASSERT_EQ(answer.status, 200) << answer.error << answer.body;
    expect_schema("Run", answer.body);
    json run = json::parse(answer.body);
    EXPECT_EQ(run["output"],
              "echo: Dear N" + std::to_string(i) + ",\nTone: warm.\nKind regards,\nThe team\n");
    EXPECT_EQ(run["commit"], head());
    EXPECT_EQ(answer.header("x-promptctl-commit"), head());
    ids.insert(run["run_id"].get<std::int64_t>());
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(k_runs)) << "one run each";
  json recorded = json::parse(run({"runs", "-n", "100", "--json"}).out)["runs"];
  ASSERT_EQ(recorded.size(), static_cast<std::size_t>(k_runs + 1));
  EXPECT_EQ(recorded[0]["content_hash"],
            json::parse(run({"show", "letter", "--json"}).out)["content_hash"]);
  EXPECT_EQ(provider.request_count(), static_cast<std::size_t>(k_runs + 1));

  // A provider that fails: 502, and the failed run is recorded.
  HttpResponse failed = post("/v1/prompts/broken/run", "{}", runner);
  EXPECT_EQ(failed.status, 502) << failed.body;
  expect_schema("RunErrorDocument", failed.body);
  EXPECT_EQ(json::parse(failed.body)["run"]["status"], "error");
  EXPECT_EQ(post("/v1/prompts/letter/run", R"({"variables": {"name": 5}})", runner).status, 422);
  EXPECT_EQ(post("/v1/prompts/nothing/run", "{}", runner).status, 404);

  std::string uid = recorded[0]["run_uid"];
  HttpResponse scored =
      post("/v1/runs/" + uid + "/feedback", R"({"score": 0.5, "comment": "ok"})", runner);
  ASSERT_EQ(scored.status, 200) << scored.body;
  expect_schema("Feedback", scored.body);
  EXPECT_EQ(json::parse(run({"runs", "show", uid, "--json"}).out)["feedback"][0]["comment"], "ok");
  EXPECT_EQ(post("/v1/runs/999/feedback", R"({"score": 1})", runner).status, 404);
  EXPECT_EQ(post("/v1/runs/1/feedback", R"({"score": "high"})", runner).status, 400);
  EXPECT_EQ(post("/v1/runs/1/feedback", R"({"score": 1})", reader).status, 403);
  // The runs' own figures, as `stats --format prometheus` writes them for the ledger.
  HttpResponse metrics = get("/metrics");
  for (const char* sample : {"promptctl_http_requests_total{route=\"run\",status=\"200\"} 17\n",
                             "promptctl_runs_total{prompt=\"letter\",status=\"ok\"} 16\n",
                             "promptctl_runs_total{prompt=\"broken\",status=\"error\"} 1\n",
                             "promptctl_provider_latency_seconds_count{prompt=\"slow\"} 1\n"}) {
    EXPECT_NE(metrics.body.find(sample), std::string::npos) << sample << metrics.body;
  }
  ProcessResult checked =
      run_process(PROMPTCTL_PROMTOOL, {"check", "metrics"}, {root(), metrics.body, {}});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
}

// A run asked for as server-sent events: the answer's text as it comes, then the run as
// recorded; a failure after the events began is an "error" event.
TEST_F(ServeTest, StreamsARunAsServerSentEvents) {
  ProviderServer provider({"", 0});
  auto server = serve({"--allow-run"}, use_provider(provider));
  std::map<std::string, std::string> streaming = {{"Accept", "text/event-stream"}};
  // Each event: its name and its data, parsed.
  auto events_of = [](const std::string& body) {
    std::vector<std::pair<std::string, json>> events;
    for (std::string_view event : util::split(body, '\n')) {
      if (event.starts_with("event: ")) {
        events.emplace_back(std::string(event.substr(7)), json());
      } else if (event.starts_with("data: ") && !events.empty()) {
        events.back().second = json::parse(event.substr(6));
      }
    }
    return events;
  };
  HttpResponse streamed =
      post("/v1/prompts/letter/run", "{\"variables\": " + k_letter_variables + "}", streaming);
  ASSERT_EQ(streamed.status, 200) << streamed.error << streamed.body;
  EXPECT_EQ(streamed.header("content-type"), "text/event-stream");
  EXPECT_EQ(streamed.header("x-promptctl-commit"), head());
  auto events = events_of(streamed.body);
  ASSERT_GE(events.size(), 2U) << streamed.body;
  std::string text;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    EXPECT_EQ(events[i].first, "text");
    text += events[i].second["text"].get<std::string>();
  }
  ASSERT_EQ(events.back().first, "run") << streamed.body;
  expect_schema("Run", events.back().second.dump());
  EXPECT_EQ(events.back().second["output"], text) << "the pieces make the answer";
  EXPECT_EQ(text.rfind("echo: Dear Ada,", 0), 0U) << text;
  std::string uid = events.back().second["run_uid"];
  EXPECT_EQ(json::parse(run({"runs", "show", uid, "--json"}).out)["output"], text);
  ASSERT_FALSE(provider.requests().empty());
  EXPECT_EQ(json::parse(provider.requests().back().body)["stream"], true);
  EXPECT_EQ(post("/v1/prompts/letter/run", "{\"variables\": " + k_letter_variables + "}")
                .header("content-type"),
            "application/json")
      << "without asking, the answer comes whole";

  HttpResponse failed = post("/v1/prompts/broken/run", "{}", streaming);
  EXPECT_EQ(failed.status, 200);
  auto failure = events_of(failed.body);
  ASSERT_FALSE(failure.empty()) << failed.body;
  EXPECT_EQ(failure.back().first, "error");
  expect_schema("RunErrorDocument", failure.back().second.dump());
}

// A client that gives up on a run: a call under way has its request closed and is recorded as
// not finished, whether the answer was asked for whole or as events; a run still waiting for
// its turn is not made at all.
TEST_F(ServeTest, ARunWhoseClientLeavesIsCancelled) {
  ProviderServer provider({"", 0});
  std::map<std::string, std::string> env = use_provider(provider);
  write("prompts/slow.yaml", "model: {provider: local, name: gpt-test~slow=3000}\ntemplate: x\n");
  commit("a slow prompt");
  auto server = serve({"--allow-run", "--max-runs", "1"}, env);
  auto request = [](const std::string& accept) {
    return "POST /v1/prompts/slow/run HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + accept +
           "\r\nContent-Length: 2\r\n\r\n{}";
  };
  auto recorded = [&] { return json::parse(run({"runs", "-n", "10", "--json"}).out)["runs"]; };
  auto wait_for_runs = [&](std::size_t count) {
    for (int i = 0; i < 100 && recorded().size() < count; ++i) {
      std::this_thread::sleep_for(50ms);
    }
    return recorded();
  };

  // The first run's call is out; the second waits behind it (one call at a time), and its
  // client leaves first.
  std::atomic<bool> second_left{false};
  std::thread first([&] {
    EXPECT_TRUE(
        http_leave(m_port, request("application/json"), [&] { return second_left.load(); }));
  });
  while (provider.request_count() == 0) {
    std::this_thread::sleep_for(10ms);
  }
  auto sent = std::chrono::steady_clock::now();
  EXPECT_TRUE(http_leave(m_port, request("text/event-stream"),
                         [&] { return std::chrono::steady_clock::now() - sent > 300ms; }));
  second_left = true;
  first.join();
  json runs = wait_for_runs(1);
  ASSERT_EQ(runs.size(), 1U) << runs.dump();
  EXPECT_EQ(runs[0]["status"], "error");
  EXPECT_NE(runs[0]["error"].get<std::string>().find("the client left"), std::string::npos)
      << runs[0].dump();
  EXPECT_LT(runs[0]["latency_ms"].get<double>(), 2500) << "the request was closed, not waited for";
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(provider.request_count(), 1U)
      << "the run whose client left while it waited is not made";

  // A streamed run's client leaves while its call is out.
  EXPECT_TRUE(http_leave(m_port, request("text/event-stream"),
                         [&] { return provider.request_count() == 2; }));
  runs = wait_for_runs(2);
  ASSERT_EQ(runs.size(), 2U) << runs.dump();
  EXPECT_NE(runs[0]["error"].get<std::string>().find("the client left"), std::string::npos)
      << runs[0].dump();
  EXPECT_LT(runs[0]["latency_ms"].get<double>(), 2500);
  EXPECT_EQ(provider.request_count(), 2U);
  EXPECT_EQ(get("/healthz").status, 200);
}

}  // namespace
}  // namespace promptctl::testing

// Governance end to end: approvals by two identities in git notes, deploys as commits of
// deployments.yaml, NAME@ENV, runs in an environment, a guard-triggered rollback, audit, and
// every refusal leaving the repository as it was. Checked against the git CLI throughout.
#include <thread>

#include "e2e/execution.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;

const std::map<std::string, std::string> k_qa = {{"GIT_AUTHOR_NAME", "Quinn QA"},
                                                 {"GIT_AUTHOR_EMAIL", "qa@example.com"}};

class GovernanceTest : public ExecutionTest {
 protected:
  void SetUp() override {
    ExecutionTest::SetUp();
    write_hello("Hello {{who}}", "gpt-test");
    commit("v1");
  }

  [[nodiscard]] std::string settings() const override {
    return ExecutionTest::settings() +
           "environments:\n"
           "  dev: {auto_approve: true}\n"
           "  staging: {requires: [technical], tests: true}\n"
           "  production:\n"
           "    requires: [technical, qa]\n"
           "    approvers: {qa: [qa@example.com, '*@qa.example.com']}\n"
           "    guard: {min_success: 0.8, min_runs: 3, window: 1h}\n";
  }

  void write_hello(const std::string& text, const std::string& model,
                   const std::string& expected = "Hello") const {
    write("prompts/hello.yaml",
          "variables:\n  who: {type: string, default: Ann}\n"
          "model: {provider: openai, name: '" +
              model +
              "', temperature: 0}\n"
              "template: \"" +
              text +
              "\"\n"
              "tests:\n"
              "  - name: greets\n"
              "    vars: {who: Bo}\n"
              "    assert: [{type: contains, value: '" +
              expected + "'}]\n");
  }

  void commit(const std::string& message) const {
    ProcessResult result = run({"commit", "-m", message});
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  [[nodiscard]] std::string head() const { return git(root(), {"rev-parse", "HEAD"}); }

  void approve_all(const std::string& address = "hello") const {
    ProcessResult technical = run({"approve", address, "--stage", "technical"});
    ASSERT_EQ(technical.exit_code, 0) << technical.err;
    ProcessResult qa = run({"approve", address, "--stage", "qa", "-m", "checked"}, {}, {}, k_qa);
    ASSERT_EQ(qa.exit_code, 0) << qa.err;
  }

  json json_of(std::vector<std::string> args, int expected_exit,
               const std::map<std::string, std::string>& env = {}) const {
    args.emplace_back("--json");
    ProcessResult result = run_with_server(args, env);
    EXPECT_EQ(result.exit_code, expected_exit) << result.out << result.err;
    json parsed = json::parse(result.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << result.out << result.err;
    return parsed;
  }
};

TEST_F(GovernanceTest, ApproveDeployRunGuardRollbackAndAudit) {
  std::string v1 = head();
  approve_all();
  // The approvals are notes on the commit, one JSON line each, as the git CLI sees them.
  std::string note = git(root(), {"notes", "--ref=promptctl", "show", "HEAD"});
  EXPECT_NE(note.find("\"stage\":\"technical\""), std::string::npos) << note;
  EXPECT_NE(note.find("\"email\":\"qa@example.com\""), std::string::npos) << note;

  json deployed = json_of({"deploy", "hello", "--env", "production", "-m", "first"}, 0);
  EXPECT_EQ(deployed["commit"], v1.substr(0, 40));
  EXPECT_EQ(git(root(), {"log", "-1", "--format=%s", "--", "deployments.yaml"}),
            "Deploy hello to production (" + v1.substr(0, 7) + ")\n");
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "");

  // NAME@ENV reads the pinned version; its runs are recorded as the environment's.
  write_hello("Howdy {{who}}", "gpt-test~500", "Howdy");
  commit("v2: a model that fails");
  ProcessResult rendered = run({"render", "hello@production"});
  EXPECT_EQ(rendered.out, "Hello Ann") << rendered.err;
  json ran = json_of({"run", "hello@production"}, 0);
  EXPECT_EQ(ran["environment"], "production");
  EXPECT_EQ(ran["output"], "echo: Hello Ann");

  approve_all();
  ASSERT_EQ(run({"deploy", "hello", "--env", "production"}).exit_code, 0);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(run_with_server({"run", "hello@production"}).exit_code, 5);
  }
  std::string before_guard = head();
  json dry = json_of({"guard", "--env", "production", "--dry-run"}, 1);
  EXPECT_EQ(dry["pins"][0]["runs"], 3);
  EXPECT_EQ(dry["pins"][0]["success_rate"], 0.0);
  EXPECT_EQ(head(), before_guard) << "a dry run commits nothing";

  json guarded = json_of({"guard", "--env", "production"}, 1);
  json rollback = guarded["pins"][0]["rollback"];
  EXPECT_EQ(rollback["action"], "auto-rollback");
  EXPECT_EQ(rollback["commit"], v1.substr(0, 40));
  std::string body = git(root(), {"log", "-1", "--format=%B"});
  EXPECT_NE(body.find("Promptctl-Action: auto-rollback"), std::string::npos) << body;
  EXPECT_NE(body.find("Promptctl-Reason: guard: success rate 0.000 below 0.800"), std::string::npos)
      << body;
  EXPECT_EQ(run({"render", "hello@production"}).out, "Hello Ann");
  // v1 has every approval production requires: rolling back to it bypassed none, so the pin
  // is no emergency.
  EXPECT_EQ(read("deployments.yaml").find("emergency: true"), std::string::npos)
      << read("deployments.yaml");
  // The rolled-back version has runs no more: the guard is quiet now.
  EXPECT_EQ(run({"guard", "--env", "production"}).exit_code, 0);

  json deploys = json_of({"deploys", "hello", "--env", "production"}, 0);
  ASSERT_EQ(deploys["deploys"].size(), 3u);
  EXPECT_EQ(deploys["deploys"][0]["action"], "auto-rollback");
  EXPECT_EQ(deploys["deploys"][2]["before"], nullptr);

  json audit = json_of({"audit", "hello"}, 0);
  std::multiset<std::string> actions;
  for (const json& event : audit["events"]) {
    actions.insert(event["action"].get<std::string>());
  }
  EXPECT_EQ(actions.count("approved"), 4u);
  EXPECT_EQ(actions.count("deployed"), 2u);
  EXPECT_EQ(actions.count("auto-rolled-back"), 1u);
  EXPECT_EQ(actions.count("created"), 1u);
  EXPECT_EQ(actions.count("changed"), 1u);
  EXPECT_EQ(actions.count("ran"), 2u) << "one per version that ran in production";

  json checked = json_of({"check"}, 0);
  EXPECT_EQ(checked["ok"], true);
}

// A deploy that was killed leaves its lock file behind; the kernel released the lock with the
// process, so the next deploy (an emergency rollback above all) goes ahead at once. A lock that
// a live process holds is waited for.
TEST_F(GovernanceTest, AnInterruptedDeployNeverBlocksTheNext) {
  std::filesystem::create_directories(root() / ".git/promptctl");
  m_dir.write("repo/.git/promptctl/deploy.lock", "left by a killed deploy\n");
  ProcessResult deployed = run({"deploy", "hello", "--env", "dev"});
  EXPECT_EQ(deployed.exit_code, 0) << deployed.err;

  write_hello("Hi {{who}}", "gpt-test", "Hi");
  commit("v2");
  ProcessOptions options;
  options.cwd = root();
  // The holder writes a marker just before it lets go: a deploy that waited finds it.
  std::thread holder([&] {
    (void)run_process(
        "flock", {".git/promptctl/deploy.lock", "sh", "-c", "touch held; sleep 1; touch released"},
        options);
  });
  while (!std::filesystem::exists(root() / "held")) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ProcessResult waited = run({"deploy", "hello", "--env", "dev"});
  bool released_first = std::filesystem::exists(root() / "released");
  holder.join();
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  EXPECT_TRUE(released_first) << "the deploy went ahead while another process held the lock";
  std::filesystem::remove(root() / "held");
  std::filesystem::remove(root() / "released");
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "");
}

TEST_F(GovernanceTest, RefusalsNameWhatIsMissingAndChangeNothing) {
  std::string before = head();
  ProcessResult refused = run({"deploy", "hello", "--env", "production"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("technical: missing (anyone may approve)"), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("qa: missing (qa@example.com, *@qa.example.com may approve)"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(head(), before);
  EXPECT_FALSE(std::filesystem::exists(root() / "deployments.yaml"));

  ProcessResult not_allowed = run({"approve", "hello", "--stage", "qa"});
  EXPECT_EQ(not_allowed.exit_code, 1);
  EXPECT_NE(not_allowed.err.find("author@example.com may not decide stage 'qa'"), std::string::npos)
      << not_allowed.err;
  EXPECT_EQ(run({"approve", "hello", "--stage", "qa"}, {}, {},
                {{"GIT_AUTHOR_EMAIL", "lee@qa.example.com"}})
                .exit_code,
            0)
      << "patterns match approvers";
  ASSERT_EQ(run({"approve", "hello", "--stage", "technical"}).exit_code, 0);
  ProcessResult twice = run({"approve", "hello", "--stage", "technical"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("already approved"), std::string::npos) << twice.err;
  ProcessResult stage = run({"approve", "hello", "--stage", "tecnical"});
  EXPECT_EQ(stage.exit_code, 2);
  EXPECT_NE(stage.err.find("did you mean 'technical'"), std::string::npos) << stage.err;
  EXPECT_EQ(run({"approve", "hello@nosuchrev", "--stage", "technical"}).exit_code, 2);
  ProcessResult env = run({"deploy", "hello", "--env", "prod"});
  EXPECT_EQ(env.exit_code, 2);
  EXPECT_NE(env.err.find("no environment named 'prod'"), std::string::npos) << env.err;
  EXPECT_EQ(run({"reject", "hello", "--stage", "technical"}).exit_code, 2) << "needs a reason";

  // A rejection after the approval blocks the stage and says who and why.
  ProcessResult rejection =
      run({"reject", "hello", "--stage", "technical", "-m", "tone is off", "--json"}, {}, {},
          {{"GIT_AUTHOR_EMAIL", "rita@example.com"}});
  ASSERT_EQ(rejection.exit_code, 0) << rejection.err;
  json decision = json::parse(rejection.out);
  EXPECT_EQ(decision["verdict"], "reject");
  EXPECT_EQ(decision["decided_by"], json({{"name", "Test Author"}, {"email", "rita@example.com"}}));
  EXPECT_EQ(decision["comment"], "tone is off");
  ProcessResult rejected = run({"deploy", "hello", "--env", "production"});
  EXPECT_EQ(rejected.exit_code, 1);
  EXPECT_NE(rejected.err.find("technical: rejected by Test Author <rita@example.com>: tone is off"),
            std::string::npos)
      << rejected.err;
  EXPECT_EQ(head(), before);

  // Approvals belong to content: uncommitted changes cannot be approved, and a new version
  // needs its own.
  ProcessResult fixed = run({"approve", "hello", "--stage", "technical", "-m", "fixed", "--json"});
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_EQ(json::parse(fixed.out)["verdict"], "approve");
  write_hello("Hi {{who}}", "gpt-test", "Hi");
  ProcessResult dirty = run({"approve", "hello", "--stage", "technical"});
  EXPECT_EQ(dirty.exit_code, 2);
  EXPECT_NE(dirty.err.find("uncommitted changes"), std::string::npos) << dirty.err;
  commit("v2");
  ProcessResult stale = run({"deploy", "hello", "--env", "production"});
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_NE(stale.err.find("technical: missing"), std::string::npos) << stale.err;
  json old = json_of({"deploy", "hello@HEAD~1", "--env", "production"}, 0);
  EXPECT_EQ(old["unchanged"], false);

  // The new version waits for approvals; qa sees the stages it may decide, and not ones
  // reserved for others.
  json pending = json_of({"pending", "--mine"}, 0, k_qa);
  ASSERT_EQ(pending["pending"].size(), 2u) << pending.dump();
  EXPECT_EQ(pending["pending"][1]["environment"], "production");
  EXPECT_EQ(pending["pending"][1]["stages"].size(), 2u);
  json someone = json_of({"pending", "--approver", "dev@example.com"}, 0);
  for (const json& entry : someone["pending"]) {
    for (const json& waiting : entry["stages"]) {
      EXPECT_EQ(waiting["stage"], "technical") << "qa is reserved for qa@example.com";
    }
  }
}

TEST_F(GovernanceTest, StagingRequiresPassingTests) {
  ASSERT_EQ(run({"approve", "hello", "--stage", "technical"}).exit_code, 0);
  write_hello("Hello {{who}}", "gpt-test", "Goodbye");
  commit("a test that fails");
  ASSERT_EQ(run({"approve", "hello", "--stage", "technical"}).exit_code, 0);
  std::string before = head();
  ProcessResult failing = run_with_server({"deploy", "hello", "--env", "staging"});
  EXPECT_EQ(failing.exit_code, 1);
  EXPECT_NE(failing.err.find("1 of 1 test cases of hello did not pass"), std::string::npos)
      << failing.err;
  EXPECT_EQ(head(), before);
  json passing = json_of({"deploy", "hello@HEAD~1", "--env", "staging"}, 0);
  EXPECT_EQ(passing["tests"]["passed"], 1);
  // Dev approves automatically and runs no tests.
  EXPECT_EQ(run({"deploy", "hello", "--env", "dev"}).exit_code, 0);
  json envs = json_of({"env", "list"}, 0);
  ASSERT_EQ(envs["environments"].size(), 3u);
  EXPECT_EQ(envs["environments"][1]["pins"]["hello"]["commit"], passing["commit"]);
  // Dev took the version whose test fails; staging kept the one that passed.
  EXPECT_NE(envs["environments"][0]["pins"]["hello"]["content_hash"],
            envs["environments"][1]["pins"]["hello"]["content_hash"]);
}

TEST_F(GovernanceTest, EnvironmentsWorkAsRevisionsEverywhere) {
  approve_all();
  std::string v1 = head().substr(0, 40);
  ASSERT_EQ(run({"deploy", "hello", "--env", "production"}).exit_code, 0);
  write_hello("Hi {{who}}", "gpt-test", "Hi");
  commit("v2");
  ASSERT_EQ(run({"deploy", "hello", "--env", "dev"}).exit_code, 0);
  json diff = json_of({"diff", "hello@production", "hello@dev"}, 0);
  ASSERT_EQ(diff["changes"].size(), 1u) << diff.dump();
  EXPECT_EQ(diff["changes"][0]["name"], "hello");
  EXPECT_EQ(run({"show", "hello@production"}).exit_code, 0);
  json tested = json_of({"test", "hello@dev"}, 0);
  EXPECT_EQ(tested["summary"]["passed"], 1);
  json pinned = json_of({"test", "--rev", "production"}, 0);
  EXPECT_EQ(pinned["summary"]["passed"], 1);
  // A change that breaks what production passes is a regression against production.
  write_hello("Hi {{who}}", "gpt-test", "Hello");
  json against = json_of({"test", "--baseline", "production"}, 1);
  EXPECT_EQ(against["summary"]["regressions"], 1) << against.dump();
  write_hello("Hi {{who}}", "gpt-test", "Hi");
  EXPECT_EQ(run({"render", "hello@staging"}).exit_code, 2) << "nothing is deployed there";

  json bundle = json_of({"export", "--env", "production"}, 0);
  json hello = bundle["prompts"]["hello"];
  EXPECT_EQ(hello["messages"][0]["content"], "Hello {{who}}");
  EXPECT_EQ(hello["variables"]["properties"]["who"]["default"], "Ann");
  EXPECT_EQ(hello["model"]["name"], "gpt-test");
  EXPECT_EQ(hello["commit"], v1);
  // promote moves what one environment runs to another, with that one's policy.
  EXPECT_EQ(run({"promote", "hello", "--from", "dev", "--to", "production"}).exit_code, 1);
  approve_all();
  ProcessResult promoted =
      run({"promote", "hello", "--from", "dev", "--to", "production", "--json"});
  ASSERT_EQ(promoted.exit_code, 0) << promoted.err;
  EXPECT_EQ(json::parse(promoted.out)["action"], "promote");
  EXPECT_EQ(run({"render", "hello@production"}).out, "Hi Ann");
}

TEST_F(GovernanceTest, RollbackStepsBackAndEmergenciesAreRecorded) {
  approve_all();
  ASSERT_EQ(run({"deploy", "hello", "--env", "production"}).exit_code, 0);
  for (const char* text : {"Hi {{who}}", "Hey {{who}}"}) {
    write_hello(text, "gpt-test", "H");
    commit(text);
    approve_all();
    ASSERT_EQ(run({"deploy", "hello", "--env", "production"}).exit_code, 0);
  }
  EXPECT_EQ(run({"render", "hello@production"}).out, "Hey Ann");
  std::string before = head();
  EXPECT_EQ(run({"rollback", "hello", "--env", "production", "--dry-run"}).exit_code, 0);
  EXPECT_EQ(head(), before);
  ProcessResult rolled_back = run({"rollback", "hello", "--env", "production", "--json"});
  ASSERT_EQ(rolled_back.exit_code, 0) << rolled_back.err;
  json rollback = json::parse(rolled_back.out);
  EXPECT_EQ(rollback["action"], "rollback");
  EXPECT_EQ(rollback["previous"]["content_hash"].get<std::string>().size(), 40u);
  EXPECT_EQ(run({"render", "hello@production"}).out, "Hi Ann");
  ASSERT_EQ(run({"rollback", "hello", "--env", "production"}).exit_code, 0);
  EXPECT_EQ(run({"render", "hello@production"}).out, "Hello Ann") << "two deploys back";
  EXPECT_EQ(run({"rollback", "hello", "--env", "production"}).exit_code, 2) << "none earlier";

  // An unapproved version needs --emergency, which needs a reason, and check reports it.
  write_hello("Yo {{who}}", "gpt-test", "Yo");
  commit("unapproved");
  std::vector<std::string> to_head = {"rollback", "hello", "--env", "production", "--to", "HEAD"};
  EXPECT_EQ(run(to_head).exit_code, 1);
  auto emergency = to_head;
  emergency.emplace_back("--emergency");
  EXPECT_EQ(run(emergency).exit_code, 2);
  emergency.insert(emergency.end(), {"--reason", "outage 42"});
  ASSERT_EQ(run(emergency).exit_code, 0);
  EXPECT_NE(read("deployments.yaml").find("emergency: true"), std::string::npos);
  EXPECT_NE(read("deployments.yaml").find("reason: \"outage 42\""), std::string::npos);
  json checked = json_of({"check"}, 0);
  EXPECT_EQ(checked["pins"][0]["emergency"], true);
  EXPECT_EQ(run({"check", "--strict"}).exit_code, 1);
  json history = json_of({"deploys", "hello"}, 0);
  EXPECT_EQ(history["deploys"][0]["action"], "emergency-rollback");
  EXPECT_EQ(history["deploys"][0]["reason"], "outage 42");

  // The emergency heads the reviewers' list, and passes check only within its grace.
  json pending = json_of({"pending"}, 0);
  ASSERT_FALSE(pending["pending"].empty()) << pending;
  EXPECT_EQ(pending["pending"][0]["emergency"], true);
  EXPECT_EQ(pending["pending"][0]["environment"], "production");
  std::string pins = read("deployments.yaml");
  std::string shown_at =
      json_of({"env", "list"}, 0)["environments"][2]["pins"]["hello"]["deployed_at"];
  ASSERT_TRUE(shown_at.ends_with("Z")) << shown_at;
  std::string deployed_at = shown_at.substr(0, 19) + "+00:00";  // as the file keeps it
  ASSERT_NE(pins.find(deployed_at), std::string::npos) << pins;
  pins.replace(pins.find(deployed_at), deployed_at.size(), "2020-01-01T00:00:00Z");
  write("deployments.yaml", pins);
  json late = json_of({"check"}, 1);
  EXPECT_EQ(late["pins"][0]["ok"], false) << late;
  EXPECT_NE(late["pins"][0]["problems"][0].get<std::string>().find("the grace of 1d is over"),
            std::string::npos)
      << late;
}

TEST_F(GovernanceTest, CheckCatchesHandEditedPins) {
  approve_all();
  ASSERT_EQ(run({"deploy", "hello", "--env", "production"}).exit_code, 0);
  write_hello("Sneaky {{who}}", "gpt-test", "Sneaky");
  commit("unreviewed");
  std::string pins = read("deployments.yaml");
  std::string v1 = json_of({"env", "list"}, 0)["environments"][2]["pins"]["hello"]["commit"];
  std::string v2 = head().substr(0, 40);
  pins.replace(pins.find(v1), 40, v2);
  write("deployments.yaml", pins);
  ProcessResult edited = run({"check"});
  EXPECT_EQ(edited.exit_code, 1);
  EXPECT_NE(edited.out.find("the pin says content"), std::string::npos) << edited.out;

  write("deployments.yaml", "production:\n  hello: {commit: nope\n");
  ProcessResult broken = run({"check"});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("deployments.yaml:3:1: error: invalid YAML"), std::string::npos)
      << broken.err;
  // A deploy refuses to commit over uncommitted edits of the pins file.
  ProcessResult deploy = run({"deploy", "hello@HEAD~1", "--env", "dev"});
  EXPECT_EQ(deploy.exit_code, 1);
  EXPECT_NE(deploy.err.find("deployments.yaml has uncommitted changes"), std::string::npos)
      << deploy.err;
  EXPECT_EQ(read("deployments.yaml"), "production:\n  hello: {commit: nope\n");

  write("deployments.yaml",
        "staging:\n  hello:\n    commit: 0123456789012345678901234567890123456789\n"
        "    content: abc\n");
  ProcessResult short_hash = run({"check"});
  EXPECT_EQ(short_hash.exit_code, 2);
  EXPECT_NE(short_hash.err.find("deployments.yaml:4:14: error: 'staging.hello.content' 'abc' is "
                                "not a 40-digit content hash"),
            std::string::npos)
      << short_hash.err;
  write("deployments.yaml",
        "staging:\n  hello:\n    commit: 0123456789012345678901234567890123456789\n"
        "    content: fedcba9876543210fedcba9876543210fedcba98\n");
  json missing = json_of({"check"}, 1);
  EXPECT_NE(missing["pins"][0]["problems"][0].get<std::string>().find("does not exist"),
            std::string::npos);
}

TEST_F(GovernanceTest, ConcurrentDeploysBothLand) {
  approve_all();
  // Two environments at once: deploys take turns and each reads the pins afresh, so both land.
  std::vector<ProcessResult> results(4);
  {
    std::thread first([&] { results[0] = run({"deploy", "hello", "--env", "dev"}); });
    std::thread second([&] { results[1] = run({"deploy", "hello", "--env", "production"}); });
    first.join();
    second.join();
  }
  EXPECT_EQ(results[0].exit_code, 0) << results[0].err;
  EXPECT_EQ(results[1].exit_code, 0) << results[1].err;
  EXPECT_EQ(git(root(), {"rev-list", "--count", "HEAD", "--", "deployments.yaml"}), "2\n");
  json envs = json_of({"env", "list"}, 0);
  EXPECT_EQ(envs["environments"][0]["pins"].size(), 1u);
  EXPECT_EQ(envs["environments"][2]["pins"].size(), 1u);

  // The same version twice at once: one commit, and the other finds it deployed.
  write_hello("Hi {{who}}", "gpt-test", "Hi");
  commit("v2");
  {
    std::thread first([&] { results[2] = run({"deploy", "hello", "--env", "dev"}); });
    std::thread second([&] { results[3] = run({"deploy", "hello", "--env", "dev"}); });
    first.join();
    second.join();
  }
  EXPECT_EQ(results[2].exit_code, 0) << results[2].err;
  EXPECT_EQ(results[3].exit_code, 0) << results[3].err;
  EXPECT_EQ(git(root(), {"rev-list", "--count", "HEAD", "--", "deployments.yaml"}), "3\n");
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "");
  EXPECT_EQ(git(root(), {"fsck", "--no-progress"}), "");
}

TEST_F(GovernanceTest, ApprovalsTravelWithPushAndClone) {
  git(m_dir.path(), {"init", "-q", "--bare", "hub.git"});
  std::string hub = (m_dir.path() / "hub.git").string();
  ASSERT_EQ(run({"remote", "add", "origin", hub}).exit_code, 0);
  approve_all();
  ASSERT_EQ(run({"push"}).exit_code, 0);
  ASSERT_EQ(run({"clone", hub, "second"}, m_dir.path()).exit_code, 0);
  std::filesystem::path second = m_dir.path() / "second";
  ProcessResult approvals = run({"approvals", "hello", "--json"}, second);
  ASSERT_EQ(approvals.exit_code, 0) << approvals.err;
  json parsed = json::parse(approvals.out);
  EXPECT_EQ(parsed["decisions"].size(), 2u);
  EXPECT_EQ(parsed["environments"][2]["approved"], true);
  ProcessResult deployed = run({"deploy", "hello", "--env", "production"}, second);
  EXPECT_EQ(deployed.exit_code, 0) << deployed.err;
}

// Pins live on one branch: a deploy from a side branch or a detached HEAD is refused with the
// way back, and leaves every ref as it was; deploy_branch names another branch.
TEST_F(GovernanceTest, PinsAreCommittedToTheDeployBranchOnly) {
  std::string main_line = git(root(), {"symbolic-ref", "--short", "HEAD"});
  main_line.erase(main_line.find_last_not_of('\n') + 1);
  git(root(), {"switch", "-q", "-c", "side"});
  std::string side_head = head();
  ProcessResult refused = run_with_server({"deploy", "hello", "--env", "dev"});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("pins are committed to '" + main_line +
                             "' (the repository's default branch), not to branch 'side'"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("promptctl switch " + main_line), std::string::npos);
  EXPECT_EQ(head(), side_head) << "nothing committed";
  EXPECT_EQ(run_with_server({"deploy", "hello", "--env", "dev", "--dry-run"}).exit_code, 1);

  git(root(), {"switch", "-q", "--detach"});
  ProcessResult detached = run_with_server({"deploy", "hello", "--env", "dev"});
  EXPECT_EQ(detached.exit_code, 1);
  EXPECT_NE(detached.err.find("not to a detached HEAD"), std::string::npos) << detached.err;

  git(root(), {"switch", "-q", main_line});
  ProcessResult deployed = run_with_server({"deploy", "hello", "--env", "dev"});
  EXPECT_EQ(deployed.exit_code, 0) << deployed.err;

  // With deploy_branch: side, the main line is the wrong place.
  write("promptctl.yaml", settings() + "deploy_branch: side\n");
  git(root(), {"commit", "-qam", "deploy from side"});
  ProcessResult elsewhere = run_with_server({"deploy", "hello", "--env", "staging"});
  EXPECT_EQ(elsewhere.exit_code, 1);
  EXPECT_NE(elsewhere.err.find("pins are committed to 'side' (deploy_branch in promptctl.yaml)"),
            std::string::npos)
      << elsewhere.err;
}

}  // namespace
}  // namespace promptctl::testing

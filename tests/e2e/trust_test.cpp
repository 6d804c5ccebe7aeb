// The repository may say which provider and model; where a key goes is the user's decision. A
// pull request that edits promptctl.yaml must not be able to send CI's secrets anywhere.
#include <unistd.h>

#include "e2e/e2e.hpp"
#include "support/provider_server.hpp"

using namespace promptctl::testing;

namespace {

constexpr const char* k_openai_key = "sk-trust-5b1e0c2d9a8f7e6d";
constexpr const char* k_aws_secret = "AKIA-trust-3c4d5e6f7a8b9c0d";
constexpr const char* k_github_token = "ghp_trust1a2b3c4d5e6f7a8b";

class TrustTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    // The "attacker": a capture server the repository's settings point at.
    write("promptctl.yaml",
          "version: 1\n"
          "providers:\n"
          "  openai: {base_url: '" +
              m_server.url() +
              "/v1', max_retries: 0}\n"
              "  c: {type: openai-compatible, base_url: '" +
              m_server.url() +
              "/v1', key_env: AWS_SECRET_ACCESS_KEY, headers: {X-Leak: '${GITHUB_TOKEN}'}, "
              "max_retries: 0}\n");
    write("prompts/hello.yaml",
          "model: {provider: openai, name: gpt-test}\n"
          "template: Hello\n"
          "tests:\n  - {name: says hello, assert: [{type: contains, value: Hello}]}\n");
  }

  [[nodiscard]] std::map<std::string, std::string> secrets_env(
      const std::map<std::string, std::string>& extra = {}) const {
    std::map<std::string, std::string> env = {{"OPENAI_API_KEY", k_openai_key},
                                              {"AWS_SECRET_ACCESS_KEY", k_aws_secret},
                                              {"GITHUB_TOKEN", k_github_token}};
    env.insert(extra.begin(), extra.end());
    return env;
  }

  static void expect_no_secret(const ProcessResult& result) {
    for (const char* secret : {k_openai_key, k_aws_secret, k_github_token}) {
      EXPECT_EQ(result.out.find(secret), std::string::npos) << result.out;
      EXPECT_EQ(result.err.find(secret), std::string::npos) << result.err;
    }
  }

  ProviderServer m_server{ProviderServer::Options{"", 0, 0}};
};

}  // namespace

TEST_F(TrustTest, AnAddressTheRepositoryChoseGetsNoKey) {
  ProcessResult run_result = run({"run", "hello"}, {}, {}, secrets_env());
  EXPECT_EQ(run_result.exit_code, 2) << run_result.out << run_result.err;
  EXPECT_NE(run_result.err.find("promptctl.yaml:3:11: refusing to send the key in OPENAI_API_KEY "
                                "of provider 'openai' to '" +
                                m_server.url() +
                                "/v1': the repository's promptctl.yaml chose "
                                "that address, and only the user decides where secrets go"),
            std::string::npos)
      << run_result.err;
  EXPECT_NE(run_result.err.find("PROMPTCTL_TRUSTED_ENDPOINTS"), std::string::npos);
  expect_no_secret(run_result);

  ProcessResult tested = run({"test", "hello"}, {}, {}, secrets_env());
  EXPECT_NE(tested.exit_code, 0);
  expect_no_secret(tested);
  EXPECT_EQ(m_server.request_count(), 0U);
}

TEST_F(TrustTest, AKeyVariableAndHeadersTheRepositoryChoseAreNotSent) {
  ProcessResult result =
      run({"run", "hello", "--provider", "c", "--model", "m"}, {}, {}, secrets_env());
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("refusing to send the key in AWS_SECRET_ACCESS_KEY, header 'X-Leak' "
                            "of provider 'c'"),
            std::string::npos)
      << result.err;
  expect_no_secret(result);
  // The provider's own address with a key variable the repository chose is refused too.
  write("promptctl.yaml",
        "version: 1\nproviders:\n  openai: {key_env: AWS_SECRET_ACCESS_KEY, max_retries: 0}\n");
  ProcessResult own_address =
      run({"run", "hello"}, {}, {}, secrets_env({{"OPENAI_BASE_URL", m_server.url() + "/v1"}}));
  EXPECT_EQ(own_address.exit_code, 2) << own_address.err;
  EXPECT_NE(own_address.err.find("refusing to send the key in AWS_SECRET_ACCESS_KEY of provider "
                                 "'openai'"),
            std::string::npos)
      << own_address.err;
  EXPECT_EQ(m_server.request_count(), 0U);
}

TEST_F(TrustTest, TheUserMayTrustAnAddress) {
  // A look-alike prefix is not trusted.
  ProcessResult look_alike =
      run({"run", "hello"}, {}, {},
          secrets_env({{"PROMPTCTL_TRUSTED_ENDPOINTS", m_server.url() + "/v10"}}));
  EXPECT_EQ(look_alike.exit_code, 2) << look_alike.err;
  EXPECT_EQ(m_server.request_count(), 0U);

  ProcessResult trusted = run(
      {"run", "hello"}, {}, {},
      secrets_env({{"PROMPTCTL_TRUSTED_ENDPOINTS", "https://other.example " + m_server.url()}}));
  EXPECT_EQ(trusted.exit_code, 0) << trusted.err;
  ASSERT_EQ(m_server.request_count(), 1U);
  EXPECT_EQ(m_server.requests()[0].header("authorization"), std::string("Bearer ") + k_openai_key);

  m_dir.write(".config/promptctl/config.yaml",
              "trusted_endpoints: ['" + m_server.url() + "/v1']\n");
  ProcessResult configured =
      run({"run", "hello", "--provider", "c", "--model", "m"}, root(), {},
          secrets_env({{"XDG_CONFIG_HOME", (m_dir.path() / ".config").string()}}));
  EXPECT_EQ(configured.exit_code, 0) << configured.err;
  ASSERT_EQ(m_server.request_count(), 2U);
  EXPECT_EQ(m_server.requests()[1].header("x-leak"), k_github_token);
}

TEST_F(TrustTest, TheUserConfigurationMayNameTheAddress) {
  // An address from the user's own settings or environment needs no trust entry.
  ProcessResult result =
      run({"run", "hello"}, {}, {}, secrets_env({{"OPENAI_BASE_URL", m_server.url() + "/v1"}}));
  EXPECT_EQ(result.exit_code, 2) << "the repository's base_url still wins over the environment";
  write("promptctl.yaml", "version: 1\nproviders:\n  openai: {max_retries: 0}\n");
  ProcessResult environment =
      run({"run", "hello"}, {}, {}, secrets_env({{"OPENAI_BASE_URL", m_server.url() + "/v1"}}));
  EXPECT_EQ(environment.exit_code, 0) << environment.err;
  EXPECT_EQ(m_server.request_count(), 1U);
}

TEST_F(TrustTest, APasswordInAProviderAddressNeverReachesMessagesOrTheLedger) {
  write("promptctl.yaml", "version: 1\nproviders:\n  openai: {max_retries: 1, retry_base_ms: 5}\n");
  const std::string password = "sk-url-secret-7f3a9b";
  ProcessResult result =
      run({"run", "hello", "-v"}, {}, {},
          secrets_env({{"OPENAI_BASE_URL", "http://me:" + password + "@127.0.0.1:1/v1"}}));
  EXPECT_EQ(result.exit_code, 5) << result.err;
  EXPECT_NE(result.err.find("me:***@127.0.0.1:1"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find(password), std::string::npos) << result.err;
  ProcessResult runs = run({"runs", "--json"});
  EXPECT_EQ(runs.exit_code, 0) << runs.err;
  EXPECT_NE(runs.out.find("me:***@"), std::string::npos) << runs.out;
  EXPECT_EQ(runs.out.find(password), std::string::npos) << runs.out;
  for (const auto& entry : std::filesystem::directory_iterator(root() / ".git/promptctl")) {
    if (entry.is_regular_file()) {
      EXPECT_EQ(
          m_dir.read("repo/.git/promptctl/" + entry.path().filename().string()).find(password),
          std::string::npos)
          << entry.path();
    }
  }
}

TEST_F(TrustTest, TheLedgerAndTheCacheAreTheOwnersAlone) {
  ProcessResult result = run({"run", "hello", "--cache", "on"}, {}, {},
                             secrets_env({{"PROMPTCTL_TRUSTED_ENDPOINTS", m_server.url()}}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::filesystem::path state = root() / ".git/promptctl";
  EXPECT_EQ(std::filesystem::status(state).permissions(), std::filesystem::perms::owner_all);
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(state)) {
    if (entry.is_regular_file()) {
      ++files;
      auto others = std::filesystem::perms::group_all | std::filesystem::perms::others_all;
      EXPECT_EQ(entry.status().permissions() & others, std::filesystem::perms::none)
          << entry.path();
    }
  }
  EXPECT_GE(files, 2) << "the ledger and a cached answer";
}

// Commit messages, author names and file contents come from anyone who can push: text output
// shows their control characters as "\xNN" instead of handing them to the terminal.
TEST_F(RepoTest, TextOutputNeverCarriesRawControlCharacters) {
  write("prompts/p.yaml", "template: Hello\n");
  git(root(), {"add", "-A"});
  git(root(), {"commit", "-qm", "Fix\x1b[2J\x1b[H greeting\rsneaky", "--author",
               "Eve\x1b]0;owned\x07 <eve@example.com>"});
  ProcessResult log = run({"log"});
  ASSERT_EQ(log.exit_code, 0) << log.err;
  EXPECT_EQ(log.out.find('\x1b'), std::string::npos) << log.out;
  EXPECT_EQ(log.out.find('\r'), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("Fix\\x1b[2J\\x1b[H greeting\\x0dsneaky"), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("Eve\\x1b]0;owned"), std::string::npos) << log.out;
  ProcessResult prompt_log = run({"log", "p"});
  EXPECT_EQ(prompt_log.out.find('\x1b'), std::string::npos) << prompt_log.out;

  write("prompts/bad.yaml", "template: Hello\n\"x\\e]52;c;cGF5bG9hZA==\\a\": 1\n");
  ProcessResult lint = run({"lint"});
  EXPECT_EQ(lint.exit_code, 1);
  EXPECT_EQ(lint.out.find('\x1b'), std::string::npos) << lint.out;
  EXPECT_EQ(lint.err.find('\x1b'), std::string::npos) << lint.err;
  ProcessResult show = run({"render", "bad"});
  EXPECT_EQ(show.err.find('\x1b'), std::string::npos) << show.err;

  // Test names and errors from a repository reach the test report escaped.
  write("prompts/p.tests.yaml",
        "- {name: \"t\\e]0;owned\\a\", assert: [{type: contains, value: \"no\\e[2J\"}]}\n"
        "- {name: \"u\\e[31m\", vars: {\"x\\e[1m\": 1}}\n");
  ProcessResult test = run({"test", "p"});
  EXPECT_EQ(test.exit_code, 1) << test.err;
  EXPECT_EQ(test.out.find('\x1b'), std::string::npos) << test.out;
  EXPECT_NE(test.out.find("t\\x1b]0;owned"), std::string::npos) << test.out;
}

// Symbolic links inside the repository may not lead promptctl to read or write outside it, and
// a link is committed as a link.
TEST_F(RepoTest, SymbolicLinksNeverLeadOutOfTheRepository) {
  m_dir.write("outside/secret.yaml", "template: the contents of a file outside\n");
  m_dir.write("outside/rows.jsonl", "{\"who\": \"outside\"}\n");
  std::filesystem::create_directories(root() / "prompts");
  std::filesystem::create_symlink(m_dir.path() / "outside/secret.yaml",
                                  root() / "prompts/evil.yaml");
  ProcessResult shown = run({"show", "evil"});
  EXPECT_EQ(shown.exit_code, 2) << shown.out;
  EXPECT_NE(shown.err.find("'prompts/evil.yaml' leads outside the repository through a "
                           "symbolic link"),
            std::string::npos)
      << shown.err;
  EXPECT_EQ(shown.out.find("outside"), std::string::npos);
  EXPECT_EQ(run({"render", "evil"}).exit_code, 2);

  std::filesystem::create_directories(root() / "data");
  std::filesystem::create_symlink(m_dir.path() / "outside/rows.jsonl", root() / "data/rows.jsonl");
  write("prompts/t.yaml",
        "variables: {who: {type: string}}\ntemplate: Hi {{who}}\nmodel: {provider: echo, name: "
        "echo}\ntests:\n  - {name: rows, dataset: data/rows.jsonl}\n");
  ProcessResult tested = run({"test", "t", "--json"});
  EXPECT_NE(tested.exit_code, 0);
  EXPECT_EQ(tested.out.find("Hi outside"), std::string::npos) << tested.out;

  std::filesystem::create_directory_symlink(m_dir.path() / "outside", root() / "prompts/outdir");
  ProcessResult created = run({"new", "outdir/x"});
  EXPECT_EQ(created.exit_code, 2) << created.err;
  write("prompts/p.yaml", "template: Hello\n");
  ProcessResult moved = run({"mv", "p", "outdir/q"});
  EXPECT_EQ(moved.exit_code, 2) << moved.err;
  EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "outside/x.yaml"));
  EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "outside/q.yaml"));
  EXPECT_TRUE(std::filesystem::exists(root() / "prompts/p.yaml"));
}

TEST_F(RepoTest, ALinkIsCommittedAsALink) {
  write("prompts/p.yaml", "template: Hello\n");
  std::filesystem::create_symlink("p.yaml", root() / "prompts/alias.yaml");
  ProcessResult committed = run({"commit", "-m", "p and its alias"});
  ASSERT_EQ(committed.exit_code, 0) << committed.err;
  EXPECT_EQ(git(root(), {"ls-tree", "HEAD", "prompts/alias.yaml"}).substr(0, 6), "120000");
  EXPECT_EQ(git(root(), {"cat-file", "-p", "HEAD:prompts/alias.yaml"}), "p.yaml");
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "");
  EXPECT_EQ(run({"show", "alias"}).exit_code, 0);
}

// Small hostile files must not take a CI job down: an alias bomb, rows nested deeper than any
// real data, a YAML file nested past the reader's limit.
TEST_F(RepoTest, ResourceBombsAreRefusedWithALocatedError) {
  std::string bomb = "template: Hello\nx-bomb:\n  a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'i'; ++level) {
    std::string previous(1, static_cast<char>(level - 1));
    bomb += std::string("  ") + level + ": &" + level + " [";
    for (int i = 0; i < 9; ++i) {
      bomb += (i ? ", *" : "*") + previous;
    }
    bomb += "]\n";
  }
  write("prompts/bomb.yaml", bomb);
  // show and render fail, lint reports the file, ls lists it with its error.
  for (const std::vector<std::string>& args : {std::vector<std::string>{"show", "bomb", "--json"},
                                               {"render", "bomb"},
                                               {"lint"},
                                               {"ls", "--json"}}) {
    ProcessResult result = run(args);
    EXPECT_EQ(result.exit_code, args[0] == "ls" ? 0 : args[0] == "lint" ? 1 : 2) << args[0];
    EXPECT_NE((result.err + result.out).find("aliases expand this file to too many values"),
              std::string::npos)
        << args[0] << ": " << result.err << result.out;
  }

  write("prompts/hello.yaml",
        "variables: {who: {type: string}}\ntemplate: Hi\nmodel: {provider: echo, name: echo}\n");
  write("rows.jsonl",
        "{\"who\": \"a\"}\n{\"who\": " + std::string(60000, '[') + std::string(60000, ']') + "}\n");
  ProcessResult rows = run({"run", "hello", "--input", "rows.jsonl"});
  EXPECT_EQ(rows.exit_code, 2) << rows.err;
  EXPECT_NE(rows.out.find("rows.jsonl:2: nested more than 512 levels deep"), std::string::npos)
      << rows.out;
  EXPECT_NE(rows.out.find("\"status\":\"ok\""), std::string::npos)
      << "row 1 still runs: " << rows.out;

  write("prompts/deep.yaml",
        "template: Hi\nx-deep: " + std::string(3000, '[') + std::string(3000, ']') + "\n");
  ProcessResult deep = run({"show", "deep"});
  EXPECT_EQ(deep.exit_code, 2);
  EXPECT_NE(deep.err.find("prompts/deep.yaml:2:"), std::string::npos) << deep.err;
  EXPECT_NE(deep.err.find("nested more than 2000 levels deep"), std::string::npos) << deep.err;
}

// A ".git" file can come with a download or a submodule: promptctl writes its state only into
// a real git directory.
TEST_F(RepoTest, AGitFilePointingElsewhereGetsNothingWritten) {
  write("prompts/p.yaml", "template: Hello\nmodel: {provider: echo, name: echo}\n");
  std::filesystem::remove_all(root() / ".git");
  m_dir.write("elsewhere/keep.txt", "not a git directory\n");
  write(".git", "gitdir: ../elsewhere\n");
  ProcessResult result = run({"run", "p"});
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.err.find("which is not a git directory"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "elsewhere/promptctl"));
}

// git's safe.directory rule: a repository another user owns is not used (its configuration
// could run their commands), and nothing is written into it, unless the user vouches for it.
TEST_F(RepoTest, ARepositoryOwnedByAnotherUserIsRefusedBeforeAnythingIsWritten) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "giving the repository to another user needs root";
  }
  write("prompts/hello.yaml", "model: {provider: echo, name: e}\ntemplate: Hi\n");
  ProcessResult given = run_process("chown", {"-R", "65534", root().string()}, {});
  ASSERT_EQ(given.exit_code, 0) << given.err;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "hello"}, std::vector<std::string>{"log"}}) {
    ProcessResult refused = run(args);
    EXPECT_EQ(refused.exit_code, 2) << args[0] << ": " << refused.err;
    EXPECT_NE(refused.err.find("belongs to another user (uid 65534)"), std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find("safe.directory"), std::string::npos) << refused.err;
  }
  EXPECT_FALSE(std::filesystem::exists(root() / ".git/promptctl"));

  // A safe.directory list that names another folder changes nothing.
  m_dir.write(".gitconfig", "[safe]\n\tdirectory = /elsewhere\n");
  ProcessResult elsewhere = run({"log"}, {}, {}, {{"HOME", m_dir.path().string()}});
  EXPECT_EQ(elsewhere.exit_code, 2) << elsewhere.err;
  EXPECT_NE(elsewhere.err.find("belongs to another user"), std::string::npos) << elsewhere.err;

  m_dir.write(".gitconfig", "[safe]\n\tdirectory = " + root().string() + "\n");
  ProcessResult trusted = run({"run", "hello"}, {}, {}, {{"HOME", m_dir.path().string()}});
  EXPECT_EQ(trusted.exit_code, 0) << trusted.err;
  EXPECT_NE(trusted.out.find("Hi"), std::string::npos) << trusted.out;
}

// A provider the user declares is one like any other: runs reach it, and completion offers it.
TEST_F(TrustTest, AProviderOfTheUserConfigurationIsKnownEverywhere) {
  m_dir.write(".config/promptctl/config.yaml",
              "providers:\n  mine: {type: openai-compatible, base_url: '" + m_server.url() +
                  "/v1', max_retries: 0}\n");
  auto env = secrets_env({{"XDG_CONFIG_HOME", (m_dir.path() / ".config").string()}});
  ProcessResult offered = run({"__complete", "run", "hello", "--provider", "mi"}, {}, {}, env);
  EXPECT_EQ(offered.out, "mine\n");
  ProcessResult ran = run({"run", "hello", "--model", "mine/m"}, {}, {}, env);
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  ASSERT_EQ(m_server.request_count(), 1U);
  ProcessResult without = run({"__complete", "run", "hello", "--provider", "mi"});
  EXPECT_EQ(without.out, "");
}

// Signed approvals: an approval counts under `require_signed` only when ssh-keygen verifies
// its signature with a key that the committed allowed signers file gives the approver. Keys
// are made here with ssh-keygen; nothing is mocked.
#include <nlohmann/json.hpp>

#include "e2e/e2e.hpp"

using namespace promptctl::testing;
using nlohmann::json;

namespace {

const std::map<std::string, std::string> k_qa = {{"GIT_AUTHOR_NAME", "Quinn QA"},
                                                 {"GIT_AUTHOR_EMAIL", "qa@example.com"}};

class SigningTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    make_key("qa");
    make_key("mallory");
    write("promptctl.yaml",
          "version: 1\n"
          "environments:\n"
          "  production:\n"
          "    requires: [qa]\n"
          "    approvers: {qa: [qa@example.com]}\n"
          "    require_signed: true\n");
    write("allowed_signers", "qa@example.com " + public_key("qa"));
    write("prompts/hello.yaml", "model: {provider: echo, name: e}\ntemplate: Hello\n");
    ProcessResult committed = run({"commit", "-m", "hello"});
    ASSERT_EQ(committed.exit_code, 0) << committed.err;
  }

  void make_key(const std::string& name) const {
    ProcessResult made = run_process(
        "ssh-keygen",
        {"-q", "-t", "ed25519", "-N", "", "-C", name, "-f", (m_dir.path() / name).string()},
        ProcessOptions{m_dir.path(), {}, {}});
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }

  [[nodiscard]] std::string key(const std::string& name) const {
    return (m_dir.path() / name).string();
  }
  [[nodiscard]] std::string public_key(const std::string& name) const {
    return m_dir.read(name + ".pub");
  }

  [[nodiscard]] json approvals() const {
    ProcessResult result = run({"approvals", "hello", "--json"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return json::parse(result.out, nullptr, false);
  }

  [[nodiscard]] std::string note() const {
    return git(root(), {"notes", "--ref", "promptctl", "show", "HEAD"});
  }
};

}  // namespace

TEST_F(SigningTest, AnUnsignedApprovalDoesNotCountWhereSignaturesAreRequired) {
  ProcessResult approved = run({"approve", "hello", "--stage", "qa"}, {}, {}, k_qa);
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  json state = approvals();
  EXPECT_EQ(state["decisions"][0]["signature"], "unsigned");
  EXPECT_EQ(state["environments"][0]["approved"], false);
  EXPECT_EQ(state["environments"][0]["stages"][0]["unsigned_decisions"], 1);

  std::string before = git(root(), {"rev-parse", "HEAD"});
  ProcessResult deploy = run({"deploy", "hello", "--env", "production"});
  EXPECT_EQ(deploy.exit_code, 1) << deploy.err;
  EXPECT_NE(deploy.err.find("1 decision does not count without a verified signature"),
            std::string::npos)
      << deploy.err;
  EXPECT_EQ(git(root(), {"rev-parse", "HEAD"}), before) << "a refused deploy commits nothing";
}

TEST_F(SigningTest, ASignedApprovalByTheAllowedKeyCountsAndIsVerifiableWithSshKeygen) {
  ProcessResult approved =
      run({"approve", "hello", "--stage", "qa", "--signing-key", key("qa")}, {}, {}, k_qa);
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_NE(approved.out.find("(signed, verified)"), std::string::npos) << approved.out;
  json state = approvals();
  EXPECT_EQ(state["decisions"][0]["signature"], "verified");
  EXPECT_EQ(state["environments"][0]["approved"], true);

  // The note holds the payload's fields and an SSH signature that ssh-keygen itself accepts.
  json line = json::parse(note(), nullptr, false);
  ASSERT_TRUE(line.is_object()) << note();
  std::string signature = line["ssh_signature"];
  EXPECT_EQ(signature.rfind("-----BEGIN SSH SIGNATURE-----", 0), 0U);
  line.erase("ssh_signature");
  m_dir.write("payload", "promptctl decision v1\n" + line.dump() + "\n");
  m_dir.write("payload.sig", signature);
  ProcessResult verified = run_process(
      "ssh-keygen",
      {"-Y", "verify", "-f", (root() / "allowed_signers").string(), "-I", "qa@example.com", "-n",
       "promptctl-approval", "-s", (m_dir.path() / "payload.sig").string()},
      ProcessOptions{m_dir.path(), m_dir.read("payload"), {}});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  ProcessResult deploy = run({"deploy", "hello", "--env", "production"});
  EXPECT_EQ(deploy.exit_code, 0) << deploy.err;
}

TEST_F(SigningTest, AForgedIdentityOrAnEditedNoteDoesNotVerify) {
  // Mallory claims QA's address but can sign only with her own key.
  ProcessResult forged =
      run({"approve", "hello", "--stage", "qa", "--signing-key", key("mallory")}, {}, {}, k_qa);
  ASSERT_EQ(forged.exit_code, 0) << forged.err;
  EXPECT_NE(forged.out.find("(signature does not verify: "), std::string::npos) << forged.out;
  json state = approvals();
  EXPECT_EQ(state["decisions"][0]["signature"], "unverified");
  EXPECT_EQ(state["environments"][0]["approved"], false);
  EXPECT_NE(run({"deploy", "hello", "--env", "production"}).exit_code, 0);

  // QA's genuine approval, then its note edited to name another stage's comment: the payload
  // no longer matches the signature.
  ProcessResult genuine =
      run({"approve", "hello", "--stage", "qa", "--signing-key", key("qa"), "-m", "looks right"},
          {}, {}, k_qa);
  ASSERT_EQ(genuine.exit_code, 0) << genuine.err;
  EXPECT_EQ(approvals()["environments"][0]["approved"], true);
  std::string original = note();
  std::string edited = original;
  size_t at = edited.find("looks right");
  ASSERT_NE(at, std::string::npos) << edited;
  edited.replace(at, 11, "looks wrong");
  git(root(), {"notes", "--ref", "promptctl", "add", "-f", "-m", edited, "HEAD"});
  json after = approvals();
  EXPECT_EQ(after["decisions"][1]["signature"], "unverified");
  EXPECT_EQ(after["environments"][0]["approved"], false);
  // The edit is also in the notes' history: check names it.
  ProcessResult checked = run({"check", "--json"});
  EXPECT_EQ(checked.exit_code, 1) << checked.out << checked.err;
  EXPECT_NE(checked.out.find("approve qa of hello by qa@example.com"), std::string::npos)
      << checked.out;
}

TEST_F(SigningTest, GitsSshSigningKeySignsByDefault) {
  git(root(), {"config", "gpg.format", "ssh"});
  git(root(), {"config", "user.signingkey", key("qa")});
  ProcessResult approved = run({"approve", "hello", "--stage", "qa"}, {}, {}, k_qa);
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_EQ(approvals()["decisions"][0]["signature"], "verified");

  ProcessResult unsigned_again =
      run({"approve", "hello", "--stage", "qa", "--no-sign"}, {}, {}, k_qa);
  EXPECT_EQ(unsigned_again.exit_code, 2) << "already approved: " << unsigned_again.err;

  git(root(), {"config", "--unset", "gpg.format"});
  ProcessResult no_key = run({"approve", "hello", "--stage", "qa", "--sign"}, {}, {}, k_qa);
  EXPECT_EQ(no_key.exit_code, 2) << no_key.err;
  EXPECT_NE(no_key.err.find("--sign needs an SSH key"), std::string::npos) << no_key.err;
}

TEST_F(SigningTest, CheckNamesTheNotesCommitThatRemovedAnApproval) {
  ASSERT_EQ(run({"approve", "hello", "--stage", "qa", "-m", "fine"}, {}, {}, k_qa).exit_code, 0);
  ProcessResult clean = run({"check"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;

  // Deleted with the plain git CLI: the approval is gone from the notes, but not from their
  // history.
  git(root(), {"notes", "--ref", "promptctl", "remove", "HEAD"});
  std::string remover = git(root(), {"rev-parse", "refs/notes/promptctl"});
  ProcessResult checked = run({"check", "--json"});
  EXPECT_EQ(checked.exit_code, 1) << checked.out << checked.err;
  json report = json::parse(checked.out, nullptr, false);
  ASSERT_EQ(report["approvals_removed"].size(), 1U) << checked.out;
  EXPECT_EQ(report["approvals_removed"][0]["commit"], remover.substr(0, 40));
  EXPECT_EQ(report["approvals_removed"][0]["removed"], "approve qa of hello by qa@example.com");
  ProcessResult text = run({"check"});
  EXPECT_NE(text.out.find("approval history: notes commit " + remover.substr(0, 7)),
            std::string::npos)
      << text.out;
}

// Deployers: who may move a pin is checked when the deploy is made and again by `check`, from
// the commit that set the pin and its signature, which git itself verifies too.
class DeployRolesTest : public SigningTest {
 protected:
  void SetUp() override {
    SigningTest::SetUp();
    make_key("ops");
    make_key("oncall");
    write("promptctl.yaml",
          "version: 1\n"
          "environments:\n"
          "  production:\n"
          "    requires: [qa]\n"
          "    approvers: {qa: [qa@example.com]}\n"
          "    require_signed: true\n"
          "    deployers: [ops@example.com]\n"
          "    emergency_deployers: [oncall@example.com]\n");
    write("allowed_signers", "qa@example.com " + public_key("qa") + "ops@example.com " +
                                 public_key("ops") + "oncall@example.com " + public_key("oncall"));
    git(root(), {"add", "-A"});
    git(root(), {"commit", "-qm", "policy with deployers"});
    approve_head();
  }

  void approve_head() const {
    ProcessResult approved =
        run({"approve", "hello", "--stage", "qa", "--signing-key", key("qa")}, {}, {}, k_qa);
    ASSERT_EQ(approved.exit_code, 0) << approved.err;
  }

  [[nodiscard]] static std::map<std::string, std::string> as(const std::string& who) {
    return {{"GIT_COMMITTER_NAME", who}, {"GIT_COMMITTER_EMAIL", who + "@example.com"}};
  }

  [[nodiscard]] std::string head() const {
    std::string id = git(root(), {"rev-parse", "HEAD"});
    return id.substr(0, id.find('\n'));
  }

  void commit_new_version(const std::string& text) const {
    write("prompts/hello.yaml", "model: {provider: echo, name: e}\ntemplate: " + text + "\n");
    ASSERT_EQ(run({"commit", "-m", text}).exit_code, 0);
  }

  [[nodiscard]] ProcessResult git_as(const std::string& who,
                                     const std::vector<std::string>& args) const {
    return run_process("git", args, ProcessOptions{root(), {}, as(who)});
  }
};

TEST_F(DeployRolesTest, OnlyADeployerWithAVerifiedKeyMayDeploy) {
  std::string before = head();
  ProcessResult stranger =
      run({"deploy", "hello", "--env", "production", "--signing-key", key("mallory")}, {}, {},
          as("dev"));
  EXPECT_EQ(stranger.exit_code, 1) << stranger.err;
  EXPECT_NE(stranger.err.find("dev <dev@example.com> may not deploy in production"),
            std::string::npos)
      << stranger.err;

  ProcessResult unsigned_deploy =
      run({"deploy", "hello", "--env", "production", "--no-sign"}, {}, {}, as("ops"));
  EXPECT_EQ(unsigned_deploy.exit_code, 1);
  EXPECT_NE(unsigned_deploy.err.find("production requires signed deploys"), std::string::npos)
      << unsigned_deploy.err;

  ProcessResult wrong_key =
      run({"deploy", "hello", "--env", "production", "--signing-key", key("mallory")}, {}, {},
          as("ops"));
  EXPECT_EQ(wrong_key.exit_code, 1);
  EXPECT_NE(wrong_key.err.find("the deploy commit's signature does not verify"), std::string::npos)
      << wrong_key.err;
  EXPECT_EQ(head(), before) << "no refused deploy commits anything";

  ProcessResult deployed = run(
      {"deploy", "hello", "--env", "production", "--signing-key", key("ops")}, {}, {}, as("ops"));
  ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
  EXPECT_NE(head(), before);
  // git verifies the deploy commit's signature with the same allowed signers file.
  ProcessResult verified =
      git_as("ops", {"-c", "gpg.ssh.allowedSignersFile=" + (root() / "allowed_signers").string(),
                     "verify-commit", "HEAD"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_NE(verified.err.find("Good \"git\" signature for ops@example.com"), std::string::npos)
      << verified.err;
  ProcessResult checked = run({"check"});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
}

TEST_F(DeployRolesTest, CheckNamesAPinSetByAnUnsignedOrUnlistedCommit) {
  ASSERT_EQ(run({"deploy", "hello", "--env", "production", "--signing-key", key("ops")}, {}, {},
                as("ops"))
                .exit_code,
            0);
  commit_new_version("Hi");
  approve_head();
  ASSERT_EQ(run({"deploy", "hello", "--env", "production", "--signing-key", key("ops")}, {}, {},
                as("ops"))
                .exit_code,
            0);
  ASSERT_EQ(run({"check"}).exit_code, 0);

  // Moving the pin back by hand, as the deployer but unsigned.
  ProcessResult reverted = git_as("ops", {"revert", "--no-edit", "HEAD"});
  ASSERT_EQ(reverted.exit_code, 0) << reverted.err;
  std::string revert = head().substr(0, 7);
  ProcessResult unsigned_pin = run({"check"});
  EXPECT_EQ(unsigned_pin.exit_code, 1);
  EXPECT_NE(unsigned_pin.out.find("set by commit " + revert +
                                  " of ops <ops@example.com>, which is not signed"),
            std::string::npos)
      << unsigned_pin.out;

  // And by someone who is no deployer.
  git(root(), {"reset", "-q", "--hard", "HEAD~1"});
  ASSERT_EQ(git_as("dev", {"revert", "--no-edit", "HEAD"}).exit_code, 0);
  ProcessResult stranger_pin = run({"check", "--json"});
  EXPECT_EQ(stranger_pin.exit_code, 1);
  EXPECT_NE(stranger_pin.out.find("of dev <dev@example.com>, who may not deploy here"),
            std::string::npos)
      << stranger_pin.out;
}

TEST_F(DeployRolesTest, OnlyEmergencyDeployersMayBypassApprovals) {
  ASSERT_EQ(run({"deploy", "hello", "--env", "production", "--signing-key", key("ops")}, {}, {},
                as("ops"))
                .exit_code,
            0);
  commit_new_version("Unreviewed");
  std::string unreviewed = head();
  std::vector<std::string> rollback = {"rollback", "hello",        "--env",       "production",
                                       "--to",     unreviewed,     "--emergency", "--reason",
                                       "outage",   "--signing-key"};
  rollback.push_back(key("ops"));
  ProcessResult by_ops = run(rollback, {}, {}, as("ops"));
  EXPECT_EQ(by_ops.exit_code, 1);
  EXPECT_NE(by_ops.err.find("may not move a pin past missing approvals in production"),
            std::string::npos)
      << by_ops.err;

  rollback.back() = key("oncall");
  ProcessResult by_oncall = run(rollback, {}, {}, as("oncall"));
  ASSERT_EQ(by_oncall.exit_code, 0) << by_oncall.err;
  ProcessResult checked = run({"check", "--json"});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_NE(checked.out.find("\"emergency\": true"), std::string::npos) << checked.out;
}

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

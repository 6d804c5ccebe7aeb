// Providers behind private gateways: a certificate authority of the user's choosing, from the
// user configuration or the standard variables, and a client certificate for gateways that ask
// for one. The gateway is the loopback provider behind a real TLS front with a CA made here.
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "e2e/e2e.hpp"
#include "support/git_http_server.hpp"
#include "support/provider_server.hpp"
#include "support/tls_front.hpp"

using namespace promptctl::testing;

namespace {

// A certificate authority, a server certificate for 127.0.0.1 and a client certificate, made
// once for the suite with the openssl program.
class TestPki {
 public:
  TestPki() {
    // The name also as a DNS name: mbedTLS (libgit2's TLS on Debian) matches only those.
    m_dir.write("server.ext",
                "subjectAltName=IP:127.0.0.1,DNS:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    m_dir.write("client.ext", "extendedKeyUsage=clientAuth\n");
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj",
             "/CN=promptctl test CA"});
    for (const char* name : {"server", "client"}) {
      std::string base = name;
      openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
               "-keyout", base + ".key", "-out", base + ".csr", "-subj", "/CN=" + base});
      openssl({"x509", "-req", "-in", base + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
               "-CAcreateserial", "-days", "2", "-out", base + ".pem", "-extfile", base + ".ext"});
      ::chmod(path(base + ".key").c_str(), 0600);
    }
    // A folder of hashed certificates, as SSL_CERT_DIR and ca_path expect.
    std::filesystem::create_directory(path("cas"));
    std::filesystem::copy_file(path("ca.pem"), path("cas/ca.pem"));
    openssl({"rehash", path("cas")});
  }

  [[nodiscard]] std::string path(const std::string& name) const {
    return (m_dir.path() / name).string();
  }

 private:
  void openssl(const std::vector<std::string>& args) const {
    ProcessOptions options;
    options.cwd = m_dir.path();
    ProcessResult result = run_process("openssl", args, options);
    if (result.exit_code != 0) {
      throw std::runtime_error("openssl " + args[0] + " failed: " + result.err);
    }
  }

  TempDir m_dir;
};

class TlsTest : public RepoTest {
 protected:
  static void SetUpTestSuite() { s_pki = std::make_unique<TestPki>(); }
  static void TearDownTestSuite() { s_pki.reset(); }

  void SetUp() override {
    RepoTest::SetUp();
    write("prompts/hello.yaml", "model: {provider: gateway, name: gpt-test}\ntemplate: Hello\n");
  }

  // The user configuration, declaring the gateway at `url` with `extra` fields.
  void configure(const std::string& url, const std::string& extra = "") const {
    m_dir.write(".config/promptctl/config.yaml",
                "providers:\n  gateway: {type: openai-compatible, base_url: '" + url +
                    "/v1', max_retries: 0" + extra + "}\n");
  }

  [[nodiscard]] ProcessResult run_hello(const std::map<std::string, std::string>& extra = {}) {
    std::map<std::string, std::string> env = {
        {"XDG_CONFIG_HOME", (m_dir.path() / ".config").string()}};
    env.insert(extra.begin(), extra.end());
    return run({"run", "hello"}, {}, {}, env);
  }

  static std::unique_ptr<TestPki> s_pki;
  ProviderServer m_server{ProviderServer::Options{"", 0, 0}};
};

std::unique_ptr<TestPki> TlsTest::s_pki;

}  // namespace

TEST_F(TlsTest, APrivateCertificateAuthorityIsTrustedOnlyWhenTheUserSaysSo) {
  TlsFront front({s_pki->path("server.pem"), s_pki->path("server.key"), "", m_server.port()});
  configure(front.url());
  ProcessResult untrusted = run_hello();
  EXPECT_EQ(untrusted.exit_code, 5) << untrusted.out << untrusted.err;
  EXPECT_NE(untrusted.err.find("TLS failure"), std::string::npos) << untrusted.err;
  EXPECT_EQ(m_server.request_count(), 0U);

  for (const char* variable : {"SSL_CERT_FILE", "CURL_CA_BUNDLE"}) {
    ProcessResult trusted = run_hello({{variable, s_pki->path("ca.pem")}});
    EXPECT_EQ(trusted.exit_code, 0) << variable << ": " << trusted.err;
    EXPECT_EQ(trusted.out, "echo: Hello") << variable;
  }
  ProcessResult folder = run_hello({{"SSL_CERT_DIR", s_pki->path("cas")}});
  EXPECT_EQ(folder.exit_code, 0) << folder.err;

  configure(front.url(), ", ca_file: '" + s_pki->path("ca.pem") + "'");
  ProcessResult configured = run_hello();
  EXPECT_EQ(configured.exit_code, 0) << configured.err;
  configure(front.url(), ", ca_path: '" + s_pki->path("cas") + "'");
  ProcessResult configured_folder = run_hello();
  EXPECT_EQ(configured_folder.exit_code, 0) << configured_folder.err;
  EXPECT_EQ(m_server.request_count(), 5U);
}

TEST_F(TlsTest, AGatewayThatAsksForAClientCertificateGetsTheUsersOwn) {
  TlsFront front({s_pki->path("server.pem"), s_pki->path("server.key"), s_pki->path("ca.pem"),
                  m_server.port()});
  std::string trust = ", ca_file: '" + s_pki->path("ca.pem") + "'";
  configure(front.url(), trust);
  ProcessResult without = run_hello();
  EXPECT_EQ(without.exit_code, 5) << without.out << without.err;
  EXPECT_EQ(m_server.request_count(), 0U);
  EXPECT_GE(front.refusals(), 1U);

  std::string client = ", client_cert: '" + s_pki->path("client.pem") + "', client_key: '" +
                       s_pki->path("client.key") + "'";
  configure(front.url(), trust + client);
  ProcessResult with = run_hello();
  EXPECT_EQ(with.exit_code, 0) << with.err;
  EXPECT_EQ(with.out, "echo: Hello");
  EXPECT_EQ(m_server.request_count(), 1U);

  // A private key others can read is refused before anything is sent, as ssh does.
  std::filesystem::copy_file(s_pki->path("client.key"), m_dir.path() / "shared.key");
  ::chmod((m_dir.path() / "shared.key").c_str(), 0644);
  configure(front.url(), trust + ", client_cert: '" + s_pki->path("client.pem") +
                             "', client_key: '" + (m_dir.path() / "shared.key").string() + "'");
  ProcessResult shared = run_hello();
  EXPECT_EQ(shared.exit_code, 2) << shared.err;
  EXPECT_NE(shared.err.find("the client key '" + (m_dir.path() / "shared.key").string() +
                            "' of provider 'gateway' can be read by other users"),
            std::string::npos)
      << shared.err;
  EXPECT_EQ(m_server.request_count(), 1U);

  configure(front.url(), trust + ", client_cert: '" + s_pki->path("client.pem") + "'");
  ProcessResult half = run_hello();
  EXPECT_EQ(half.exit_code, 2) << half.err;
  EXPECT_NE(half.err.find("needs both 'client_cert' and 'client_key'"), std::string::npos)
      << half.err;
}

TEST_F(TlsTest, AMissingCertificateFileIsNamedWithWhereItCameFrom) {
  TlsFront front({s_pki->path("server.pem"), s_pki->path("server.key"), "", m_server.port()});
  configure(front.url());
  ProcessResult result = run_hello({{"SSL_CERT_FILE", "/nonexistent/ca.pem"}});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("the CA file (SSL_CERT_FILE) '/nonexistent/ca.pem' of provider "
                            "'gateway' does not exist"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(front.handshakes(), 0U);
}

TEST_F(TlsTest, TheRepositoryCannotChooseWhichAuthorityVouchesForAnAddress) {
  write("promptctl.yaml", "version: 1\nproviders:\n  openai: {ca_file: certs/ca.pem}\n");
  ProcessResult result = run({"run", "hello"});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(
      result.err.find("promptctl.yaml:3:21: error: 'providers.openai.ca_file' belongs in the user "
                      "configuration, not in a committed file"),
      std::string::npos)
      << result.err;
}

// libgit2 checks an HTTPS remote against the system's certificate bundle, which promptctl has it
// load only when a transfer starts (src/repo/certificates.hpp). The bundle is replaced, in a
// mount namespace of the test's own, by one that also holds the test's certificate authority.
TEST_F(TlsTest, AnHttpsRemoteIsCheckedAgainstTheSystemsCertificates) {
  const std::string bundle = "/etc/ssl/certs/ca-certificates.crt";
  if (!std::filesystem::is_regular_file(bundle)) {
    GTEST_SKIP() << "no system certificate bundle at " << bundle;
  }
  ProcessResult namespaced = run_process("unshare", {"-m", "true"}, ProcessOptions{});
  if (namespaced.exit_code != 0) {
    GTEST_SKIP() << "cannot make a mount namespace: " << namespaced.err;
  }
  git(root(), {"add", "-A"});
  git(root(), {"commit", "-q", "-m", "one"});
  git(m_dir.path(), {"clone", "-q", "--bare", root().string(), "hub.git"});
  const std::string token = "tok3n-s3cret";
  GitHttpServer server(m_dir.path(), "ci-bot", token);
  TlsFront front({s_pki->path("server.pem"), s_pki->path("server.key"), "", server.port()});
  const std::string url = front.url() + "/hub.git";
  ProcessOptions options;
  options.cwd = m_dir.path();
  options.env = {{"PROMPTCTL_GIT_TOKEN", token}, {"PROMPTCTL_GIT_USERNAME", "ci-bot"}};

  ProcessResult untrusted = run_promptctl({"clone", url, "untrusted"}, options);
  EXPECT_EQ(untrusted.exit_code, 3) << untrusted.err;
  EXPECT_NE(untrusted.err.find("certificate"), std::string::npos) << untrusted.err;
  EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "untrusted"));

  std::ifstream system_bundle(bundle);
  std::ostringstream both;
  both << system_bundle.rdbuf() << m_dir.read(s_pki->path("ca.pem"));
  m_dir.write("bundle.crt", both.str());
  ProcessResult trusted = run_process(
      "unshare",
      {"-m", "sh", "-c", "mount --bind \"$1\" \"$2\" && exec \"$3\" clone \"$4\" trusted", "sh",
       (m_dir.path() / "bundle.crt").string(), bundle, PROMPTCTL_BINARY, url},
      options);
  ASSERT_EQ(trusted.exit_code, 0) << trusted.err;
  EXPECT_EQ(git(m_dir.path() / "trusted", {"rev-parse", "HEAD"}),
            git(root(), {"rev-parse", "HEAD"}));
}

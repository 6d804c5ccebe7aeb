// libgit2's set-up leaves the system's certificate bundle unparsed, for the first transfer to
// load. Where libgit2 does TLS with mbedTLS (as Debian builds it), the bundle its set-up named
// is noted instead of parsed, and loading it later parses every certificate in it.
#include <gtest/gtest.h>

#include "repo/certificates.hpp"
#include "repo/git_api.hpp"

using namespace promptctl;

TEST(Certificates, TheBundleLibgit2NamesIsParsedWhenATransferFirstNeedsIt) {
  repo::git();
  repo::CertificateDeferral deferred = repo::certificate_deferral();
  if (deferred.file.empty()) {
    GTEST_SKIP() << "this libgit2 does not load certificates through mbedTLS, or finds none";
  }
  repo::load_system_certificates();
  repo::CertificateDeferral loaded = repo::certificate_deferral();
  EXPECT_EQ(loaded.file, deferred.file);
  EXPECT_TRUE(loaded.loaded);
  EXPECT_EQ(loaded.result, 0) << "certificates in " << loaded.file << " that mbedTLS refused";
}

TEST(Certificates, OnlyARemoteReachedOverHttpNeedsThem) {
  for (const char* url : {"https://git.example.com/team/prompts.git", "HTTPS://git.example.com/x",
                          "http://git.example.com/x", "http://127.0.0.1:8080/hub.git"}) {
    EXPECT_TRUE(repo::needs_system_certificates(url)) << url;
  }
  for (const char* url :
       {"/srv/git/prompts.git", "../hub.git", "hub.git", "file:///srv/git/hub.git",
        "ssh://git@git.example.com/team/prompts.git", "git@git.example.com:team/prompts.git", ""}) {
    EXPECT_FALSE(repo::needs_system_certificates(url)) << url;
  }
}

#include "util/url.hpp"

#include <gtest/gtest.h>

using namespace promptctl;

TEST(Url, PartsOfAUrl) {
  auto parts = util::parse_url("HTTPS://user:secret@API.Example.com:8443/v1/chat?x=1");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->scheme, "https");
  EXPECT_EQ(parts->userinfo, "user:secret");
  EXPECT_EQ(parts->host, "api.example.com");
  EXPECT_EQ(parts->port, "8443");
  EXPECT_EQ(parts->path, "/v1/chat?x=1");
  auto v6 = util::parse_url("http://[::1]:11434");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "11434");
  EXPECT_FALSE(util::parse_url("api.example.com/v1"));
  EXPECT_FALSE(util::parse_url("http://"));
}

TEST(Url, LoopbackIsThisMachineOnly) {
  for (const char* url : {"http://127.0.0.1:8080/v1", "http://localhost", "http://[::1]:1/",
                          "http://127.1.2.3", "http://LOCALHOST:9"}) {
    EXPECT_TRUE(util::is_loopback_url(url)) << url;
  }
  for (const char* url : {"http://127.0.0.1.evil.example/", "http://localhost.evil.example",
                          "http://10.0.0.1", "http://128.0.0.1", "http://127.0.0.256",
                          "http://evil.example/127.0.0.1", "http://127.0.0.1@evil.example/"}) {
    EXPECT_FALSE(util::is_loopback_url(url)) << url;
  }
}

TEST(Url, UnderAPrefixMeansSameOriginAndAPathBelow) {
  EXPECT_TRUE(util::url_is_under("https://gw.example/v1", "https://gw.example"));
  EXPECT_TRUE(util::url_is_under("https://gw.example/v1", "https://gw.example/v1/"));
  EXPECT_TRUE(util::url_is_under("https://gw.example:443/v1/x", "https://gw.example/v1"));
  EXPECT_FALSE(util::url_is_under("https://gw.example/v10", "https://gw.example/v1"));
  EXPECT_FALSE(util::url_is_under("https://gw.example.evil/v1", "https://gw.example"));
  EXPECT_FALSE(util::url_is_under("http://gw.example/v1", "https://gw.example"));
  EXPECT_FALSE(util::url_is_under("https://gw.example:8443/v1", "https://gw.example"));
  EXPECT_FALSE(
      util::url_is_under("https://evil.example/?https://gw.example", "https://gw.example"));
}

TEST(Url, PasswordsInUrlsAreMasked) {
  EXPECT_EQ(util::redact_url_credentials("cannot reach http://me:sk-123@host/v1: refused"),
            "cannot reach http://me:***@host/v1: refused");
  EXPECT_EQ(util::redact_url_credentials("ssh://git@host/x and https://h/y"),
            "ssh://git@host/x and https://h/y");
}

TEST(Url, CleartextToAnotherMachine) {
  EXPECT_TRUE(util::is_cleartext_to_another_machine("http://git.example/repo.git"));
  EXPECT_TRUE(util::is_cleartext_to_another_machine("HTTP://10.0.0.1:8080/x"));
  EXPECT_FALSE(util::is_cleartext_to_another_machine("https://git.example/repo.git"));
  EXPECT_FALSE(util::is_cleartext_to_another_machine("http://127.0.0.1:9418/repo.git"));
  EXPECT_FALSE(util::is_cleartext_to_another_machine("ssh://git@git.example/repo.git"));
}

#include "exec/credentials.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace promptctl;

namespace {

// At namespace scope: GCC 12 warns falsely about string literals pushed inside a test body.
const std::vector<std::string> k_look_alikes = {"https://gateway.example.evil",
                                                "https://gateway.example/v"};
const std::vector<std::string> k_gateway = {"https://other.example", "https://gateway.example"};

// A key in the environment for the length of one test.
class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("PROMPTCTL_UNIT_KEY", "sk-unit-0123456789", 1); }
  void TearDown() override { ::unsetenv("PROMPTCTL_UNIT_KEY"); }

  static ProviderSettings provider(const std::string& base_url) {
    ProviderSettings settings;
    settings.name = "p";
    settings.type = ProviderType::openai_compatible;
    settings.base_url = base_url;
    settings.key_variable = "PROMPTCTL_UNIT_KEY";
    settings.key_required = true;
    return settings;
  }

  static std::string refusal(const ProviderSettings& settings) {
    try {
      (void)exec_detail::credentials_for(settings);
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).find("sk-unit"), std::string::npos) << e.what();
      return e.message();
    }
    return "";
  }
};

}  // namespace

TEST_F(CredentialsTest, KeysGoOverPlainHttpOnlyToThisMachine) {
  EXPECT_EQ(refusal(provider("http://gateway.example/v1")),
            "refusing to send the key in PROMPTCTL_UNIT_KEY of provider 'p' over plain http to "
            "'http://gateway.example/v1'");
  EXPECT_EQ(refusal(provider("http://me:sk-unit-0123456789@gateway.example/v1")),
            "refusing to send the key in PROMPTCTL_UNIT_KEY of provider 'p' over plain http to "
            "'http://me:***@gateway.example/v1'");
  EXPECT_EQ(refusal(provider("https://gateway.example/v1")), "");
  EXPECT_EQ(refusal(provider("http://127.0.0.1:8000/v1")), "");
  EXPECT_EQ(refusal(provider("http://localhost:8000/v1")), "");
  ProviderSettings keyless = provider("http://gateway.example/v1");
  keyless.key_variable.clear();
  keyless.key_required = false;
  EXPECT_EQ(refusal(keyless), "");
}

TEST_F(CredentialsTest, WhatTheRepositoryChoseNeedsTheUsersTrust) {
  ProviderSettings chosen = provider("https://gateway.example/v1");
  chosen.base_url_from_repository = true;
  EXPECT_NE(refusal(chosen).find("the repository's promptctl.yaml chose that address"),
            std::string::npos);
  chosen.trusted_endpoints = k_look_alikes;
  EXPECT_NE(refusal(chosen), "");
  chosen.trusted_endpoints = k_gateway;
  EXPECT_EQ(refusal(chosen), "");

  ProviderSettings variable = provider("https://api.example/v1");
  variable.key_variable_from_repository = true;
  EXPECT_NE(refusal(variable).find("chose what is sent there"), std::string::npos);

  ProviderSettings headers = provider("https://api.example/v1");
  headers.key_variable.clear();
  headers.key_required = false;
  headers.headers_from_repository = true;
  headers.headers.emplace_back("X-Team", "prompts");
  EXPECT_EQ(refusal(headers), "") << "a header without a variable is no secret";
  headers.headers.emplace_back("X-Token", "${PROMPTCTL_UNIT_KEY}");
  EXPECT_EQ(refusal(headers),
            "refusing to send header 'X-Token' of provider 'p' to 'https://api.example/v1': the "
            "repository's promptctl.yaml chose what is sent there, and only the user decides "
            "where secrets go");
}

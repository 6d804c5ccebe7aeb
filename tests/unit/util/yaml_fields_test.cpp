#include "util/yaml_fields.hpp"

#include <gtest/gtest.h>

namespace promptctl::util {
namespace {

TEST(YamlFieldsTest, FindsAValueWhereItIsWritten) {
  const YAML::Node map = YAML::Load("name: a\nmodel:\n  provider: p\nempty:\n");
  const YamlFields fields(map);
  EXPECT_EQ(fields["name"].Scalar(), "a");
  EXPECT_EQ(fields["model"].Mark().line, 2);  // lines count from 0
  ASSERT_TRUE(fields["empty"]);               // written without a value: there, and null
  EXPECT_TRUE(fields["empty"].IsNull());
}

TEST(YamlFieldsTest, AKeyTheMappingLacksIsUndefined) {
  const YamlFields fields(YAML::Load("name: a"));
  YAML::Node absent = fields["model"];
  EXPECT_FALSE(absent);
  EXPECT_FALSE(absent.IsDefined());
  EXPECT_EQ(absent.Type(), YAML::NodeType::Undefined);
  EXPECT_FALSE(fields["Name"]);  // keys are matched exactly
}

TEST(YamlFieldsTest, WhatIsNotAMappingHasNoFields) {
  for (const char* text : {"- name", "name", "~"}) {
    EXPECT_FALSE(YamlFields(YAML::Load(text))["name"]) << text;
  }
  EXPECT_FALSE(YamlFields(YAML::Node(YAML::NodeType::Undefined))["name"]);
}

}  // namespace
}  // namespace promptctl::util

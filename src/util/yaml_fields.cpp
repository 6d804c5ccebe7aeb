#include "util/yaml_fields.hpp"

namespace promptctl::util {

YamlFields::YamlFields(const YAML::Node& map) {
  if (!map.IsMap()) {
    return;
  }
  m_entries.reserve(map.size());
  for (const auto& entry : map) {
    m_entries.emplace_back(entry.first, entry.second);
  }
}

YAML::Node YamlFields::operator[](std::string_view key) const {
  for (const auto& [name, value] : m_entries) {
    if (name.IsScalar() && name.Scalar() == key) {
      return value;
    }
  }
  // One undefined node stands for every absent key: made once, it costs a reference count.
  static const YAML::Node absent(YAML::NodeType::Undefined);
  return absent;
}

}  // namespace promptctl::util

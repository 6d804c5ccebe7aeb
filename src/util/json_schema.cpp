#include "util/json_schema.hpp"
#include "util/regex.hpp"

#include <cmath>
#include <optional>
#include <stdexcept>

namespace promptctl::util {
namespace {

using nlohmann::json;

std::size_t code_points(const std::string& text) {
  std::size_t count = 0;
  for (unsigned char c : text) {
    count += (c & 0xC0) != 0x80 ? 1 : 0;
  }
  return count;
}

std::string escape_pointer_token(const std::string& token) {
  std::string out;
  for (char c : token) {
    out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  }
  return out;
}

bool has_type(const json& value, const std::string& type) {
  if (type == "null")
    return value.is_null();
  if (type == "boolean")
    return value.is_boolean();
  if (type == "object")
    return value.is_object();
  if (type == "array")
    return value.is_array();
  if (type == "string")
    return value.is_string();
  if (type == "number")
    return value.is_number();
  if (type == "integer") {
    return value.is_number_integer() ||
           (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>());
  }
  return false;
}

std::string type_name(const json& value) {
  if (value.is_number_integer())
    return "integer";
  if (value.is_number())
    return "number";
  return value.type_name();
}

class Checker {
 public:
  explicit Checker(const json& root) : m_root(root) {}

  void check(const json& schema, const json& value, const std::string& at) {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) {
        fail(at, "no value is allowed here");
      }
      return;
    }
    if (!schema.is_object()) {
      throw std::invalid_argument("a schema must be an object or a boolean");
    }
    if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
      if (++m_depth > 64) {
        throw std::invalid_argument("'$ref' nests too deeply (a cycle?)");
      }
      check(resolve(ref->get<std::string>()), value, at);
      --m_depth;
    }
    check_type(schema, value, at);
    check_values(schema, value, at);
    check_combinators(schema, value, at);
    if (value.is_string()) {
      check_string(schema, value.get<std::string>(), at);
    } else if (value.is_number()) {
      check_number(schema, value.get<double>(), at);
    } else if (value.is_array()) {
      check_array(schema, value, at);
    } else if (value.is_object()) {
      check_object(schema, value, at);
    }
  }

  [[nodiscard]] const json& resolve(const std::string& ref) const {
    if (ref == "#") {
      return m_root;
    }
    if (!ref.starts_with("#/")) {
      throw std::invalid_argument("'$ref' '" + ref + "' is not a reference inside the schema");
    }
    try {
      return m_root.at(json::json_pointer(ref.substr(1)));
    } catch (const json::exception&) {
      throw std::invalid_argument("'$ref' '" + ref + "' points nowhere in the schema");
    }
  }

  std::vector<SchemaViolation> violations;

 private:
  void fail(const std::string& at, std::string message) {
    violations.push_back({at, std::move(message)});
  }

  void check_type(const json& schema, const json& value, const std::string& at) {
    auto type = schema.find("type");
    if (type == schema.end()) {
      return;
    }
    std::vector<std::string> allowed;
    if (type->is_string()) {
      allowed.push_back(type->get<std::string>());
    } else if (type->is_array()) {
      for (const json& entry : *type) {
        if (entry.is_string()) {
          allowed.push_back(entry.get<std::string>());
        }
      }
    }
    for (const std::string& name : allowed) {
      if (has_type(value, name)) {
        return;
      }
    }
    std::string expected;
    for (const std::string& name : allowed) {
      expected += (expected.empty() ? "" : " or ") + name;
    }
    fail(at, "expected " + expected + ", got " + type_name(value));
  }

  void check_values(const json& schema, const json& value, const std::string& at) {
    if (auto constant = schema.find("const"); constant != schema.end() && *constant != value) {
      fail(at, "expected " + constant->dump() + ", got " + value.dump());
    }
    if (auto choices = schema.find("enum"); choices != schema.end() && choices->is_array()) {
      for (const json& choice : *choices) {
        if (choice == value) {
          return;
        }
      }
      fail(at, value.dump() + " is not one of " + choices->dump());
    }
  }

  std::size_t count_matching(const json& schemas, const json& value, const std::string& at) {
    std::size_t matching = 0;
    for (const json& option : schemas) {
      Checker inner(m_root);
      inner.m_depth = m_depth;
      inner.check(option, value, at);
      matching += inner.violations.empty() ? 1 : 0;
    }
    return matching;
  }

  void check_combinators(const json& schema, const json& value, const std::string& at) {
    if (auto all = schema.find("allOf"); all != schema.end() && all->is_array()) {
      for (const json& part : *all) {
        check(part, value, at);
      }
    }
    if (auto any = schema.find("anyOf"); any != schema.end() && any->is_array()) {
      if (count_matching(*any, value, at) == 0) {
        fail(at, "matches none of the schemas in 'anyOf'");
      }
    }
    if (auto one = schema.find("oneOf"); one != schema.end() && one->is_array()) {
      std::size_t matching = count_matching(*one, value, at);
      if (matching != 1) {
        fail(at, "matches " + std::to_string(matching) + " of the schemas in 'oneOf', not one");
      }
    }
    if (auto negated = schema.find("not"); negated != schema.end()) {
      if (count_matching(json::array({*negated}), value, at) == 1) {
        fail(at, "matches the schema in 'not'");
      }
    }
  }

  void check_string(const json& schema, const std::string& text, const std::string& at) {
    std::size_t length = code_points(text);
    if (auto min = schema.find("minLength"); min != schema.end() && min->is_number() &&
                                             static_cast<double>(length) < min->get<double>()) {
      fail(at, "is " + std::to_string(length) + " characters, fewer than " + min->dump());
    }
    if (auto max = schema.find("maxLength"); max != schema.end() && max->is_number() &&
                                             static_cast<double>(length) > max->get<double>()) {
      fail(at, "is " + std::to_string(length) + " characters, more than " + max->dump());
    }
    if (auto pattern = schema.find("pattern"); pattern != schema.end() && pattern->is_string()) {
      try {
        if (!Regex(pattern->get<std::string>()).search(text)) {
          fail(at, "does not match the pattern " + pattern->dump());
        }
      } catch (const RegexError& e) {
        fail(at, "could not be checked against the pattern " + pattern->dump() + ": " + e.what());
      }
    }
  }

  void check_number(const json& schema, double number, const std::string& at) {
    auto bound = [&](const char* keyword, auto breaks, const char* words) {
      auto found = schema.find(keyword);
      if (found != schema.end() && found->is_number() && breaks(number, found->get<double>())) {
        fail(at, json(number).dump() + " is " + words + " " + found->dump());
      }
    };
    bound(
        "minimum", [](double v, double b) { return v < b; }, "less than");
    bound(
        "maximum", [](double v, double b) { return v > b; }, "more than");
    bound(
        "exclusiveMinimum", [](double v, double b) { return v <= b; }, "not more than");
    bound(
        "exclusiveMaximum", [](double v, double b) { return v >= b; }, "not less than");
    if (auto step = schema.find("multipleOf");
        step != schema.end() && step->is_number() && step->get<double>() > 0) {
      double quotient = number / step->get<double>();
      if (std::fabs(quotient - std::round(quotient)) > 1e-9) {
        fail(at, json(number).dump() + " is not a multiple of " + step->dump());
      }
    }
  }

  void check_array(const json& schema, const json& array, const std::string& at) {
    auto size = static_cast<double>(array.size());
    if (auto min = schema.find("minItems");
        min != schema.end() && min->is_number() && size < min->get<double>()) {
      fail(at, "has " + std::to_string(array.size()) + " items, fewer than " + min->dump());
    }
    if (auto max = schema.find("maxItems");
        max != schema.end() && max->is_number() && size > max->get<double>()) {
      fail(at, "has " + std::to_string(array.size()) + " items, more than " + max->dump());
    }
    if (auto unique = schema.find("uniqueItems");
        unique != schema.end() && unique->is_boolean() && unique->get<bool>()) {
      for (std::size_t i = 0; i < array.size(); ++i) {
        for (std::size_t j = i + 1; j < array.size(); ++j) {
          if (array[i] == array[j]) {
            fail(at, "items " + std::to_string(i) + " and " + std::to_string(j) + " are equal");
          }
        }
      }
    }
    std::size_t first_free = 0;
    if (auto prefix = schema.find("prefixItems"); prefix != schema.end() && prefix->is_array()) {
      for (; first_free < prefix->size() && first_free < array.size(); ++first_free) {
        check((*prefix)[first_free], array[first_free], at + "/" + std::to_string(first_free));
      }
    }
    auto items = schema.find("items");
    if (items == schema.end()) {
      return;
    }
    if (items->is_array()) {  // the older tuple form
      for (std::size_t i = 0; i < items->size() && i < array.size(); ++i) {
        check((*items)[i], array[i], at + "/" + std::to_string(i));
      }
      return;
    }
    for (std::size_t i = first_free; i < array.size(); ++i) {
      check(*items, array[i], at + "/" + std::to_string(i));
    }
  }

  void check_object(const json& schema, const json& object, const std::string& at) {
    auto size = static_cast<double>(object.size());
    if (auto min = schema.find("minProperties");
        min != schema.end() && min->is_number() && size < min->get<double>()) {
      fail(at, "has fewer than " + min->dump() + " properties");
    }
    if (auto max = schema.find("maxProperties");
        max != schema.end() && max->is_number() && size > max->get<double>()) {
      fail(at, "has more than " + max->dump() + " properties");
    }
    if (auto required = schema.find("required"); required != schema.end() && required->is_array()) {
      for (const json& name : *required) {
        if (name.is_string() && !object.contains(name.get<std::string>())) {
          fail(at, "is missing the required property '" + name.get<std::string>() + "'");
        }
      }
    }
    auto properties = schema.find("properties");
    auto patterns = schema.find("patternProperties");
    auto additional = schema.find("additionalProperties");
    for (const auto& [key, member] : object.items()) {
      std::string where = at + "/" + escape_pointer_token(key);
      bool described = false;
      if (properties != schema.end() && properties->is_object() && properties->contains(key)) {
        check((*properties)[key], member, where);
        described = true;
      }
      if (patterns != schema.end() && patterns->is_object()) {
        for (const auto& [pattern, subschema] : patterns->items()) {
          if (key_matches(pattern, key, where)) {
            check(subschema, member, where);
            described = true;
          }
        }
      }
      if (!described && additional != schema.end()) {
        if (additional->is_boolean() && !additional->get<bool>()) {
          fail(where, "is not an allowed property");
        } else if (additional->is_object()) {
          check(*additional, member, where);
        }
      }
    }
  }

  bool key_matches(const std::string& pattern, const std::string& key, const std::string& where) {
    try {
      return Regex(pattern).search(key);
    } catch (const RegexError& e) {
      fail(where, "could not be checked against the pattern '" + pattern + "': " + e.what());
      return false;
    }
  }

  const json& m_root;
  int m_depth = 0;
};

const char* const k_schema_keywords[] = {"items", "additionalProperties", "not"};
const char* const k_schema_list_keywords[] = {"allOf", "anyOf", "oneOf", "prefixItems"};
const char* const k_schema_map_keywords[] = {"properties", "patternProperties", "$defs",
                                             "definitions"};

// Why `pattern` does not compile, if it does not.
std::optional<std::string> regex_problem(const std::string& pattern) {
  try {
    (void)Regex(pattern);
    return std::nullopt;
  } catch (const RegexError& e) {
    return e.what();
  }
}

void collect_problems(const json& root, const json& schema, const std::string& at,
                      std::vector<std::string>& out) {
  if (schema.is_boolean()) {
    return;
  }
  if (!schema.is_object()) {
    out.push_back(at + ": a schema must be an object or a boolean");
    return;
  }
  for (const char* keyword : k_schema_keywords) {
    if (auto found = schema.find(keyword); found != schema.end() && !found->is_array()) {
      collect_problems(root, *found, at + "/" + keyword, out);
    }
  }
  for (const char* keyword : k_schema_list_keywords) {
    if (auto found = schema.find(keyword); found != schema.end()) {
      if (!found->is_array()) {
        out.push_back(at + "/" + keyword + ": must be a list of schemas");
        continue;
      }
      for (std::size_t i = 0; i < found->size(); ++i) {
        collect_problems(root, (*found)[i], at + "/" + keyword + "/" + std::to_string(i), out);
      }
    }
  }
  for (const char* keyword : k_schema_map_keywords) {
    if (auto found = schema.find(keyword); found != schema.end()) {
      if (!found->is_object()) {
        out.push_back(at + "/" + keyword + ": must be a mapping of schemas");
        continue;
      }
      for (const auto& [name, subschema] : found->items()) {
        if (std::string(keyword) == "patternProperties") {
          if (auto problem = regex_problem(name)) {
            out.push_back(at + "/patternProperties: '" + name +
                          "' is not a valid pattern: " + *problem);
          }
        }
        collect_problems(root, subschema, at + "/" + keyword + "/" + escape_pointer_token(name),
                         out);
      }
    }
  }
  if (auto type = schema.find("type");
      type != schema.end() && !type->is_string() && !type->is_array()) {
    out.push_back(at + "/type: must be a type name or a list of them");
  }
  if (auto pattern = schema.find("pattern"); pattern != schema.end()) {
    std::optional<std::string> problem = pattern->is_string()
                                             ? regex_problem(pattern->get<std::string>())
                                             : std::optional<std::string>("it is not a text");
    if (problem) {
      out.push_back(at + "/pattern: " + pattern->dump() + " is not a valid pattern: " + *problem);
    }
  }
  if (auto ref = schema.find("$ref"); ref != schema.end()) {
    try {
      (void)Checker(root).resolve(ref->is_string() ? ref->get<std::string>() : "");
    } catch (const std::invalid_argument& e) {
      out.push_back(at + ": " + e.what());
    }
  }
}

}  // namespace

std::vector<SchemaViolation> check_json_schema(const json& schema, const json& value) {
  Checker checker(schema);
  checker.check(schema, value, "");
  return std::move(checker.violations);
}

std::string describe_violations(const std::vector<SchemaViolation>& violations, std::size_t named) {
  std::string text;
  for (std::size_t i = 0; i < violations.size() && i < named; ++i) {
    const SchemaViolation& violation = violations[i];
    text += (i > 0 ? "; " : "") +
            (violation.pointer.empty() ? std::string("the answer") : violation.pointer) + ": " +
            violation.message;
  }
  if (violations.size() > named) {
    text += " and " + std::to_string(violations.size() - named) + " more";
  }
  return text;
}

std::vector<std::string> schema_problems(const json& schema) {
  std::vector<std::string> problems;
  collect_problems(schema, schema, "", problems);
  for (std::string& problem : problems) {
    if (problem.starts_with(":")) {
      problem = "the schema" + problem;
    } else if (problem.starts_with("/")) {
      problem = "the schema at " + problem;
    }
  }
  return problems;
}

}  // namespace promptctl::util

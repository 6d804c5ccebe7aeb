#include "prompt/compiled_form.hpp"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

namespace promptctl::prompt_detail {

using nlohmann::json;

namespace {

// Writes the body as it goes and the table of file names (every location names one of a few
// files, thousands of times in a large tests file) in front of it at the end.
class FormWriter {
 public:
  void number(std::uint64_t value) {
    while (value >= 0x80) {
      m_body += static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    m_body += static_cast<char>(value);
  }
  void integer(std::int64_t value) {  // zigzag: small negative numbers stay small
    number((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
  }
  void real(double value) {
    char bytes[sizeof value];
    std::memcpy(bytes, &value, sizeof value);
    m_body.append(bytes, sizeof value);
  }
  void flag(bool value) { number(value ? 1 : 0); }
  void text(std::string_view value) {
    number(value.size());
    m_body += value;
  }
  void texts(const std::vector<std::string>& values) {
    number(values.size());
    for (const std::string& value : values) {
      text(value);
    }
  }
  void value(const json& value) {
    std::vector<std::uint8_t> bytes = json::to_cbor(value);
    number(bytes.size());
    m_body.append(bytes.begin(), bytes.end());
  }
  void location(const SourceLocation& where) {
    auto [it, fresh] = m_file_index.try_emplace(where.file, m_files.size());
    if (fresh) {
      m_files.push_back(where.file);
    }
    number(it->second);
    integer(where.line);
    integer(where.column);
  }
  template <class T, class Write>
  void optional(const std::optional<T>& value, Write write) {
    flag(value.has_value());
    if (value) {
      write(*value);
    }
  }

  std::string finish() {
    FormWriter table;
    table.texts(m_files);
    return std::move(table.m_body) + m_body;
  }

 private:
  std::string m_body;
  std::vector<std::string> m_files;
  std::unordered_map<std::string, std::uint64_t> m_file_index;
};

class FormReader {
 public:
  explicit FormReader(std::string_view bytes) : m_rest(bytes) { m_files = texts(); }

  std::uint64_t number() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      auto byte = static_cast<unsigned char>(take(1)[0]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (byte < 0x80) {
        return value;
      }
    }
    throw std::invalid_argument("compiled prompt: a number runs too long");
  }
  std::int64_t integer() {
    std::uint64_t raw = number();
    return static_cast<std::int64_t>(raw >> 1) ^ -static_cast<std::int64_t>(raw & 1);
  }
  int small_integer() {
    std::int64_t value = integer();
    if (value < INT32_MIN || value > INT32_MAX) {
      throw std::out_of_range("compiled prompt: a number out of range");
    }
    return static_cast<int>(value);
  }
  /// A number below `count`, for an enumeration of that many values.
  template <class Enum>
  Enum choice(std::uint64_t count) {
    std::uint64_t value = number();
    if (value >= count) {
      throw std::out_of_range("compiled prompt: an unknown choice");
    }
    return static_cast<Enum>(value);
  }
  double real() {
    double value = 0;
    std::memcpy(&value, take(sizeof value).data(), sizeof value);
    return value;
  }
  bool flag() { return choice<bool>(2); }
  std::string text() { return std::string(take(number())); }
  std::vector<std::string> texts() {
    std::vector<std::string> values(count());
    for (std::string& value : values) {
      value = text();
    }
    return values;
  }
  json value() {
    std::string_view bytes = take(number());
    return json::from_cbor(bytes.begin(), bytes.end());
  }
  SourceLocation location() {
    const std::string& file = m_files.at(number());
    int line = small_integer();
    int column = small_integer();
    return {file, line, column};
  }
  /// A count of items, each at least a byte long: never more than the bytes left.
  std::size_t count() {
    std::uint64_t value = number();
    if (value > m_rest.size()) {
      throw std::out_of_range("compiled prompt: a count past the end");
    }
    return static_cast<std::size_t>(value);
  }
  template <class T, class Read>
  std::optional<T> optional(Read read) {
    return flag() ? std::optional<T>(read()) : std::nullopt;
  }
  template <class T, class Read>
  std::vector<T> list(Read read) {
    std::size_t n = count();
    std::vector<T> items;
    items.reserve(n);
    while (items.size() < n) {
      items.push_back(read());
    }
    return items;
  }
  [[nodiscard]] bool done() const { return m_rest.empty(); }

 private:
  std::string_view take(std::uint64_t size) {
    if (size > m_rest.size()) {
      throw std::out_of_range("compiled prompt: cut short");
    }
    std::string_view piece = m_rest.substr(0, size);
    m_rest.remove_prefix(size);
    return piece;
  }
  std::string_view m_rest;
  std::vector<std::string> m_files;
};

void write_variable(FormWriter& out, const VariableSpec& v) {
  out.text(v.name);
  out.number(static_cast<std::uint64_t>(v.type));
  out.flag(v.required);
  out.optional(v.default_value, [&](const json& value) { out.value(value); });
  out.text(v.description);
  out.number(v.enum_values.size());
  for (const json& value : v.enum_values) {
    out.value(value);
  }
  out.optional(v.pattern, [&](const std::string& pattern) { out.text(pattern); });
  out.location(v.pattern_location);
  out.optional(v.min_length, [&](std::uint64_t n) { out.number(n); });
  out.optional(v.max_length, [&](std::uint64_t n) { out.number(n); });
  out.optional(v.minimum, [&](double n) { out.real(n); });
  out.optional(v.maximum, [&](double n) { out.real(n); });
  out.location(v.location);
}

VariableSpec read_variable(FormReader& in) {
  VariableSpec v;
  v.name = in.text();
  v.type = in.choice<VarType>(static_cast<std::uint64_t>(VarType::image) + 1);
  v.required = in.flag();
  v.default_value = in.optional<json>([&] { return in.value(); });
  v.description = in.text();
  v.enum_values = in.list<json>([&] { return in.value(); });
  v.pattern = in.optional<std::string>([&] { return in.text(); });
  v.pattern_location = in.location();
  v.min_length = in.optional<std::uint64_t>([&] { return in.number(); });
  v.max_length = in.optional<std::uint64_t>([&] { return in.number(); });
  v.minimum = in.optional<double>([&] { return in.real(); });
  v.maximum = in.optional<double>([&] { return in.real(); });
  v.location = in.location();
  return v;
}

void write_model(FormWriter& out, const ModelSettings& m) {
  auto text = [&](const std::string& value) { out.text(value); };
  out.text(m.provider);
  out.text(m.name);
  out.optional(m.temperature, [&](double n) { out.real(n); });
  out.optional(m.top_p, [&](double n) { out.real(n); });
  out.optional(m.max_tokens, [&](std::int64_t n) { out.integer(n); });
  out.optional(m.seed, [&](std::int64_t n) { out.integer(n); });
  out.texts(m.stop);
  out.optional(m.response_format, text);
  out.optional(m.reasoning_effort, text);
  out.value(m.response_schema);
  out.integer(m.schema_retries);
  out.value(m.tools);
  out.optional(m.tool_choice, text);
  out.texts(m.fallback);
  out.number(m.locations.size());
  for (const auto& [key, where] : m.locations) {
    out.text(key);
    out.location(where);
  }
}

ModelSettings read_model(FormReader& in) {
  auto text = [&] { return in.text(); };
  ModelSettings m;
  m.provider = in.text();
  m.name = in.text();
  m.temperature = in.optional<double>([&] { return in.real(); });
  m.top_p = in.optional<double>([&] { return in.real(); });
  m.max_tokens = in.optional<std::int64_t>([&] { return in.integer(); });
  m.seed = in.optional<std::int64_t>([&] { return in.integer(); });
  m.stop = in.texts();
  m.response_format = in.optional<std::string>(text);
  m.reasoning_effort = in.optional<std::string>(text);
  m.response_schema = in.value();
  m.schema_retries = in.small_integer();
  m.tools = in.value();
  m.tool_choice = in.optional<std::string>(text);
  m.fallback = in.texts();
  for (std::size_t n = in.count(); n > 0; --n) {
    std::string key = in.text();
    m.locations.emplace(std::move(key), in.location());
  }
  return m;
}

void write_output(FormWriter& out, const OutputSpec& o) {
  out.flag(o.answer_is_json);
  out.value(o.schema);
  out.text(o.name);
  out.optional(o.strict, [&](bool strict) { out.flag(strict); });
  out.integer(o.retries);
  out.location(o.location);
}

OutputSpec read_output(FormReader& in) {
  OutputSpec o;
  o.answer_is_json = in.flag();
  o.schema = in.value();
  o.name = in.text();
  o.strict = in.optional<bool>([&] { return in.flag(); });
  o.retries = in.small_integer();
  o.location = in.location();
  return o;
}

void write_message(FormWriter& out, const MessageTemplate& m) {
  out.text(m.role);
  out.text(m.content);
  out.text(m.origin.file);
  out.integer(m.origin.line);
  out.integer(m.origin.column);
  out.integer(m.origin.indent);
  out.flag(m.parsed != nullptr);
  out.text(m.history);
  out.number(m.images.size());
  for (const ImageSpec& image : m.images) {
    out.number(static_cast<std::uint64_t>(image.from));
    out.text(image.ref);
    out.location(image.location);
  }
}

bool same_text(const MessageTemplate& a, const MessageTemplate& b) {
  return a.content == b.content && a.origin.file == b.origin.file &&
         a.origin.line == b.origin.line && a.origin.column == b.origin.column &&
         a.origin.indent == b.origin.indent;
}

// `parsed_before`, when given, is a message read already: the loader puts the `template` of a
// prompt both there and among its messages, parsed once, and so does this.
MessageTemplate read_message(FormReader& in, const MessageTemplate* parsed_before = nullptr) {
  MessageTemplate m;
  m.role = in.text();
  m.content = in.text();
  m.origin.file = in.text();
  m.origin.line = in.small_integer();
  m.origin.column = in.small_integer();
  m.origin.indent = in.small_integer();
  if (in.flag()) {
    if (parsed_before && parsed_before->parsed && same_text(m, *parsed_before)) {
      m.parsed = parsed_before->parsed;
    } else {
      m.parsed = std::make_shared<const tmpl::Template>(tmpl::Template::parse(m.content, m.origin));
    }
  }
  m.history = in.text();
  m.images = in.list<ImageSpec>([&] {
    auto from =
        in.choice<ImageSpec::From>(static_cast<std::uint64_t>(ImageSpec::From::variable) + 1);
    std::string ref = in.text();
    return ImageSpec{from, std::move(ref), in.location()};
  });
  return m;
}

void write_test(FormWriter& out, const TestCase& t) {
  auto text = [&](const std::string& value) { out.text(value); };
  out.text(t.name);
  out.text(t.description);
  out.value(t.vars);
  out.text(t.vars_file);
  out.text(t.dataset);
  out.number(t.assertions.size());
  for (const Assertion& a : t.assertions) {
    out.text(a.type);
    out.value(a.spec);
    out.location(a.location);
  }
  out.optional(t.provider, text);
  out.optional(t.model, text);
  out.integer(t.repeat);
  out.optional(t.threshold, [&](double n) { out.real(n); });
  out.location(t.location);
  out.number(t.var_locations.size());
  for (const auto& [name, where] : t.var_locations) {
    out.text(name);
    out.location(where);
  }
}

TestCase read_test(FormReader& in) {
  auto text = [&] { return in.text(); };
  TestCase t;
  t.name = in.text();
  t.description = in.text();
  t.vars = in.value();
  t.vars_file = in.text();
  t.dataset = in.text();
  t.assertions = in.list<Assertion>([&] {
    std::string type = in.text();
    json spec = in.value();
    return Assertion{std::move(type), std::move(spec), in.location()};
  });
  t.provider = in.optional<std::string>(text);
  t.model = in.optional<std::string>(text);
  t.repeat = in.small_integer();
  t.threshold = in.optional<double>([&] { return in.real(); });
  t.location = in.location();
  t.var_locations = in.list<std::pair<std::string, SourceLocation>>([&] {
    std::string name = in.text();
    return std::pair<std::string, SourceLocation>(std::move(name), in.location());
  });
  return t;
}

}  // namespace

std::string encode_compiled(const Prompt& p) {
  FormWriter out;
  out.text(p.name);
  out.text(p.path);
  out.text(p.description);
  out.texts(p.tags);
  out.text(p.category);
  out.text(p.owner);
  out.optional(p.model, [&](const ModelSettings& m) { write_model(out, m); });
  out.optional(p.output, [&](const OutputSpec& o) { write_output(out, o); });
  out.number(p.tools.size());
  for (const ToolSpec& tool : p.tools) {
    out.text(tool.name);
    out.text(tool.description);
    out.value(tool.parameters);
    out.location(tool.location);
  }
  out.number(p.tools_files.size());
  for (const FileReference& file : p.tools_files) {
    out.text(file.path);
    out.location(file.location);
  }
  out.number(p.variables.size());
  for (const VariableSpec& v : p.variables) {
    write_variable(out, v);
  }
  out.number(static_cast<std::uint64_t>(p.escape));
  out.optional(p.template_text, [&](const MessageTemplate& m) { write_message(out, m); });
  out.number(p.messages.size());
  for (const MessageTemplate& m : p.messages) {
    write_message(out, m);
  }
  out.number(p.tests.size());
  for (const TestCase& t : p.tests) {
    write_test(out, t);
  }
  out.optional(p.ledger_store,
               [&](LedgerStore store) { out.number(static_cast<std::uint64_t>(store)); });
  out.value(p.extensions);
  return out.finish();
}

Prompt decode_compiled(std::string_view bytes) {
  FormReader in(bytes);
  Prompt p;
  p.name = in.text();
  p.path = in.text();
  p.description = in.text();
  p.tags = in.texts();
  p.category = in.text();
  p.owner = in.text();
  p.model = in.optional<ModelSettings>([&] { return read_model(in); });
  p.output = in.optional<OutputSpec>([&] { return read_output(in); });
  p.tools = in.list<ToolSpec>([&] {
    std::string name = in.text();
    std::string description = in.text();
    json parameters = in.value();
    return ToolSpec{std::move(name), std::move(description), std::move(parameters), in.location()};
  });
  p.tools_files = in.list<FileReference>([&] {
    std::string path = in.text();
    return FileReference{std::move(path), in.location()};
  });
  p.variables = in.list<VariableSpec>([&] { return read_variable(in); });
  p.escape = in.choice<Escape>(static_cast<std::uint64_t>(Escape::html) + 1);
  p.template_text = in.optional<MessageTemplate>([&] { return read_message(in); });
  p.messages = in.list<MessageTemplate>(
      [&] { return read_message(in, p.template_text ? &*p.template_text : nullptr); });
  p.tests = in.list<TestCase>([&] { return read_test(in); });
  p.ledger_store = in.optional<LedgerStore>(
      [&] { return in.choice<LedgerStore>(static_cast<std::uint64_t>(LedgerStore::hashes) + 1); });
  p.extensions = in.value();
  if (!in.done()) {
    throw std::invalid_argument("compiled prompt: bytes left over");
  }
  return p;
}

}  // namespace promptctl::prompt_detail

// A run's portable form, one line of `runs export`, and reading it back.
#include <string_view>

#include "promptctl/error.hpp"
#include "promptctl/ledger.hpp"
#include "util/dates.hpp"
#include "util/json_output.hpp"
#include "util/uuid.hpp"

namespace promptctl {

using nlohmann::json;

namespace {

// Reads the fields of one exported object, naming the field in every complaint.
class FieldReader {
 public:
  FieldReader(const json& object, std::string where)
      : m_object(object), m_where(std::move(where)) {}

  // A field that must be present: `null` stands for the empty string where the export writes
  // one for "none".
  std::string text(const char* name, bool nullable = true) const {
    const json& value = field(name);
    if (nullable && value.is_null()) {
      return "";
    }
    expect(value.is_string(), name, "text");
    return value.get<std::string>();
  }

  std::optional<std::int64_t> optional_integer(const char* name) const {
    const json& value = field(name);
    if (value.is_null()) {
      return std::nullopt;
    }
    expect(value.is_number_integer(), name, "a whole number or null");
    return value.get<std::int64_t>();
  }

  double number(const char* name) const {
    const json& value = field(name);
    expect(value.is_number(), name, "a number");
    return value.get<double>();
  }

  std::optional<double> optional_number(const char* name) const {
    return field(name).is_null() ? std::nullopt : std::optional<double>(number(name));
  }

  bool boolean(const char* name) const {
    const json& value = field(name);
    expect(value.is_boolean(), name, "true or false");
    return value.get<bool>();
  }

  std::int64_t time_ms(const char* name) const {
    std::string value = text(name, false);
    std::optional<std::int64_t> parsed = util::parse_utc_ms(value);
    expect(parsed.has_value(), name, "a time such as 2026-01-31T11:00:00.250Z");
    return *parsed;
  }

  const json& structured(const char* name, json::value_t type) const {
    const json& value = field(name);
    expect(value.type() == type, name, type == json::value_t::array ? "a list" : "an object");
    return value;
  }

  const json& field(const char* name) const {
    auto found = m_object.find(name);
    if (found == m_object.end()) {
      throw Error(ErrorKind::invalid_input, m_where + "has no field '" + name + "'");
    }
    return *found;
  }

  void expect(bool holds, const char* name, const char* what) const {
    if (!holds) {
      throw Error(ErrorKind::invalid_input,
                  m_where + "field '" + name + "' is not " + what + ": " +
                      field(name).dump(-1, ' ', false, json::error_handler_t::replace));
    }
  }

 private:
  const json& m_object;
  std::string m_where;
};

// "Name <email>", as feedback keeps an author, from `identity_json`'s form.
std::string author_of(const json& author) {
  if (author.is_null()) {
    return "";
  }
  if (!author.is_object()) {
    throw Error(ErrorKind::invalid_input,
                "feedback: field 'author' is not an object with a name and an email, or null");
  }
  FieldReader reader(author, "feedback author: ");
  std::string name = reader.text("name");
  std::string email = reader.text("email");
  if (email.empty()) {
    return name;
  }
  return name.empty() ? "<" + email + ">" : name + " <" + email + ">";
}

Feedback feedback_from_json(const json& value) {
  if (!value.is_object()) {
    throw Error(ErrorKind::invalid_input, "feedback: an entry is not an object");
  }
  FieldReader reader(value, "feedback: ");
  Feedback entry;
  entry.score = reader.number("score");
  entry.comment = reader.text("comment");
  entry.author = author_of(reader.field("author"));
  entry.created_ms = reader.time_ms("created_at");
  return entry;
}

LedgerStore store_of(const FieldReader& reader) {
  std::string name = reader.text("store", false);
  std::optional<LedgerStore> store = parse_ledger_store(name);
  reader.expect(store.has_value(), "store", "full, redacted or hashes");
  return *store;
}

}  // namespace

json PortableRun::to_json() const {
  json line = run.to_json();
  line["parent_run_uid"] = util::text_or_null(parent_uid);
  json entries = json::array();
  for (const Feedback& entry : feedback) {
    entries.push_back(entry.to_json());
  }
  line["feedback"] = std::move(entries);
  return line;
}

PortableRun PortableRun::from_json(const json& value) {
  if (!value.is_object()) {
    throw Error(ErrorKind::invalid_input, "a run must be a JSON object");
  }
  FieldReader reader(value, "");
  PortableRun portable;
  RunRecord& run = portable.run;
  run.uid = reader.text("run_uid", false);
  reader.expect(util::is_uuid_v7(run.uid), "run_uid", "a UUIDv7");
  run.started_ms = reader.time_ms("started_at");
  run.finished_ms = reader.time_ms("finished_at");
  run.prompt = reader.text("prompt");
  run.revision = reader.text("revision");
  run.commit = reader.text("commit");
  run.dirty = reader.boolean("dirty");
  run.content_hash = reader.text("content_hash");
  run.environment = reader.text("environment");
  run.request = reader.structured("request", json::value_t::object);
  run.request_hash = reader.text("request_hash", false);
  run.variables = reader.structured("variables", json::value_t::object);
  run.provider = reader.text("provider", false);
  run.model = reader.text("model", false);
  run.output = reader.text("output");
  run.output_sha256 = reader.text("output_sha256");
  run.tool_calls = reader.structured("tool_calls", json::value_t::array);
  run.store = store_of(reader);
  run.finish_reason = reader.text("finish_reason");
  run.input_tokens = reader.optional_integer("input_tokens");
  run.output_tokens = reader.optional_integer("output_tokens");
  run.latency_ms = reader.number("latency_ms");
  run.cost = reader.optional_number("cost");
  run.status = reader.text("status", false);
  reader.expect(run.status == "ok" || run.status == "error", "status", "ok or error");
  run.error = reader.text("error");
  std::optional<std::int64_t> attempts = reader.optional_integer("attempts");
  reader.expect(attempts && *attempts >= 0 && *attempts < 1'000'000, "attempts",
                "a whole number from 0");
  run.attempts = static_cast<int>(*attempts);
  run.cached = reader.boolean("cached");
  run.experiment = reader.text("experiment");
  run.variant = reader.text("variant");
  portable.parent_uid = reader.text("parent_run_uid");
  reader.expect(portable.parent_uid.empty() || util::is_uuid_v7(portable.parent_uid),
                "parent_run_uid", "a UUIDv7 or null");
  for (const json& entry : reader.structured("feedback", json::value_t::array)) {
    portable.feedback.push_back(feedback_from_json(entry));
  }
  return portable;
}

}  // namespace promptctl

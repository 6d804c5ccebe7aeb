// What the ledger keeps of a run under each `ledger: {store}` mode.
#include <algorithm>
#include <array>

#include "promptctl/ledger.hpp"
#include "util/sha256.hpp"

namespace promptctl {

using nlohmann::json;

namespace {

constexpr std::array<std::pair<LedgerStore, std::string_view>, 3> k_store_names = {{
    {LedgerStore::full, "full"},
    {LedgerStore::redacted, "redacted"},
    {LedgerStore::hashes, "hashes"},
}};

void collect_strings(const json& value, const std::string& marker, std::vector<Redaction>& out) {
  if (value.is_string()) {
    if (!value.get_ref<const std::string&>().empty()) {
      out.push_back({value.get<std::string>(), marker});
    }
  } else if (value.is_structured()) {
    for (const json& item : value) {
      collect_strings(item, marker, out);
    }
  }
}

bool holds_text(const json& value) {
  if (value.is_string()) {
    return true;
  }
  return value.is_structured() && std::any_of(value.begin(), value.end(), holds_text);
}

// Every string in the variables, each with the marker of the variable it came from.
std::vector<Redaction> redactions_of(const json& variables) {
  std::vector<Redaction> redactions;
  if (variables.is_object()) {
    for (const auto& [name, value] : variables.items()) {
      collect_strings(value, "[redacted:" + name + "]", redactions);
    }
  }
  return redactions;
}

// The digest a user can check with `sha256sum`: of a string's own bytes, of anything else's
// JSON.
std::string digest_of(const json& value) {
  return "sha256:" +
         util::sha256_hex(value.is_string() ? value.get_ref<const std::string&>() : value.dump());
}

void redact_strings(json& value, const std::vector<Redaction>& redactions) {
  if (value.is_string()) {
    value = redact(value.get<std::string>(), redactions);
  } else if (value.is_structured()) {
    for (json& item : value) {
      redact_strings(item, redactions);
    }
  }
}

// Each string in the tool calls' arguments redacted, or the arguments replaced by their digest.
void redact_tool_calls(json& calls, const std::vector<Redaction>& redactions) {
  for (json& call : calls) {
    if (call.is_object() && call.contains("arguments")) {
      redact_strings(call["arguments"], redactions);
    }
  }
}

void hash_tool_calls(json& calls) {
  for (json& call : calls) {
    if (call.is_object() && call.contains("arguments")) {
      call["arguments"] = digest_of(call["arguments"]);
    }
  }
}

void redact_messages(json& request, const std::vector<Redaction>& redactions) {
  if (!request.contains("messages")) {
    return;
  }
  for (json& message : request["messages"]) {
    if (message.contains("content") && message["content"].is_string()) {
      message["content"] = redact(message["content"].get<std::string>(), redactions);
    }
    if (message.contains("tool_calls")) {
      redact_tool_calls(message["tool_calls"], redactions);
    }
    if (message.contains("images")) {
      redact_strings(message["images"], redactions);
    }
  }
}

void hash_messages(json& request) {
  if (!request.contains("messages")) {
    return;
  }
  for (json& message : request["messages"]) {
    if (message.contains("content")) {
      message["content"] = digest_of(message["content"]);
    }
    if (message.contains("tool_calls")) {
      hash_tool_calls(message["tool_calls"]);
    }
    if (message.contains("images")) {
      for (json& image : message["images"]) {
        image = digest_of(image);
      }
    }
  }
}

}  // namespace

std::string_view to_string(LedgerStore store) {
  for (const auto& [value, name] : k_store_names) {
    if (value == store) {
      return name;
    }
  }
  return "full";
}

std::optional<LedgerStore> parse_ledger_store(std::string_view text) {
  for (const auto& [value, name] : k_store_names) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

LedgerStore stricter(LedgerStore a, LedgerStore b) {
  return std::max(a, b);
}

std::string redact(std::string text, const std::vector<Redaction>& redactions) {
  if (redactions.empty()) {
    return text;
  }
  std::vector<const Redaction*> longest_first;
  for (const Redaction& redaction : redactions) {
    if (!redaction.value.empty()) {
      longest_first.push_back(&redaction);
    }
  }
  std::stable_sort(
      longest_first.begin(), longest_first.end(),
      [](const Redaction* a, const Redaction* b) { return a->value.size() > b->value.size(); });
  // One pass, never looking at a marker again: a value found inside another's marker (a
  // variable holding "red", say) cannot break that marker, and every occurrence of a value
  // starts at a position this loop visits, so none survives outside a marker.
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    auto found = std::find_if(longest_first.begin(), longest_first.end(), [&](const Redaction* r) {
      return text.compare(at, r->value.size(), r->value) == 0;
    });
    if (found == longest_first.end()) {
      out += text[at++];
    } else {
      out += (*found)->marker;
      at += (*found)->value.size();
    }
  }
  return out;
}

RunRecord RunRecord::stored_form() const {
  RunRecord stored = *this;
  if (store == LedgerStore::full) {
    return stored;
  }
  stored.request_text.text.clear();  // the request is about to change
  std::vector<Redaction> redactions = redactions_of(variables);
  stored.error = redact(error, redactions);
  if (store == LedgerStore::redacted) {
    redact_messages(stored.request, redactions);
    stored.output = redact(output, redactions);
    redact_tool_calls(stored.tool_calls, redactions);
    for (auto& [name, value] : stored.variables.items()) {
      if (holds_text(value)) {
        value = "[redacted:" + name + "]";
      }
    }
    return stored;
  }
  hash_messages(stored.request);
  hash_tool_calls(stored.tool_calls);
  for (auto& [name, value] : stored.variables.items()) {
    value = digest_of(value);
  }
  if (!output.empty()) {
    stored.output_sha256 = util::sha256_hex(output);
    stored.output.clear();
  }
  return stored;
}

}  // namespace promptctl

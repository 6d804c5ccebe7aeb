// Rendering whole prompts: partials from the same source, strict variables, chat messages.
#include "promptctl/render.hpp"

#include <algorithm>

#include "prompt/conversation.hpp"
#include "prompt/reader.hpp"
#include "promptctl/analysis.hpp"
#include "promptctl/build_info.hpp"
#include "promptctl/names.hpp"
#include "promptctl/prepared.hpp"
#include "util/json_writer.hpp"

namespace promptctl {

using nlohmann::json;

const tmpl::Template* PromptPartials::find(std::string_view name) {
  for (const auto& [key, parsed] : m_cache) {
    if (key == name) {
      return parsed.get();
    }
  }
  if (name_problem(name)) {
    return nullptr;
  }
  std::optional<SourceFile> file = m_source.read(name);
  if (!file) {
    return nullptr;
  }
  LoadResult loaded = m_source.load_files(name, *file, std::nullopt);
  throw_if_errors(loaded.diagnostics);
  const Prompt& prompt = *loaded.prompt;
  if (!prompt.template_text) {
    throw Error(ErrorKind::invalid_input,
                "prompt '" + std::string(name) + "' has 'messages' and cannot be used as a partial",
                {file->path, 1, 1}, "a partial needs a 'template'");
  }
  m_cache.emplace_back(std::string(name), prompt.template_text->parsed);
  m_order.emplace_back(name);
  return m_cache.back().second.get();
}

namespace {

bool visit_for_cycle(const std::string& name, PromptPartials& partials,
                     std::vector<std::string>& path, std::vector<std::string>& done) {
  if (std::find(done.begin(), done.end(), name) != done.end()) {
    return false;
  }
  if (std::find(path.begin(), path.end(), name) != path.end()) {
    path.push_back(name);
    return true;
  }
  const tmpl::Template* found = partials.find(name);
  if (!found) {
    done.push_back(name);
    return false;
  }
  path.push_back(name);
  for (const std::string& next : found->partials()) {
    if (visit_for_cycle(next, partials, path, done)) {
      return true;
    }
  }
  path.pop_back();
  done.push_back(name);
  return false;
}

}  // namespace

std::string find_partial_cycle(const std::vector<const tmpl::Template*>& roots,
                               PromptPartials& partials) {
  std::vector<std::string> done;
  for (const tmpl::Template* root : roots) {
    for (const std::string& name : root->partials()) {
      std::vector<std::string> path;
      if (visit_for_cycle(name, partials, path, done)) {
        // Show only the loop itself, starting where it closes.
        auto start = std::find(path.begin(), path.end(), path.back());
        std::string chain;
        for (auto it = start; it != path.end(); ++it) {
          chain += (chain.empty() ? "" : " -> ") + *it;
        }
        return chain;
      }
    }
  }
  return {};
}

std::vector<std::string> used_variable_names(const Prompt& prompt, PromptPartials& partials) {
  std::vector<std::string> names;
  for (const VariableUse& use : variable_uses(prompt, partials)) {
    if (std::find(names.begin(), names.end(), use.name) == names.end()) {
      names.push_back(use.name);
    }
  }
  return names;
}

json RenderedPrompt::to_json() const {
  json messages_json = json::array();
  for (const ChatMessage& message : messages) {
    messages_json.push_back(message.to_json());
  }
  return {{"name", name},
          {"messages", messages_json},
          {"model", model.to_json()},
          {"variables", variables},
          {"partials", partials}};
}

namespace {

// The conversation in the variable `name` (checked when it was bound), message by message: its
// text goes as it is, never rendered, so that what a user once wrote cannot run as a template.
void splice_history(const std::string& name, const json& variables,
                    std::vector<ChatMessage>& messages) {
  auto found = variables.find(name);
  if (found == variables.end() || !found->is_array()) {
    return;  // an optional conversation that was not given
  }
  for (const json& message : *found) {
    std::optional<ChatMessage> read = prompt_detail::conversation_message(message);
    if (!read) {  // only a lenient render lets an unchecked value this far
      throw Error(ErrorKind::invalid_input,
                  "variable '" + name + "' holds a message without a role and text content");
    }
    messages.push_back(std::move(*read));
  }
}

}  // namespace

std::vector<const tmpl::Template*> parsed_templates(const Prompt& prompt) {
  std::vector<const tmpl::Template*> out;
  out.reserve(prompt.messages.size());
  for (const MessageTemplate& message : prompt.messages) {
    if (!message.history.empty()) {
      continue;  // spliced in, never rendered
    }
    if (!message.parsed) {
      throw Error(ErrorKind::internal,
                  "prompt '" + prompt.name + "' has a template that did not parse");
    }
    out.push_back(message.parsed.get());
  }
  return out;
}

PreparedPrompt::PreparedPrompt(std::shared_ptr<const Prompt> prompt, PromptSource& source,
                               std::mutex& source_lock)
    : m_prompt(std::move(prompt)),
      m_source(source),
      m_loader(std::make_unique<PromptPartials>(source)),
      m_source_lock(source_lock) {
  std::vector<const tmpl::Template*> roots = parsed_templates(*m_prompt);
  if (std::string cycle = find_partial_cycle(roots, *m_loader); !cycle.empty()) {
    throw Error(ErrorKind::invalid_input, "partials include each other in a cycle: " + cycle,
                {m_prompt->path, 0, 0});
  }
  m_used_names = used_variable_names(*m_prompt, *m_loader);
  for (const std::string& name : m_loader->loaded()) {
    m_partials.emplace_back(name, m_loader->find(name));  // already loaded: a lookup
  }
}

// The partials of one render of a prepared prompt: those found when it was prepared, without a
// lock, and any other (a dynamic name) through the prepared prompt's loader, under its lock.
class PreparedPartials : public tmpl::PartialResolver {
 public:
  explicit PreparedPartials(const PreparedPrompt& prepared) : m_prepared(prepared) {}

  const tmpl::Template* find(std::string_view name) override {
    for (const auto& [known, parsed] : m_prepared.m_partials) {
      if (known == name) {
        return parsed;
      }
    }
    std::lock_guard<std::mutex> lock(m_prepared.m_source_lock);
    const tmpl::Template* found = m_prepared.m_loader->find(name);
    if (found && std::find(m_more.begin(), m_more.end(), name) == m_more.end()) {
      m_more.emplace_back(name);
    }
    return found;
  }

  /// Every partial this render could use, in order of first use: the prepared ones, then the
  /// ones named only while rendering.
  [[nodiscard]] std::vector<std::string> loaded() const {
    std::vector<std::string> names;
    names.reserve(m_prepared.m_partials.size() + m_more.size());
    for (const auto& entry : m_prepared.m_partials) {
      names.push_back(entry.first);
    }
    names.insert(names.end(), m_more.begin(), m_more.end());
    return names;
  }

 private:
  const PreparedPrompt& m_prepared;
  std::vector<std::string> m_more;
};

RenderedPrompt PreparedPrompt::render(const Inputs& inputs, const ModelSettings& default_model,
                                      const RenderSettings& settings) const {
  const Prompt& prompt = *m_prompt;
  PreparedPartials partials(*this);
  RenderedPrompt rendered;
  rendered.name = prompt.name;
  rendered.variables = bind_inputs(prompt, inputs, m_used_names, settings.lenient);
  tmpl::RenderOptions options;
  options.escape_html = settings.escape.value_or(prompt.escape) == Escape::html;
  options.strict = !settings.lenient;
  std::size_t used = 0;
  for (const MessageTemplate& message : prompt.messages) {
    if (!message.history.empty()) {
      splice_history(message.history, rendered.variables, rendered.messages);
      continue;
    }
    // Each message may use what the ones before it left; 0 would mean "no limit".
    options.max_size =
        std::max<std::size_t>(settings.max_size - std::min(used, settings.max_size), 1);
    rendered.messages.push_back(
        {message.role, tmpl::render(*message.parsed, rendered.variables, options, &partials)});
    used += rendered.messages.back().content.size();
    if (!message.images.empty()) {
      std::lock_guard<std::mutex> lock(m_source_lock);
      rendered.messages.back().images =
          prompt_detail::render_images(message.images, rendered.variables, m_source);
    }
  }
  rendered.model = prompt.model_over(default_model);
  rendered.partials = partials.loaded();
  return rendered;
}

namespace {

bool is_plain(const ChatMessage& message) {
  return message.tool_calls.empty() && message.tool_call_id.empty() && message.images.empty();
}

void append_messages(std::string& out, const std::vector<ChatMessage>& messages, int depth) {
  if (messages.empty()) {
    out += "[]";
    return;
  }
  out += '[';
  for (std::size_t i = 0; i < messages.size(); ++i) {
    out += i ? "," : "";
    util::append_line_start(out, depth + 1);
    if (!is_plain(messages[i])) {
      util::append_json_value(out, messages[i].to_json(), depth + 1);
      continue;
    }
    util::JsonObjectWriter message(out, depth + 1);
    util::append_json_string(message.key("content"), messages[i].content);
    util::append_json_string(message.key("role"), messages[i].role);
    message.close();
  }
  util::append_line_start(out, depth);
  out += ']';
}

void append_names(std::string& out, const std::vector<std::string>& names, int depth) {
  if (names.empty()) {
    out += "[]";
    return;
  }
  out += '[';
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += i ? "," : "";
    util::append_line_start(out, depth + 1);
    util::append_json_string(out, names[i]);
  }
  util::append_line_start(out, depth);
  out += ']';
}

void append_text_or_null(std::string& out, const std::string* text) {
  if (text) {
    util::append_json_string(out, *text);
  } else {
    out += "null";
  }
}

}  // namespace

std::string render_document(const RenderedPrompt& rendered,
                            const std::optional<repo::Revision>& revision,
                            const nlohmann::json* experiment) {
  // The members in sorted order, as nlohmann-json keeps an object's keys.
  std::string out;
  out.reserve(512);
  util::JsonObjectWriter document(out, 0);
  int depth = document.member_depth();
  append_text_or_null(document.key("commit"), revision ? &revision->commit_id : nullptr);
  if (experiment) {
    util::append_json_value(document.key("experiment"), *experiment, depth);
  }
  append_messages(document.key("messages"), rendered.messages, depth);
  util::append_json_value(document.key("model"), rendered.model.to_json(), depth);
  util::append_json_string(document.key("name"), rendered.name);
  append_names(document.key("partials"), rendered.partials, depth);
  append_text_or_null(document.key("revision"), revision ? &revision->expression : nullptr);
  document.key("schema_version") += std::to_string(k_json_schema_version);
  util::append_json_value(document.key("variables"), rendered.variables, depth);
  document.close();
  out += '\n';
  return out;
}

RenderedPrompt render_prompt(const Prompt& prompt, const Inputs& inputs, PromptSource& source,
                             const ModelSettings& default_model, const RenderSettings& settings) {
  // The caller keeps `prompt` alive for this call: borrowed, not copied.
  std::shared_ptr<const Prompt> borrowed(std::shared_ptr<void>(), &prompt);
  std::mutex unshared;  // one thread reads the source here
  return PreparedPrompt(borrowed, source, unshared).render(inputs, default_model, settings);
}

}  // namespace promptctl

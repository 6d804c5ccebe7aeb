// Rendering whole prompts: partials from the same source, strict variables, chat messages.
#include "promptctl/render.hpp"

#include <algorithm>

#include "prompt/conversation.hpp"
#include "prompt/reader.hpp"
#include "promptctl/analysis.hpp"
#include "promptctl/names.hpp"

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
  Prompt prompt = load_prompt(std::string(name), file->path, file->text);
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

RenderedPrompt render_prompt(const Prompt& prompt, const Inputs& inputs, PromptSource& source,
                             const ModelSettings& default_model, const RenderSettings& settings) {
  PromptPartials partials(source);
  std::vector<const tmpl::Template*> roots = parsed_templates(prompt);
  if (std::string cycle = find_partial_cycle(roots, partials); !cycle.empty()) {
    throw Error(ErrorKind::invalid_input, "partials include each other in a cycle: " + cycle,
                {prompt.path, 0, 0});
  }
  RenderedPrompt rendered;
  rendered.name = prompt.name;
  rendered.variables =
      bind_inputs(prompt, inputs, used_variable_names(prompt, partials), settings.lenient);
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
    rendered.messages.back().images =
        prompt_detail::render_images(message.images, rendered.variables, source);
  }
  rendered.model = prompt.model_over(default_model);
  rendered.partials = partials.loaded();
  return rendered;
}

}  // namespace promptctl

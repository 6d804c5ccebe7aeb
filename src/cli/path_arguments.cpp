#include "cli/path_arguments.hpp"

#include <CLI/CLI.hpp>

#include "cli/command.hpp"

namespace promptctl::cli {

namespace fs = std::filesystem;

namespace {

// Only a word naming a prompt file is a path; "support/reply" stays a name from the top.
bool names_a_prompt_file(std::string_view prompt_part) {
  return prompt_part.ends_with(".yaml") && !prompt_part.ends_with(".tests.yaml");
}

}  // namespace

std::string prompt_argument(const std::string& word, const fs::path& start,
                            const fs::path& prompts_dir) {
  std::size_t at = word.find('@');
  std::string path = word.substr(0, at);
  if (!names_a_prompt_file(path)) {
    return word;
  }
  std::error_code failed;
  fs::path file = fs::weakly_canonical(fs::absolute(start, failed) / path, failed);
  fs::path folder = fs::weakly_canonical(prompts_dir, failed);
  if (failed) {
    return word;
  }
  fs::path relative = file.lexically_relative(folder);
  if (relative.empty() || *relative.begin() == "..") {
    return word;
  }
  std::string name = relative.generic_string();
  name.resize(name.size() - std::string_view(".yaml").size());
  return at == std::string::npos ? name : name + word.substr(at);
}

void read_prompt_paths(CLI::App& command, Session& session) {
  for (CLI::Option* positional :
       command.get_options([](CLI::Option* option) { return option->get_positional(); })) {
    std::vector<std::string> words = positional->results();
    bool any_path = std::any_of(words.begin(), words.end(), [](const std::string& word) {
      return names_a_prompt_file(word.substr(0, word.find('@')));
    });
    if (!any_path) {
      continue;
    }
    fs::path prompts_dir;
    try {
      prompts_dir = session.workspace().prompts_dir();
    } catch (const Error&) {
      return;
    }
    for (std::string& word : words) {
      word = prompt_argument(word, session.start(), prompts_dir);
    }
    // The parser bound the words as written; give it the names and let it bind them again.
    positional->clear();
    positional->add_result(words);
    positional->run_callback();
  }
}

}  // namespace promptctl::cli

#include "cli/usage_errors.hpp"

#include <regex>
#include <vector>

#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

// Every name an option of `command` answers to: "--var", "-j", "--jobs".
std::vector<std::string> option_names(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& name : option->get_lnames()) {
      names.push_back("--" + name);
    }
    for (const std::string& name : option->get_snames()) {
      names.push_back("-" + name);
    }
  }
  return names;
}

std::string in_quotes(const std::string& text) {
  return "'" + util::printable(text) + "'";
}

// The words the parser did not expect: an unknown option first, as the words after it are
// usually its value.
std::string unexpected_words(const CLI::App& command) {
  // Words a command does not take fall through to the main app, which reports them.
  const CLI::App* root = &command;
  while (root->get_parent() != nullptr) {
    root = root->get_parent();
  }
  std::vector<std::string> extras = root->remaining(true);
  for (const std::string& word : extras) {
    if (word.size() > 1 && word.starts_with("-")) {
      std::string name = word.substr(0, word.find('='));
      return "unknown option " + in_quotes(name) + util::did_you_mean(name, option_names(command));
    }
  }
  if (extras.empty()) {
    return "unexpected arguments";
  }
  std::string listed;
  for (std::size_t i = 0; i < extras.size() && i < 3; ++i) {
    listed += (i == 0 ? "" : ", ") + in_quotes(extras[i]);
  }
  return (extras.size() == 1 ? "unexpected argument " : "unexpected arguments ") + listed +
         (extras.size() > 3 ? ", …" : "");
}

// "stats,clear" -> "stats or clear"; "a,b,c" -> "a, b or c".
std::string choices(const std::string& listed, std::vector<std::string>& items) {
  std::string item;
  for (char c : listed) {
    if (c == ',') {
      items.push_back(item);
      item.clear();
    } else if (c != ' ') {
      item += c;
    }
  }
  items.push_back(item);
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + items[i];
  }
  return text;
}

// The parser's messages for a bad value, in promptctl's words.
std::string bad_value(const std::string& message) {
  std::smatch match;
  static const std::regex not_in("^(.+): (.*) not in \\{(.*)\\}$");
  static const std::regex out_of_range("^(.+): Value (.*) not in range (\\S+) to (\\S+)$");
  static const std::regex not_converted("^Could not convert: (.+) = (.*)$");
  static const std::regex missing_value("^(.+): \\d+ required (.+) missing$");
  static const std::regex excludes("^(\\S+) excludes (\\S+)$");
  if (std::regex_match(message, match, not_in)) {
    std::vector<std::string> items;
    std::string listed = choices(match[3], items);
    return in_quotes(match[2]) + " is not a valid " + match[1].str() +
           util::did_you_mean(match[2].str(), items) + ": choose " + listed;
  }
  if (std::regex_match(message, match, out_of_range)) {
    return match[1].str() + " takes a number from " + match[3].str() + " to " + match[4].str() +
           ", not " + in_quotes(match[2]);
  }
  if (std::regex_match(message, match, not_converted)) {
    return in_quotes(match[2]) + " is not a valid value for " + match[1].str();
  }
  if (std::regex_match(message, match, excludes)) {
    return match[1].str() + " and " + match[2].str() + " do not go together";
  }
  if (std::regex_match(message, match, missing_value)) {
    return match[1].str() + " needs a value: " + match[2].str();
  }
  return message;
}

}  // namespace

std::string usage_error_message(const CLI::ParseError& error, const CLI::App& command) {
  if (dynamic_cast<const CLI::ExtrasError*>(&error)) {
    return unexpected_words(command);
  }
  return bad_value(error.what());
}

std::string usage_hint(const CLI::App& command) {
  if (command.get_parent() == nullptr) {
    return "Run 'promptctl --help' for usage.";
  }
  return "Run 'promptctl " + command.get_name() + " --help' for its options.";
}

}  // namespace promptctl::cli

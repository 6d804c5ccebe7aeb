#include "promptctl/names.hpp"

#include "promptctl/error.hpp"
#include "util/strings.hpp"

namespace promptctl {

std::optional<std::string> name_problem(std::string_view name) {
  if (name.empty()) {
    return "a prompt name must not be empty";
  }
  if (name.size() > 200) {
    return "a prompt name must be at most 200 characters";
  }
  if (name.front() == '/') {
    return "a prompt name must not be an absolute path";
  }
  for (size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '-' || c == '.' || c == '/';
    if (c < 0x20 || c == 0x7f) {
      return "a prompt name must not contain control characters";
    }
    if (!allowed) {
      // The whole character, however many bytes it takes in UTF-8.
      size_t length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
      return "a prompt name may use letters, digits, '_', '-', '.' and '/', not '" +
             util::printable(name.substr(i, length)) + "'";
    }
  }
  // Segment by segment in place: every listing checks every name, and a split vector would
  // cost an allocation for each.
  for (std::string_view rest = name;;) {
    std::size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    if (segment.empty()) {
      return "a prompt name must not have empty segments ('//' or a trailing '/')";
    }
    if (segment == "." || segment == "..") {
      return "a prompt name must not contain '.' or '..' segments";
    }
    if (segment.front() == '.') {
      return "a prompt name segment must not start with '.'";
    }
    if (segment.front() == '-') {
      // It would read as an option on a command line, to promptctl and to git alike.
      return "a prompt name segment must not start with '-'";
    }
    if (slash == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(slash + 1);
  }
  if (name.ends_with(".tests") || name.ends_with(".yaml")) {
    return "a prompt name must not end in '.tests' or '.yaml'";
  }
  return std::nullopt;
}

void validate_name(std::string_view name) {
  if (auto problem = name_problem(name)) {
    throw Error(ErrorKind::usage,
                "invalid prompt name '" + util::printable(name) + "': " + *problem);
  }
}

std::string normalize_name(std::string_view argument) {
  std::string name(argument);
  if (name.ends_with(".yaml") && !name.ends_with(".tests.yaml")) {
    name.resize(name.size() - 5);
    if (name.starts_with("prompts/")) {
      name.erase(0, 8);
    }
  }
  return name;
}

}  // namespace promptctl

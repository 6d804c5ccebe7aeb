#include "cli/output.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "promptctl/build_info.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {

namespace {

bool env_set(const char* name) {
  const char* value = std::getenv(name);
  return value && *value;
}

const char* code_for(Style style) {
  switch (style) {
    case Style::bold:
      return "\033[1m";
    case Style::dim:
      return "\033[2m";
    case Style::red:
      return "\033[31m";
    case Style::green:
      return "\033[32m";
    case Style::yellow:
      return "\033[33m";
    case Style::cyan:
      return "\033[36m";
    case Style::none:
      return "";
  }
  return "";
}

// nlohmann's serializer writes through an output adapter; this one writes to a stdio stream,
// so a large document leaves as it is serialized rather than first becoming one string as
// large as itself (deep indentation can make the text many times the size of the value).
class StdioOutput final : public nlohmann::detail::output_adapter_protocol<char> {
 public:
  explicit StdioOutput(std::FILE* file) : m_file(file) {}
  void write_character(char c) override { std::fputc(c, m_file); }
  void write_characters(const char* text, std::size_t length) override {
    std::fwrite(text, 1, length, m_file);
  }

 private:
  std::FILE* m_file;
};

void append_wrapped(std::string& out, std::string_view text, Style style, bool enabled) {
  if (!enabled || style == Style::none) {
    out += text;
    return;
  }
  out.append(code_for(style)).append(text).append("\033[0m");
}

std::string wrap(std::string_view text, Style style, bool enabled) {
  std::string out;
  append_wrapped(out, text, style, enabled);
  return out;
}

size_t display_width(std::string_view text) {
  size_t width = 0;
  bool escape = false;
  for (unsigned char c : text) {
    if (escape) {
      escape = c != 'm';
    } else if (c == 0x1b) {
      escape = true;
    } else if ((c & 0xC0) != 0x80) {
      ++width;
    }
  }
  return width;
}

}  // namespace

void Output::configure(ColorMode mode) {
  m_stdout_tty = ::isatty(STDOUT_FILENO) == 1;
  bool stderr_tty = ::isatty(STDERR_FILENO) == 1;
  const char* term = std::getenv("TERM");
  bool dumb = term && std::string_view(term) == "dumb";
  // Progress is about where stderr goes, never about colour: NO_COLOR keeps it.
  m_progress = stderr_tty && !dumb;
  if (mode != ColorMode::automatic) {
    m_color_out = m_color_err = mode == ColorMode::always;
    return;
  }
  if (env_set("NO_COLOR")) {
    m_color_out = m_color_err = false;
    return;
  }
  if (env_set("CLICOLOR_FORCE")) {
    m_color_out = m_color_err = true;
    return;
  }
  m_color_out = m_stdout_tty && !dumb;
  m_color_err = stderr_tty && !dumb;
}

std::size_t Output::columns() const {
  struct winsize size {};
  if (m_stdout_tty && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  if (const char* variable = std::getenv("COLUMNS")) {
    char* end = nullptr;
    long value = std::strtol(variable, &end, 10);
    if (end != variable && *end == '\0' && value > 0 && value < 10000) {
      return static_cast<std::size_t>(value);
    }
  }
  return 80;
}

void Output::progress(std::string_view text) const {
  if (m_progress) {
    std::fprintf(stderr, "\r\033[K%.*s", static_cast<int>(text.size()), text.data());
    std::fflush(stderr);
  }
}

void Output::end_progress() const {
  if (m_progress) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }
}

std::string Output::paint(std::string_view text, Style style) const {
  return wrap(text, style, m_color_out);
}

std::string Output::paint_err(std::string_view text, Style style) const {
  return wrap(text, style, m_color_err);
}

void Output::append_painted(std::string& out, std::string_view text, Style style) const {
  append_wrapped(out, text, style, m_color_out);
}

void Output::print(std::string_view text) const {
  // An empty view may hold a null pointer, which fwrite must not be given.
  if (!text.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
}

void Output::line(std::string_view text) const {
  print(text);
  std::fputc('\n', stdout);
}

void Output::document(nlohmann::json object) const {
  object["schema_version"] = k_json_schema_version;
  json(object);
}

void Output::json(const nlohmann::json& value) const {
  nlohmann::detail::serializer<nlohmann::json> writer(std::make_shared<StdioOutput>(stdout), ' ',
                                                      nlohmann::json::error_handler_t::replace);
  writer.dump(value, true, false, 2);
  std::fputc('\n', stdout);
}

// Warnings and hints quote names, paths and values from the repository, as errors do: no
// control character of theirs reaches the terminal.
void Output::warn(std::string_view message) const {
  std::fprintf(stderr, "%s %s\n", paint_err("warning:", Style::yellow).c_str(),
               util::visible(message, true).c_str());
}

void Output::hint(std::string_view message) const {
  std::fprintf(stderr, "%s %s\n", paint_err("hint:", Style::cyan).c_str(),
               util::visible(message, true).c_str());
}

void Output::error(const Error& error) const {
  // Messages quote names, paths and values from the repository: no control character of
  // theirs reaches the terminal.
  std::string where = util::visible(error.location().to_string());
  std::string message = util::visible(error.message(), true);
  std::string prefix = paint_err("error:", Style::red);
  if (where.empty()) {
    std::fprintf(stderr, "promptctl: %s %s\n", prefix.c_str(), message.c_str());
  } else {
    std::fprintf(stderr, "%s: %s %s\n", where.c_str(), prefix.c_str(), message.c_str());
  }
  for (const Diagnostic& detail : error.details()) {
    diagnostic(detail, true);
  }
  if (!error.hint().empty()) {
    std::fprintf(stderr, "%s %s\n", paint_err("hint:", Style::cyan).c_str(),
                 util::visible(error.hint(), true).c_str());
  }
}

void Output::diagnostic(const Diagnostic& diagnostic, bool to_stderr) const {
  bool is_error = diagnostic.severity == Severity::error;
  auto painter = [&](std::string_view text, Style style) {
    return to_stderr ? paint_err(text, style) : paint(text, style);
  };
  std::string where = util::visible(diagnostic.location.to_string());
  std::string text = where.empty() ? std::string("  ") : where + ": ";
  text += painter(is_error ? "error:" : "warning:", is_error ? Style::red : Style::yellow);
  text += " " + util::visible(diagnostic.message, true) + "\n";
  std::fputs(text.c_str(), to_stderr ? stderr : stdout);
}

bool Output::flush() const {
  return std::fflush(stdout) == 0 && !std::ferror(stdout);
}

std::string fit(std::string_view text, size_t width) {
  if (display_width(text) <= width) {
    return std::string(text);
  }
  std::string out;
  size_t shown = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    bool starts_character = (c & 0xC0) != 0x80;
    if (starts_character && shown + 1 >= width) {
      break;
    }
    shown += starts_character ? 1 : 0;
    out += text[i];
  }
  return out + "…";
}

std::string pad(std::string_view text, size_t width) {
  std::string out(text);
  size_t shown = display_width(text);
  if (shown < width) {
    out.append(width - shown, ' ');
  }
  return out;
}

void Table::header(std::vector<std::string> titles) {
  std::vector<Cell> cells;
  for (std::string& title : titles) {
    cells.emplace_back(std::move(title), Style::bold);
  }
  m_rows.insert(m_rows.begin(), Row{std::move(cells), true});
}

void Table::row(std::vector<Cell> cells) {
  m_rows.push_back(Row{std::move(cells), true});
}

void Table::line(std::string text) {
  m_rows.push_back(Row{{Cell(std::move(text))}, false});
}

std::string Table::shown(const std::string& text, std::size_t column) const {
  std::size_t widest = column < m_widest.size() ? m_widest[column] : 0;
  return widest > 0 ? fit(text, widest) : text;
}

void Table::print(const Output& out) const {
  std::vector<std::size_t> widths;
  for (const auto& [cells, in_columns] : m_rows) {
    widths.resize(std::max(widths.size(), in_columns ? cells.size() : 0), 0);
    for (std::size_t i = 0; in_columns && i < cells.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(shown(cells[i].text, i)));
    }
  }
  for (const auto& [cells, in_columns] : m_rows) {
    if (!in_columns) {
      out.line(cells.front().text);
      continue;
    }
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      std::string text = shown(cells[i].text, i);
      std::size_t width = display_width(text);
      line += out.paint(text, cells[i].style);
      if (i + 1 < cells.size()) {
        line.append(widths[i] - width + 2, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out.line(line);
  }
}

}  // namespace promptctl::cli

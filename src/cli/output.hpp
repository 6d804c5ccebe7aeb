// Everything that reaches the terminal goes through here: colour decisions, JSON, messages.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/error.hpp"

namespace promptctl::cli {

enum class ColorMode { automatic, always, never };
enum class Style { none, bold, dim, red, green, yellow, cyan };

class Output {
 public:
  /// Decides colour once: --color, then NO_COLOR, CLICOLOR_FORCE, TERM=dumb and isatty.
  void configure(ColorMode mode);

  [[nodiscard]] bool stdout_is_terminal() const { return m_stdout_tty; }
  /// Whether progress may be drawn on stderr: a terminal that is not TERM=dumb.
  [[nodiscard]] bool shows_progress() const { return m_progress; }
  /// The width of the terminal on stdout (its size, else $COLUMNS, else 80).
  [[nodiscard]] std::size_t columns() const;
  /// Redraws a one-line progress indicator on stderr (nothing unless `shows_progress`).
  void progress(std::string_view text) const;
  /// Clears the progress line, before other output.
  void end_progress() const;
  /// `text` wrapped in the escape codes for `style` when stdout has colour.
  [[nodiscard]] std::string paint(std::string_view text, Style style) const;
  [[nodiscard]] std::string paint_err(std::string_view text, Style style) const;
  /// Appends `text` to `out` as `paint` would give it: for lines built in one buffer.
  void append_painted(std::string& out, std::string_view text, Style style) const;

  void print(std::string_view text) const;
  void line(std::string_view text = {}) const;
  /// An object of the JSON vocabulary (promptctl-json(7)), stamped with its `schema_version`:
  /// every --json document goes out this way.
  void document(nlohmann::json object) const;

  /// "warning: …" on stderr.
  void warn(std::string_view message) const;
  /// "hint: …" on stderr: what to do next.
  void hint(std::string_view message) const;
  /// An error with its location, details and hint on stderr.
  void error(const Error& error) const;
  /// A diagnostic as "file:line:column: error: message".
  void diagnostic(const Diagnostic& diagnostic, bool to_stderr) const;

  /// Flushes stdout; false when writing failed (a full disk, a closed pipe).
  [[nodiscard]] bool flush() const;

 private:
  void json(const nlohmann::json& value) const;

  bool m_stdout_tty = false;
  bool m_progress = false;
  bool m_color_out = false;
  bool m_color_err = false;
};

/// A column of text padded to `width` characters (UTF-8 aware, escape codes not counted).
std::string pad(std::string_view text, size_t width);

/// `text` cut to at most `width` characters, ending in "…" when it was cut (UTF-8 aware; for
/// text without escape codes).
std::string fit(std::string_view text, size_t width);

/// A cell of a `Table`: its text, and the style it is painted in.
struct Cell {
  // Implicit, so that a row may be written as a list of texts.
  Cell(std::string shown, Style painted = Style::none)  // NOLINT(google-explicit-constructor)
      : text(std::move(shown)), style(painted) {}
  Cell(const char* shown, Style painted = Style::none)  // NOLINT(google-explicit-constructor)
      : text(shown), style(painted) {}
  std::string text;
  Style style;
};

/// Rows in columns as wide as their widest cell, two spaces apart, so that a long value never
/// runs into the next column. A column may have a widest width: longer cells are cut with
/// "…". Cells are painted after they are measured, so escape codes never count.
class Table {
 public:
  /// `widest`: the most characters each column shows, 0 for no limit (missing: no limit).
  explicit Table(std::vector<std::size_t> widest = {}) : m_widest(std::move(widest)) {}
  /// A first row of titles, in bold.
  void header(std::vector<std::string> titles);
  void row(std::vector<Cell> cells);
  /// A line of its own after the last row, outside the columns (a match under its run).
  void line(std::string text);
  /// Prints every row; the last column is not padded.
  void print(const Output& out) const;

 private:
  struct Row {
    std::vector<Cell> cells;
    bool in_columns = true;
  };
  [[nodiscard]] std::string shown(const std::string& text, std::size_t column) const;

  std::vector<std::size_t> m_widest;
  std::vector<Row> m_rows;
};

}  // namespace promptctl::cli

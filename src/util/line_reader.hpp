// Reading a text file a line at a time, so that a file of any length costs only its longest
// line in memory.
#pragma once

#include <cstdio>
#include <string>

namespace promptctl::util {

class LineReader {
 public:
  /// Reads `path`, or standard input for "-". Throws `Error` (io) when it cannot be opened.
  explicit LineReader(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  /// The next line, without its newline; false at the end. `whole` says whether the line
  /// ended with a newline (the last line of a file may not). Throws `Error` (io) on a read
  /// failure.
  bool next(std::string& line, bool* whole = nullptr);

  /// "<stdin>" for standard input, else the path: for messages.
  [[nodiscard]] const std::string& name() const { return m_name; }

 private:
  std::FILE* m_file;
  bool m_owned;
  std::string m_name;
  char* m_buffer = nullptr;
  std::size_t m_capacity = 0;
};

}  // namespace promptctl::util

#include "util/line_reader.hpp"

#include <sys/types.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "promptctl/error.hpp"

namespace promptctl::util {

LineReader::LineReader(const std::string& path)
    : m_file(path == "-" ? stdin : std::fopen(path.c_str(), "rb")),
      m_owned(path != "-"),
      m_name(path == "-" ? "<stdin>" : path) {
  if (!m_file) {
    throw Error(ErrorKind::io, "cannot read '" + path + "': " + std::strerror(errno));
  }
}

LineReader::~LineReader() {
  std::free(m_buffer);  // getline's buffer comes from malloc
  if (m_owned) {
    std::fclose(m_file);
  }
}

bool LineReader::next(std::string& line, bool* whole) {
  errno = 0;
  ssize_t read = ::getline(&m_buffer, &m_capacity, m_file);
  if (read < 0) {
    if (std::ferror(m_file)) {
      throw Error(ErrorKind::io, "cannot read '" + m_name + "': " + std::strerror(errno));
    }
    return false;
  }
  auto size = static_cast<std::size_t>(read);
  bool ended = size > 0 && m_buffer[size - 1] == '\n';
  line.assign(m_buffer, ended ? size - 1 : size);
  if (whole) {
    *whole = ended;
  }
  return true;
}

}  // namespace promptctl::util

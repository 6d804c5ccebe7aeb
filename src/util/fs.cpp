#include "util/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>
#include <utility>

#include "promptctl/error.hpp"
#include "util/fd.hpp"
#include "util/interrupts.hpp"

namespace promptctl::util {
namespace fs = std::filesystem;

namespace {

Error io_error(const std::string& what, const fs::path& path) {
  return Error(ErrorKind::io, what + " '" + path.string() + "': " + std::strerror(errno));
}

std::string read_all(int fd, const fs::path& path, std::size_t max_size) {
  // Read straight into the string, sized for a regular file's whole content and one byte more
  // (so that the read finding its end needs no room): a megabyte file is neither copied from a
  // buffer nor moved as the string grows.
  struct stat info {};
  bool sized = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  std::size_t expected = sized ? static_cast<std::size_t>(info.st_size) : 0;
  // A pipe, or a file that does not know its size (those of /proc say 0): room for a few pieces.
  std::string content(sized && expected > 0 ? std::min(expected, max_size) + 1 : 4096, '\0');
  std::size_t have = 0;
  while (true) {
    if (have == content.size()) {
      content.resize(content.size() * 2);
    }
    ssize_t got = ::read(fd, content.data() + have, content.size() - have);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw io_error("cannot read", path);
    }
    if (got == 0) {
      content.resize(have);
      return content;
    }
    have += static_cast<std::size_t>(got);
    if (have > max_size) {
      throw Error(ErrorKind::invalid_input,
                  "'" + path.string() + "' is larger than " + std::to_string(max_size) + " bytes");
    }
  }
}

}  // namespace

std::optional<std::string> read_file_if_exists(const fs::path& path, std::size_t max_size) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return std::nullopt;
    }
    throw io_error("cannot open", path);
  }
  return read_all(fd.get(), path, max_size);
}

std::string read_file(const fs::path& path, std::size_t max_size) {
  auto content = read_file_if_exists(path, max_size);
  if (!content) {
    throw Error(ErrorKind::not_found, "no such file '" + path.string() + "'");
  }
  return *content;
}

std::string read_stdin(std::size_t max_size) {
  return read_all(STDIN_FILENO, "-", max_size);
}

bool write_all(int fd, std::string_view bytes) {
  for (size_t written = 0; written < bytes.size();) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    written += static_cast<size_t>(n);
  }
  return true;
}

AtomicFileWriter::AtomicFileWriter(const fs::path& path, unsigned mode, Durability durability)
    : m_path(path), m_temp(path.string() + ".tmp-XXXXXX"), m_mode(mode), m_durability(durability) {
  std::error_code ec;
  if (!path.parent_path().empty()) {
    fs::create_directories(path.parent_path(), ec);
  }
  if (ec) {
    throw Error(ErrorKind::io,
                "cannot create folder '" + path.parent_path().string() + "': " + ec.message());
  }
  m_fd = ::mkstemp(m_temp.data());
  if (m_fd < 0) {
    throw io_error("cannot create a temporary file for", path);
  }
}

AtomicFileWriter::~AtomicFileWriter() {
  if (m_fd >= 0) {
    ::close(m_fd);
    ::unlink(m_temp.c_str());
  }
}

void AtomicFileWriter::write(std::string_view bytes) {
  m_written = m_written && write_all(m_fd, bytes);
}

void AtomicFileWriter::commit() {
  bool ok = m_written && ::fchmod(m_fd, static_cast<mode_t>(m_mode)) == 0 &&
            (m_durability == Durability::cache || ::fsync(m_fd) == 0);
  ok = ::close(std::exchange(m_fd, -1)) == 0 && ok;
  if (!ok || std::rename(m_temp.c_str(), m_path.c_str()) != 0) {
    Error error = io_error("cannot write", m_path);
    ::unlink(m_temp.c_str());
    throw error;
  }
}

void write_file_atomic(const fs::path& path, const std::string& content, unsigned mode,
                       Durability durability) {
  AtomicFileWriter file(path, mode, durability);
  file.write(content);
  file.commit();
}

TemporaryFile::TemporaryFile(const std::string& prefix, std::string_view content)
    : m_path((fs::temp_directory_path() / (prefix + "-XXXXXX")).string()) {
  Fd fd(::mkstemp(m_path.data()));
  if (!fd) {
    throw io_error("cannot create a temporary file in", fs::temp_directory_path());
  }
  if (!write_all(fd.get(), content)) {
    Error error = io_error("cannot write the temporary file", m_path);
    ::unlink(m_path.c_str());
    throw error;
  }
}

TemporaryFile::~TemporaryFile() {
  ::unlink(m_path.c_str());
}

void make_private_directory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!ec) {
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  if (ec) {
    throw Error(ErrorKind::io,
                "cannot create the private folder '" + dir.string() + "': " + ec.message());
  }
}

std::string expand_home(std::string path) {
  if (path.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    path = std::string(home ? home : "") + path.substr(1);
  }
  return path;
}

}  // namespace promptctl::util

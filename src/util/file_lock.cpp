#include "util/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "promptctl/error.hpp"

namespace promptctl::util {

FileLock::FileLock(const std::filesystem::path& path, std::chrono::milliseconds timeout,
                   const std::string& what) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  m_fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  if (m_fd < 0) {
    throw Error(ErrorKind::io,
                "cannot open the lock file '" + path.string() + "': " + std::strerror(errno));
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int failure = errno;
      ::close(m_fd);
      throw Error(ErrorKind::io, "cannot lock '" + path.string() + "': " + std::strerror(failure));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(m_fd);
      throw Error(
          ErrorKind::refused,
          "another promptctl " + what + " is still running (it holds '" + path.string() + "')", {},
          "wait for it to finish and try again");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

FileLock::~FileLock() {
  ::close(m_fd);  // closing releases the lock
}

}  // namespace promptctl::util

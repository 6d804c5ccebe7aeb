#include "serve/event_stream.hpp"

#include <cstring>

#include "serve/client_left.hpp"
#include "serve/mhd_api.hpp"

namespace promptctl::serve_detail {

void EventStream::push(std::string_view name, const nlohmann::json& data) {
  std::unique_lock<std::mutex> lock(m_lock);
  m_pending += "event: ";
  m_pending += name;
  // One line of JSON: a newline in the text is escaped, so it cannot end the event early.
  m_pending +=
      "\ndata: " + data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
  wake(lock);
}

void EventStream::finish() {
  std::unique_lock<std::mutex> lock(m_lock);
  m_finished = true;
  wake(lock);
}

void EventStream::wake(std::unique_lock<std::mutex>& lock) {
  bool was_suspended = m_suspended;
  m_suspended = false;
  lock.unlock();
  if (was_suspended) {
    mhd().MHD_resume_connection(m_connection);
  }
}

ssize_t EventStream::read(char* buffer, std::size_t max) {
  std::lock_guard<std::mutex> lock(m_lock);
  if (!m_pending.empty()) {
    std::size_t size = std::min(max, m_pending.size());
    std::memcpy(buffer, m_pending.data(), size);
    m_pending.erase(0, size);
    return static_cast<ssize_t>(size);
  }
  if (m_finished) {
    return MHD_CONTENT_READER_END_OF_STREAM;
  }
  // Suspended under the lock, so that no push can resume the connection before it is.
  m_suspended = true;
  mhd().MHD_suspend_connection(m_connection);
  return 0;
}

void EventStream::release() {
  std::lock_guard<std::mutex> lock(m_lock);
  m_released = true;
}

bool EventStream::client_left() {
  std::lock_guard<std::mutex> lock(m_lock);
  // Suspended under this lock, and resumed only after it is let go: the connection is there.
  return m_released || (m_suspended && serve_detail::client_left(m_connection));
}

}  // namespace promptctl::serve_detail

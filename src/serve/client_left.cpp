#include "serve/client_left.hpp"

#include <sys/socket.h>

#include <cerrno>

#include "serve/mhd_api.hpp"

namespace promptctl::serve_detail {

bool client_left(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info =
      mhd().MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  if (!info) {
    return false;
  }
  // A look at what is waiting, taking nothing: end of stream is the client's close.
  char byte = 0;
  ssize_t got = 0;
  do {
    got = ::recv(info->connect_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  } while (got < 0 && errno == EINTR);
  if (got >= 0) {
    return got == 0;
  }
  return errno != EAGAIN && errno != EWOULDBLOCK;  // reset, or no longer a connection
}

}  // namespace promptctl::serve_detail

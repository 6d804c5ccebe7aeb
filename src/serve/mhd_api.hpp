// libmicrohttpd's functions, resolved from the library on first use, so that only `serve`
// pays for loading it and its TLS library.
#pragma once

#include <microhttpd.h>

#include <memory>

namespace promptctl::serve_detail {

// Every libmicrohttpd function promptctl uses. To use another, add it here.
#define PROMPTCTL_MHD_FUNCTIONS(X)     \
  X(MHD_start_daemon)                  \
  X(MHD_stop_daemon)                   \
  X(MHD_quiesce_daemon)                \
  X(MHD_get_daemon_info)               \
  X(MHD_get_connection_info)           \
  X(MHD_lookup_connection_value)       \
  X(MHD_get_connection_values)         \
  X(MHD_create_response_from_buffer)   \
  X(MHD_create_response_from_callback) \
  X(MHD_add_response_header)           \
  X(MHD_destroy_response)              \
  X(MHD_queue_response)                \
  X(MHD_suspend_connection)            \
  X(MHD_resume_connection)             \
  X(MHD_get_version)

struct MhdApi {
#define PROMPTCTL_MHD_MEMBER(name) decltype(&::name) name = nullptr;
  PROMPTCTL_MHD_FUNCTIONS(PROMPTCTL_MHD_MEMBER)
#undef PROMPTCTL_MHD_MEMBER
};

/// The loaded library, once for the process. Throws `Error` (io) when it cannot be loaded.
const MhdApi& mhd();

/// Owners of libmicrohttpd's handles: a daemon stopped, a response released.
struct DaemonStop {
  void operator()(MHD_Daemon* daemon) const { mhd().MHD_stop_daemon(daemon); }
};
struct ResponseRelease {
  void operator()(MHD_Response* response) const { mhd().MHD_destroy_response(response); }
};
using DaemonHandle = std::unique_ptr<MHD_Daemon, DaemonStop>;
using ResponseHandle = std::unique_ptr<MHD_Response, ResponseRelease>;

}  // namespace promptctl::serve_detail

// libcurl's functions, resolved from the library on first use, so that only the commands that
// call a provider pay for loading libcurl and its TLS libraries.
#pragma once

// The type-checking macros wrap curl_easy_setopt in a statement expression, which would also
// rewrite calls through the function table below.
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

namespace promptctl::http {

// Every libcurl function promptctl uses. To use another, add it here.
#define PROMPTCTL_CURL_FUNCTIONS(X) \
  X(curl_global_init)               \
  X(curl_global_cleanup)            \
  X(curl_version_info)              \
  X(curl_easy_init)                 \
  X(curl_easy_cleanup)              \
  X(curl_easy_setopt)               \
  X(curl_easy_getinfo)              \
  X(curl_easy_strerror)             \
  X(curl_slist_append)              \
  X(curl_slist_free_all)            \
  X(curl_multi_init)                \
  X(curl_multi_cleanup)             \
  X(curl_multi_setopt)              \
  X(curl_multi_add_handle)          \
  X(curl_multi_remove_handle)       \
  X(curl_multi_perform)             \
  X(curl_multi_poll)                \
  X(curl_multi_wakeup)              \
  X(curl_multi_info_read)           \
  X(curl_multi_strerror)

struct CurlApi {
#define PROMPTCTL_CURL_MEMBER(name) decltype(&::name) name = nullptr;
  PROMPTCTL_CURL_FUNCTIONS(PROMPTCTL_CURL_MEMBER)
#undef PROMPTCTL_CURL_MEMBER
};

/// The loaded library, initialised once for the process. Throws `Error` (io) when libcurl
/// cannot be loaded.
const CurlApi& curl();

}  // namespace promptctl::http

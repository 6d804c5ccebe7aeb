#include "http/curl_api.hpp"

#include "promptctl/error.hpp"
#include "util/shared_library.hpp"

namespace promptctl::http {
namespace {

// Loads the library, resolves every function, and brackets the process's use of libcurl with
// curl_global_init and curl_global_cleanup.
class LoadedCurl {
 public:
  LoadedCurl() : m_library("libcurl.so.4") {
#define PROMPTCTL_CURL_RESOLVE(name) m_library.resolve(m_api.name, #name);
    PROMPTCTL_CURL_FUNCTIONS(PROMPTCTL_CURL_RESOLVE)
#undef PROMPTCTL_CURL_RESOLVE
    if (m_api.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw Error(ErrorKind::io, "cannot initialise libcurl");
    }
  }
  ~LoadedCurl() {
    m_api.curl_global_cleanup();
  }
  LoadedCurl(const LoadedCurl&) = delete;
  LoadedCurl& operator=(const LoadedCurl&) = delete;

  [[nodiscard]] const CurlApi& api() const {
    return m_api;
  }

 private:
  util::SharedLibrary m_library;
  CurlApi m_api;
};

}  // namespace

const CurlApi& curl() {
  static const LoadedCurl loaded;
  return loaded.api();
}

}  // namespace promptctl::http

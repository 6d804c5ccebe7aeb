#include "http/curl_api.hpp"

#include "promptctl/error.hpp"
#include "util/shared_library.hpp"

namespace promptctl::http {
namespace {

void resolve_all(const util::SharedLibrary& library, CurlApi& api) {
#define PROMPTCTL_CURL_RESOLVE(name) library.resolve(api.name, #name);
  PROMPTCTL_CURL_FUNCTIONS(PROMPTCTL_CURL_RESOLVE)
#undef PROMPTCTL_CURL_RESOLVE
}

// The process's use of libcurl is bracketed by curl_global_init and curl_global_cleanup.
void start(const CurlApi& api) {
  if (api.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    throw Error(ErrorKind::io, "cannot initialise libcurl");
  }
}

void finish(const CurlApi& api) {
  api.curl_global_cleanup();
}

}  // namespace

const CurlApi& curl() {
  static const util::LoadedLibrary<CurlApi> loaded("libcurl.so.4", &resolve_all, &start, &finish);
  return loaded.api();
}

}  // namespace promptctl::http

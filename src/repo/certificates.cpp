#include "repo/certificates.hpp"

#include <dlfcn.h>

#include <atomic>
#include <mutex>

#include "repo/git_api.hpp"
#include "util/url.hpp"

namespace promptctl::repo {
namespace {

using ParseFile = int (*)(void* chain, const char* path);

// mbedTLS's MBEDTLS_ERR_X509_FILE_IO_ERROR, for a call that cannot be passed on.
constexpr int k_file_io_error = -0x2900;

std::atomic<ParseFile> g_mbedtls_parse_file{nullptr};
std::atomic<bool> g_initialising{false};

std::mutex g_state_lock;  // guards g_deferral
CertificateDeferral g_deferral;

ParseFile mbedtls_parser() {
  if (ParseFile found = g_mbedtls_parse_file.load()) {
    return found;
  }
  // Called by some library other than libgit2, before libgit2 was loaded.
  return reinterpret_cast<ParseFile>(::dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file"));
}

}  // namespace

void find_certificate_parser(const util::SharedLibrary& libgit2) {
  // Looked up through libgit2's handle, which searches libgit2 and its dependencies but not
  // this executable: the answer is mbedTLS's definition, never the one below.
  g_mbedtls_parse_file = reinterpret_cast<ParseFile>(libgit2.find("mbedtls_x509_crt_parse_file"));
}

void defer_certificate_parsing(const std::function<void()>& initialise) {
  g_initialising = g_mbedtls_parse_file.load() != nullptr;
  initialise();
  g_initialising = false;
}

void load_system_certificates() {
  // Held through the load, so that a second transfer starting meanwhile waits for the bundle;
  // the parser called inside takes only g_state_lock.
  static std::mutex loading;
  static bool tried = false;
  std::lock_guard<std::mutex> hold(loading);
  std::string file = certificate_deferral().file;
  if (file.empty() || tried) {
    return;
  }
  tried = true;
  git().git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file.c_str(), nullptr);
}

bool needs_system_certificates(std::string_view url) {
  std::optional<util::UrlParts> parts = util::parse_url(url);
  return parts && (parts->scheme == "https" || parts->scheme == "http");
}

CertificateDeferral certificate_deferral() {
  std::lock_guard<std::mutex> lock(g_state_lock);
  return g_deferral;
}

}  // namespace promptctl::repo

// The definition libgit2 binds to (see certificates.hpp). `chain` is an mbedtls_x509_crt*,
// passed through untouched; mbedTLS's headers are not needed for that.
extern "C" __attribute__((visibility("default"))) int mbedtls_x509_crt_parse_file(
    void* chain, const char* path) {
  using namespace promptctl::repo;
  if (g_initialising.load()) {
    std::lock_guard<std::mutex> lock(g_state_lock);
    g_deferral.file = path ? path : "";
    return 0;  // an empty chain, until load_system_certificates
  }
  ParseFile parse = mbedtls_parser();
  if (!parse) {
    return k_file_io_error;
  }
  int result = parse(chain, path);
  std::lock_guard<std::mutex> lock(g_state_lock);
  if (path && !g_deferral.file.empty() && g_deferral.file == path) {
    g_deferral.loaded = true;
    g_deferral.result = result;
  }
  return result;
}

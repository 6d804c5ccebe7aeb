// Debian's libgit2 does TLS with mbedTLS, whose global set-up, run by git_libgit2_init, parses
// the whole system certificate bundle: about 54 million instructions, three quarters of what
// `promptctl status` or `log` costs, for certificates that only a transfer over HTTPS uses.
// promptctl therefore defines mbedtls_x509_crt_parse_file itself, exported from the executable
// so that libgit2's call binds to it: while libgit2 initialises, the file is noted and nothing
// is parsed; before a fetch, push or clone over HTTP(S), `load_system_certificates` has libgit2
// load that same file (GIT_OPT_SET_SSL_CERT_LOCATIONS, the same mbedTLS call). Every other call
// goes straight to mbedTLS. A libgit2 built on another TLS library never calls it: nothing changes.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "util/shared_library.hpp"

namespace promptctl::repo {

/// Finds mbedTLS's own parser among libgit2's dependencies (none: libgit2 does not use it).
void find_certificate_parser(const util::SharedLibrary& libgit2);

/// Runs `initialise` (git_libgit2_init) with the parsing of the certificate bundle deferred.
void defer_certificate_parsing(const std::function<void()>& initialise);

/// Has libgit2 load the bundle its initialisation named, once; does nothing when none was
/// deferred. A bundle that cannot be read is left as libgit2's own set-up leaves it: a server's
/// certificate then fails to verify, and that error names the problem.
void load_system_certificates();

/// Whether a transfer to or from `url` may need the bundle: an http:// or https:// remote (a
/// plain one may be redirected to TLS). A local path, file:// and SSH never read it.
bool needs_system_certificates(std::string_view url);

/// What became of the bundle, for tests.
struct CertificateDeferral {
  std::string file;     ///< the bundle libgit2's initialisation named; empty: none deferred
  bool loaded = false;  ///< parsed since, by `load_system_certificates`
  int result = 0;       ///< mbedTLS's answer to that parse: 0, or how many certificates failed
};
CertificateDeferral certificate_deferral();

}  // namespace promptctl::repo

// The signing options approve, reject, deploy, promote and rollback share, and the key they
// choose.
#pragma once

#include <string>

#include "cli/command.hpp"

namespace promptctl::cli {

struct SigningOptions {
  std::string key;  ///< --signing-key
  bool sign = false;
  bool no_sign = false;
};

/// Adds --sign, --no-sign and --signing-key; `what` is what is signed ("the decision").
void add_signing_options(CLI::App& sub, SigningOptions& o, const std::string& what);

/// The key to sign with, or "" to leave unsigned: --signing-key, else git's own SSH signing
/// key (gpg.format=ssh, user.signingkey) unless --no-sign. Throws `Error` (usage) for --sign
/// without a key, and for --no-sign with --signing-key.
std::string signing_key_for(const SigningOptions& o, const repo::Repository& repository);

}  // namespace promptctl::cli

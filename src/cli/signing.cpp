#include "cli/signing.hpp"

#include "promptctl/governance.hpp"
#include "util/fs.hpp"

namespace promptctl::cli {

void add_signing_options(CLI::App& sub, SigningOptions& o, const std::string& what) {
  auto* sign = sub.add_flag("--sign", o.sign,
                            "Sign " + what + " with SSH (git's user.signingkey, or --signing-key)");
  sub.add_flag("--no-sign", o.no_sign,
               "Do not sign, even when git signs with SSH (gpg.format=ssh, user.signingkey)")
      ->excludes(sign);
  sub.add_option("--signing-key", o.key,
                 "The SSH key to sign with: a private key file, or a public one whose private "
                 "key ssh-agent holds")
      ->type_name("FILE");
}

std::string signing_key_for(const SigningOptions& o, const repo::Repository& repository) {
  if (o.no_sign && !o.key.empty()) {
    throw Error(ErrorKind::usage, "--no-sign and --signing-key contradict each other");
  }
  std::string key = o.no_sign ? "" : o.key;
  if (key.empty() && !o.no_sign) {
    key = default_signing_key(repository);
  }
  if (o.sign && key.empty()) {
    throw Error(ErrorKind::usage, "--sign needs an SSH key", {},
                "name one with --signing-key FILE, or set git's user.signingkey with "
                "gpg.format=ssh");
  }
  return util::expand_home(key);
}

}  // namespace promptctl::cli

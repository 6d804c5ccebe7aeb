#include "governance/signatures.hpp"

#include <ctime>

#include "promptctl/error.hpp"
#include "util/fs.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace promptctl::governance_detail {
namespace {

// ssh-keygen's first line of complaint, without its program-name prefix.
std::string reason_from(const util::ProgramResult& result) {
  std::string text(util::trim(result.err));
  if (size_t end = text.find('\n'); end != std::string::npos) {
    text.resize(end);
  }
  return text.empty() ? "ssh-keygen exited with " + std::to_string(result.exit_code) : text;
}

util::ProgramResult ssh_keygen(const std::vector<std::string>& arguments,
                               const std::string& input) {
  std::vector<std::string> argv = {"ssh-keygen"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  try {
    return util::run_program(argv, input);
  } catch (const Error&) {
    throw Error(ErrorKind::not_found, "signatures need ssh-keygen, which cannot be run", {},
                "install OpenSSH's client tools (Debian: openssh-client)");
  }
}

// "YYYYMMDDHHMMSSZ", the form ssh-keygen's verify-time option takes.
std::string verify_time(std::int64_t time_ms) {
  std::time_t seconds = static_cast<std::time_t>(time_ms / 1000);
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d%H%M%SZ", &parts);
  return text;
}

}  // namespace

std::string sign_payload(const std::string& payload, const std::string& key_file,
                         const char* signature_namespace) {
  util::ProgramResult result =
      ssh_keygen({"-q", "-Y", "sign", "-n", signature_namespace, "-f", key_file}, payload);
  if (result.exit_code != 0 || result.out.find("-----BEGIN SSH SIGNATURE-----") != 0) {
    throw Error(ErrorKind::invalid_input,
                "cannot sign with '" + key_file + "': " + reason_from(result));
  }
  return result.out;
}

std::optional<std::string> signature_problem(const std::string& payload,
                                             const std::string& signature, const std::string& email,
                                             const std::filesystem::path& allowed_signers,
                                             std::int64_t time_ms,
                                             const char* signature_namespace) {
  if (!std::filesystem::is_regular_file(allowed_signers)) {
    return "the repository has no allowed signers file '" + allowed_signers.filename().string() +
           "'";
  }
  util::TemporaryFile signature_file("promptctl-sig", signature);
  util::ProgramResult result = ssh_keygen(
      {"-Y", "verify", "-f", allowed_signers.string(), "-I", email, "-n", signature_namespace, "-s",
       signature_file.path(), "-O", "verify-time=" + verify_time(time_ms)},
      payload);
  if (result.exit_code == 0) {
    return std::nullopt;
  }
  return "not signed by a key the allowed signers file gives " + email + " (" +
         reason_from(result) + ")";
}

}  // namespace promptctl::governance_detail

// SSH signatures over approvals, made and checked by ssh-keygen (-Y sign, -Y verify) as git
// signs commits with gpg.format=ssh: nothing but a key pair per approver and an allowed
// signers file committed in the repository.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace promptctl::governance_detail {

/// The namespace every approval signature is made in, so that a signature made for something
/// else (a commit, a file) never counts as an approval.
inline constexpr const char* k_signature_namespace = "promptctl-approval";
/// The namespace git signs commits in (gpg.format=ssh), so that `git verify-commit` and
/// `git log --show-signature` check a signed deploy commit too.
inline constexpr const char* k_commit_namespace = "git";

/// An armored SSH signature of `payload` with the private key `key_file` (or, given a public
/// key, the matching key in ssh-agent). Throws `Error` (invalid_input) with ssh-keygen's
/// reason, and (not_found) when ssh-keygen is missing.
std::string sign_payload(const std::string& payload, const std::string& key_file,
                         const char* signature_namespace = k_signature_namespace);

/// Nothing when `signature` is a valid signature of `payload` by a key that `allowed_signers`
/// gives `email` (valid at `time_ms`); otherwise why not.
std::optional<std::string> signature_problem(
    const std::string& payload, const std::string& signature, const std::string& email,
    const std::filesystem::path& allowed_signers, std::int64_t time_ms,
    const char* signature_namespace = k_signature_namespace);

}  // namespace promptctl::governance_detail

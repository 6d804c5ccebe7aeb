// Remotes: clone, fetch and push over any transport libgit2 has, with tags, notes and
// promptctl's own refs carried along.
#include <algorithm>
#include <cstdlib>

#include "promptctl/repo.hpp"
#include "repo/certificates.hpp"
#include "repo/git_handle.hpp"
#include "repo/helpers.hpp"
#include "repo/notes.hpp"
#include "repo/repository_impl.hpp"
#include "util/strings.hpp"
#include "util/url.hpp"

namespace promptctl::repo {
namespace fs = std::filesystem;

namespace {

using GitRemote = GitHandle<git_remote, &GitApi::git_remote_free>;

// What travels besides branches: promptctl's refs, and notes (approvals, …), which are fetched
// beside the local ones and then merged into them (repo/notes.hpp).
std::vector<std::string> extra_fetch_refspecs(const std::string& remote) {
  return {"refs/promptctl/*:refs/promptctl/*",
          "+refs/notes/*:" + fetched_notes_prefix(remote) + "*"};
}

// Each kind of credential is offered once: libgit2 asks again after a failure, and offering
// the same one forever would loop.
struct CredentialState {
  bool tried_agent = false;
  bool tried_token = false;
  /// The address PROMPTCTL_GIT_TOKEN was withheld from: plain http to another machine.
  std::string withheld_from;
};

// After a remote operation: the reason it failed, when the token was withheld.
void throw_if_token_withheld(const CredentialState& state) {
  if (!state.withheld_from.empty()) {
    throw Error(ErrorKind::refused,
                "refusing to send PROMPTCTL_GIT_TOKEN over plain http to '" +
                    redact_credentials(state.withheld_from) + "'",
                {}, "use an https:// remote URL; tokens go over plain http only to this machine");
  }
}

int acquire_credentials(git_credential** out, const char* url, const char* username_from_url,
                        unsigned int allowed, void* payload) {
  auto* state = static_cast<CredentialState*>(payload);
  if ((allowed & GIT_CREDENTIAL_SSH_KEY) && !state->tried_agent) {
    state->tried_agent = true;
    return git().git_credential_ssh_key_from_agent(out,
                                                   username_from_url ? username_from_url : "git");
  }
  const char* token = std::getenv("PROMPTCTL_GIT_TOKEN");
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && token && *token && !state->tried_token) {
    state->tried_token = true;
    if (util::is_cleartext_to_another_machine(url ? url : "")) {
      state->withheld_from = url ? url : "";
      return GIT_PASSTHROUGH;
    }
    const char* user = std::getenv("PROMPTCTL_GIT_USERNAME");
    return git().git_credential_userpass_plaintext_new(out, user && *user ? user : "x-access-token",
                                                       token);
  }
  return GIT_PASSTHROUGH;
}

// Every fetch, push and clone sets its callbacks here.
void set_callbacks(git_remote_callbacks& callbacks, CredentialState& state) {
  callbacks.credentials = acquire_credentials;
  callbacks.payload = &state;
}

// The certificates an HTTPS remote is checked against are loaded before a transfer that may
// need them, not at every start-up, nor for a local or SSH remote (certificates.hpp). `url` is
// the remote's as libgit2 uses it, after any `url.<base>.insteadOf` rewriting.
void load_certificates_for(const char* url) {
  if (url && needs_system_certificates(url)) {
    load_system_certificates();
  }
}

// A clone's remote, made as libgit2 makes it by default; its address is known only now.
int create_clone_remote(git_remote** out, git_repository* repository, const char* name,
                        const char* url, void*) {
  int code = git().git_remote_create(out, repository, name, url);
  if (code == 0) {
    load_certificates_for(git().git_remote_url(*out));
  }
  return code;
}

GitRemote lookup_remote(git_repository* repository, const std::string& name) {
  git_remote* raw = nullptr;
  int code = git().git_remote_lookup(&raw, repository, name.c_str());
  if (code == GIT_ENOTFOUND || code == GIT_EINVALIDSPEC) {
    throw Error(ErrorKind::not_found, "no remote named '" + util::printable(name) + "'", {},
                "add one with 'promptctl remote add NAME URL'");
  }
  check(code, "look up remote '" + name + "'");
  return GitRemote(raw);
}

std::vector<std::string> strings_of(const git_strarray& array) {
  return {array.strings, array.strings + array.count};
}

struct StringArray {
  std::vector<std::string> storage;
  std::vector<char*> pointers;
  git_strarray array{};
  explicit StringArray(std::vector<std::string> items) : storage(std::move(items)) {
    for (std::string& item : storage) {
      pointers.push_back(item.data());
    }
    array = {pointers.data(), pointers.size()};
  }
};

void fetch_remote(git_remote* remote, const std::string& name) {
  git_strarray configured{};
  check(git().git_remote_get_fetch_refspecs(&configured, remote), "read the fetch refspecs");
  GitStrarray owner(&configured);
  std::vector<std::string> specs = strings_of(configured);
  for (std::string& extra : extra_fetch_refspecs(name)) {
    specs.push_back(std::move(extra));
  }
  StringArray refspecs(std::move(specs));
  git_fetch_options options{};
  check(git().git_fetch_options_init(&options, GIT_FETCH_OPTIONS_VERSION), "set up a fetch");
  CredentialState state;
  set_callbacks(options.callbacks, state);
  load_certificates_for(git().git_remote_url(remote));
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
  int code = git().git_remote_fetch(remote, &refspecs.array, &options, nullptr);
  throw_if_token_withheld(state);
  check(code, "fetch from '" + name + "'");
}

std::vector<std::string> refs_matching(git_repository* repository,
                                       std::initializer_list<std::string_view> prefixes) {
  git_strarray names{};
  check(git().git_reference_list(&names, repository), "list references");
  GitStrarray owner(&names);
  std::vector<std::string> out;
  for (const std::string& name : strings_of(names)) {
    if (std::any_of(prefixes.begin(), prefixes.end(),
                    [&](std::string_view p) { return name.starts_with(p); })) {
      out.push_back(name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A bare repository's HEAD often names a branch nobody pushed ("master" while "main" was
// pushed), which leaves a clone with nothing checked out. Then main, master or the only branch
// is checked out instead.
void check_out_a_branch_if_none(git_repository* repository) {
  if (git().git_repository_head_unborn(repository) != 1) {
    return;
  }
  std::vector<std::string> remote_branches;
  for (const std::string& ref : refs_matching(repository, {"refs/remotes/origin/"})) {
    if (!ref.ends_with("/HEAD")) {
      remote_branches.push_back(ref.substr(std::string_view("refs/remotes/origin/").size()));
    }
  }
  std::string chosen;
  for (const char* preferred : {"main", "master"}) {
    if (std::find(remote_branches.begin(), remote_branches.end(), preferred) !=
        remote_branches.end()) {
      chosen = preferred;
      break;
    }
  }
  if (chosen.empty() && remote_branches.size() == 1) {
    chosen = remote_branches.front();
  }
  if (chosen.empty()) {
    return;
  }
  git_object* raw = nullptr;
  std::string tracking = "refs/remotes/origin/" + chosen;
  check(git().git_revparse_single(&raw, repository, tracking.c_str()), "read " + tracking);
  GitObject target(raw);
  git_object* peeled = nullptr;
  check(git().git_object_peel(&peeled, target.get(), GIT_OBJECT_COMMIT), "read " + tracking);
  GitObject commit(peeled);
  git_reference* branch_raw = nullptr;
  check(git().git_branch_create(&branch_raw, repository, chosen.c_str(),
                                reinterpret_cast<const git_commit*>(commit.get()), 1),
        "create branch '" + chosen + "'");
  GitReference branch(branch_raw);
  (void)git().git_branch_set_upstream(branch.get(), ("origin/" + chosen).c_str());
  git_checkout_options options{};
  check(git().git_checkout_options_init(&options, GIT_CHECKOUT_OPTIONS_VERSION),
        "set up a checkout");
  options.checkout_strategy = GIT_CHECKOUT_SAFE;
  check(git().git_checkout_tree(repository, commit.get(), &options), "check out " + chosen);
  std::string ref = "refs/heads/" + chosen;
  check(git().git_repository_set_head(repository, ref.c_str()), "point HEAD at " + chosen);
}

struct PushState {
  CredentialState credentials;
  std::vector<std::string> rejected;
};

}  // namespace

Repository Repository::clone(const std::string& url, const fs::path& dir) {
  if (fs::exists(dir) && !fs::is_empty(dir)) {
    throw Error(ErrorKind::already_exists,
                "'" + dir.string() + "' already exists and is not an empty folder");
  }
  bool created = !fs::exists(dir);
  git_clone_options options{};
  check(git().git_clone_options_init(&options, GIT_CLONE_OPTIONS_VERSION), "set up a clone");
  CredentialState state;
  set_callbacks(options.fetch_opts.callbacks, state);
  options.remote_cb = create_clone_remote;
  git_repository* raw = nullptr;
  int code = git().git_clone(&raw, url.c_str(), dir.c_str(), &options);
  if (code < 0 && !state.withheld_from.empty() && created) {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  throw_if_token_withheld(state);
  if (code < 0) {
    const git_error* last = git().git_error_last();
    std::string detail = last && last->message ? last->message : "unknown libgit2 error";
    if (created) {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
    throw Error(ErrorKind::git,
                "cannot clone '" + redact_credentials(url) + "': " + redact_credentials(detail));
  }
  GitRepository cloned(raw);
  check_out_a_branch_if_none(raw);
  Repository result = discover(dir);
  (void)result.fetch("origin");  // the notes and refs/promptctl/ that a clone leaves out
  return result;
}

std::vector<RemoteInfo> Repository::remotes() const {
  git_repository* repository = m_impl->repository.get();
  git_strarray names{};
  check(git().git_remote_list(&names, repository), "list remotes");
  GitStrarray owner(&names);
  std::vector<RemoteInfo> out;
  for (const std::string& name : strings_of(names)) {
    GitRemote remote = lookup_remote(repository, name);
    const char* url = git().git_remote_url(remote.get());
    out.push_back({name, redact_credentials(url ? url : "")});
  }
  std::sort(out.begin(), out.end(),
            [](const RemoteInfo& a, const RemoteInfo& b) { return a.name < b.name; });
  return out;
}

void Repository::add_remote(const std::string& name, const std::string& url) {
  int valid = 0;
  check(git().git_remote_name_is_valid(&valid, name.c_str()), "check a remote name");
  if (!valid) {
    throw Error(ErrorKind::usage, "'" + util::printable(name) + "' is not a valid remote name");
  }
  git_remote* raw = nullptr;
  int code = git().git_remote_create(&raw, m_impl->repository.get(), name.c_str(), url.c_str());
  if (code == GIT_EEXISTS) {
    throw Error(ErrorKind::already_exists, "a remote named '" + name + "' already exists");
  }
  check(code, "add remote '" + name + "'");
  GitRemote created(raw);
}

std::string Repository::default_remote() const {
  git_repository* repository = m_impl->repository.get();
  std::string branch = current_branch();
  if (!branch.empty()) {
    git_buf buffer = GIT_BUF_INIT;
    std::string ref = "refs/heads/" + branch;
    if (git().git_branch_upstream_remote(&buffer, repository, ref.c_str()) == 0) {
      GitBuf owner(&buffer);
      return std::string(buffer.ptr, buffer.size);
    }
  }
  std::vector<RemoteInfo> all = remotes();
  for (const RemoteInfo& remote : all) {
    if (remote.name == "origin") {
      return remote.name;
    }
  }
  if (all.size() == 1) {
    return all.front().name;
  }
  throw Error(ErrorKind::not_found,
              all.empty() ? "this repository has no remote" : "which remote? there are several", {},
              all.empty() ? "add one with 'promptctl remote add origin URL'"
                          : "name it: 'promptctl push REMOTE'");
}

std::vector<std::string> Repository::fetch(const std::string& remote) {
  GitRemote found = lookup_remote(m_impl->repository.get(), remote);
  fetch_remote(found.get(), remote);
  std::optional<Identity> who;
  try {
    who = identities().second;
  } catch (const Error&) {
    // Without an identity no merge commit can be made; diverged notes are reported instead.
  }
  return integrate_fetched_notes(m_impl->repository.get(), remote, who);
}

std::vector<std::string> Repository::push(const std::string& remote) {
  git_repository* repository = m_impl->repository.get();
  std::string branch = current_branch();
  if (branch.empty()) {
    throw Error(ErrorKind::invalid_input, "HEAD is detached: there is no branch to push", {},
                "switch to a branch first ('promptctl switch NAME')");
  }
  GitRemote found = lookup_remote(repository, remote);
  std::vector<std::string> refs = {"refs/heads/" + branch};
  for (const std::string& ref :
       refs_matching(repository, {"refs/tags/", "refs/notes/", "refs/promptctl/"})) {
    refs.push_back(ref);
  }
  std::vector<std::string> specs;
  for (const std::string& ref : refs) {
    specs.push_back(ref + ":" + ref);
  }
  StringArray refspecs(specs);
  git_push_options options{};
  check(git().git_push_options_init(&options, GIT_PUSH_OPTIONS_VERSION), "set up a push");
  PushState state;
  set_callbacks(options.callbacks, state.credentials);
  const char* push_url = git().git_remote_pushurl(found.get());
  load_certificates_for(push_url ? push_url : git().git_remote_url(found.get()));
  options.callbacks.push_update_reference = [](const char* refname, const char* status,
                                               void* payload) {
    if (status) {
      static_cast<PushState*>(payload)->rejected.push_back(std::string(refname) + " (" + status +
                                                           ")");
    }
    return 0;
  };
  options.callbacks.payload = &state;
  int code = git().git_remote_push(found.get(), &refspecs.array, &options);
  throw_if_token_withheld(state.credentials);
  if (code == GIT_ENONFASTFORWARD && state.rejected.empty()) {
    // Local and some other transports refuse before reporting per reference.
    state.rejected.push_back("refs/heads/" + branch + " (non-fast-forward)");
  }
  if (!state.rejected.empty()) {
    throw Error(ErrorKind::refused, "'" + remote + "' rejected the push", {},
                "fetch and merge its changes first ('promptctl pull'), then push again")
        .with_details(file_details(state.rejected, "rejected"));
  }
  check(code, "push to '" + remote + "'");
  // Like `git push -u`: the branch now tracks the remote's, so pull and push need no name.
  std::string upstream = remote + "/" + branch;
  git_reference* raw = nullptr;
  if (git().git_branch_lookup(&raw, repository, branch.c_str(), GIT_BRANCH_LOCAL) == 0) {
    GitReference local(raw);
    (void)git().git_branch_set_upstream(local.get(), upstream.c_str());
  }
  return refs;
}

}  // namespace promptctl::repo

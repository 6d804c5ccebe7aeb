// promptctl log [NAME]: a prompt's versions, or the repository's commits.

#include "cli/command.hpp"
#include "cli/validators.hpp"
#include "promptctl/address.hpp"
#include "promptctl/changes.hpp"
#include "promptctl/history.hpp"
#include "promptctl/pins.hpp"
#include "util/dates.hpp"
#include "util/json_output.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string name;
  int max_count = -1;
  std::string since;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.name,
                 "The prompt whose versions to list, or NAME@REV to start from a revision "
                 "(default: the repository's commits from HEAD)");
  sub.add_option("-n,--max-count", o.max_count, "Show at most N entries")
      ->type_name("N")
      ->check(at_least(0));
  sub.add_option("--since", o.since,
                 "Only commits after DATE: 2026-01-31, an ISO 8601 time, or '2 weeks ago'")
      ->type_name("DATE");
  sub.add_flag("--json", o.json, "Print the history as JSON");
}

nlohmann::json commit_json(const repo::CommitInfo& commit) {
  return {{"commit", commit.id},
          {"parents", commit.parents},
          {"author", util::identity_json(commit.author.name, commit.author.email)},
          {"authored_at", util::format_utc(commit.author.time)},
          {"committer", util::identity_json(commit.committer.name, commit.committer.email)},
          {"committed_at", util::format_utc(commit.committer.time)},
          {"summary", commit.summary},
          {"message", commit.message}};
}

nlohmann::json version_json(const PromptVersion& version) {
  nlohmann::json out = commit_json(version.change.commit);
  out["version"] = version.number == 0 ? nlohmann::json(nullptr) : nlohmann::json(version.number);
  out["change"] = to_string(version.change.kind);
  out["name"] = version.name;
  out["old_name"] = util::text_or_null(version.old_name);
  out["path"] = version.change.path;
  out["content_hash"] = util::text_or_null(version.content_hash);
  return out;
}

std::string day_of(const repo::Identity& who) {
  return util::format_date(who.time, who.offset_minutes).substr(0, 10);
}

// Applies --since and -n to a newest-first list.
template <class T, class TimeOf>
void limit(const Options& o, std::vector<T>& entries, TimeOf time_of) {
  if (auto bound = since_option(o.since)) {
    std::erase_if(entries, [&](const T& entry) { return time_of(entry) < *bound; });
  }
  if (o.max_count >= 0 && entries.size() > static_cast<size_t>(o.max_count)) {
    entries.resize(static_cast<size_t>(o.max_count));
  }
}

std::string version_note(const PromptVersion& version) {
  switch (version.change.kind) {
    case repo::ChangeKind::renamed:
      return "  (renamed from " + version.old_name + ")";
    case repo::ChangeKind::deleted:
      return "  (deleted)";
    default:
      return "";
  }
}

int log_prompt(Session& session, const Options& o, const PromptAddress& address) {
  Workspace& workspace = session.workspace();
  auto repository = session.shared_repository();
  repo::Revision start = address.revision.empty()
                             ? repository->resolve("HEAD")
                             : resolve_revision(workspace, *repository, address);
  std::vector<PromptVersion> versions = prompt_history(workspace, repository, start, address.name);
  if (versions.empty()) {
    throw Error(ErrorKind::not_found, "prompt '" + address.name + "' has no history at " +
                                          start.expression +
                                          util::did_you_mean(address.name, workspace.list_names()));
  }
  limit(o, versions, [](const PromptVersion& v) { return v.change.commit.committer.time; });
  add_content_hashes(workspace, repository, versions);
  Output& out = session.out();
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const PromptVersion& version : versions) {
      list.push_back(version_json(version));
    }
    out.document({{"prompt", address.name}, {"start", revision_json(start)}, {"versions", list}});
    return 0;
  }
  for (const PromptVersion& version : versions) {
    const repo::CommitInfo& commit = version.change.commit;
    std::string number = version.number ? "v" + std::to_string(version.number) : "-";
    std::string hash = version.content_hash.empty() ? "" : short_hash(version.content_hash);
    out.line(out.paint(pad(number, 5), Style::bold) + " " +
             out.paint(commit.id.substr(0, 7), Style::yellow) + "  " + day_of(commit.author) +
             "  " + out.paint(pad(hash, 12), Style::dim) + "  " +
             util::visible(commit.author.name) + "  " + util::visible(commit.summary) +
             version_note(version));
  }
  return 0;
}

int log_repository(Session& session, const Options& o) {
  repo::Repository& repository = session.repository();
  std::optional<repo::Revision> head = head_if_any(repository);
  if (!head) {
    // No commits yet: an empty history rather than an error.
    if (o.json) {
      session.out().document({{"start", nullptr}, {"commits", nlohmann::json::array()}});
    }
    return 0;
  }
  repo::Revision start = *head;
  // Without --since, -n can stop the walk early.
  size_t walk_limit = o.since.empty() && o.max_count >= 0 ? static_cast<size_t>(o.max_count)
                                                          : static_cast<size_t>(-1);
  std::vector<repo::CommitInfo> commits = repository.log(start, walk_limit);
  limit(o, commits, [](const repo::CommitInfo& c) { return c.committer.time; });
  Output& out = session.out();
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const repo::CommitInfo& commit : commits) {
      list.push_back(commit_json(commit));
    }
    out.document({{"start", revision_json(start)}, {"commits", list}});
    return 0;
  }
  for (const repo::CommitInfo& commit : commits) {
    out.line(out.paint(commit.id.substr(0, 7), Style::yellow) + "  " + day_of(commit.author) +
             "  " + util::visible(commit.author.name) + "  " + util::visible(commit.summary));
  }
  return 0;
}

int run(Session& session, const Options& o) {
  if (o.name.empty()) {
    return log_repository(session, o);
  }
  return log_prompt(session, o, parse_address(o.name));
}

}  // namespace

extern const CommandSpec k_cmd_log{"log", "Show a prompt's versions or the repository's history",
                                   Completes::prompt_names, Setup::workspace,
                                   declare<Options, add_options, run>};

}  // namespace promptctl::cli

#include "promptctl/release.hpp"

#include <algorithm>

#include "promptctl/address.hpp"
#include "promptctl/history.hpp"

namespace promptctl {

namespace {

std::optional<int> parse_number(std::string_view text) {
  if (text.empty() || text.size() > 9 || (text.size() > 1 && text[0] == '0') ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoi(std::string(text));
}

std::string content_hash_at(const Workspace& workspace,
                            const std::shared_ptr<const repo::Repository>& repository,
                            const std::string& commit_id, std::string_view name) {
  RevisionSource source(repository, {commit_id, commit_id},
                        repository_prefix(workspace, *repository));
  if (!source.read(name)) {
    return {};
  }
  return content_identity(source, name).hash;
}

}  // namespace

std::optional<SemVer> SemVer::parse(std::string_view text) {
  size_t first = text.find('.');
  size_t second = first == std::string_view::npos ? first : text.find('.', first + 1);
  if (second == std::string_view::npos) {
    return std::nullopt;
  }
  auto major = parse_number(text.substr(0, first));
  auto minor = parse_number(text.substr(first + 1, second - first - 1));
  auto patch = parse_number(text.substr(second + 1));
  if (!major || !minor || !patch) {
    return std::nullopt;
  }
  return SemVer{*major, *minor, *patch};
}

std::string SemVer::to_string() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

SemVer next_version(const std::optional<SemVer>& previous, Bump bump) {
  if (!previous) {
    return {1, 0, 0};
  }
  switch (bump) {
    case Bump::major:
      return {previous->major + 1, 0, 0};
    case Bump::minor:
      return {previous->major, previous->minor + 1, 0};
    case Bump::patch:
      return {previous->major, previous->minor, previous->patch + 1};
  }
  return *previous;
}

std::string release_tag(std::string_view name, const SemVer& version) {
  return std::string(name) + "@" + version.to_string();
}

std::vector<Release> releases(const Workspace& workspace,
                              const std::shared_ptr<const repo::Repository>& repository,
                              std::string_view name) {
  std::vector<Release> out;
  std::string prefix = std::string(name) + "@";
  for (repo::TagInfo& tag : repository->tags(prefix + "*")) {
    auto version = SemVer::parse(std::string_view(tag.name).substr(prefix.size()));
    if (!version) {
      continue;  // "NAME@something-else" is not a release
    }
    Release release{std::string(name), *version, std::move(tag), {}};
    release.content_hash = content_hash_at(workspace, repository, release.tag.commit_id, name);
    out.push_back(std::move(release));
  }
  std::sort(out.begin(), out.end(),
            [](const Release& a, const Release& b) { return a.version < b.version; });
  return out;
}

Release create_release(const Workspace& workspace,
                       const std::shared_ptr<repo::Repository>& repository, std::string_view name,
                       Bump bump, const std::string& message) {
  repo::Revision head = repository->resolve("HEAD");
  std::string hash = content_hash_at(workspace, repository, head.commit_id, name);
  if (hash.empty()) {
    throw Error(ErrorKind::not_found,
                "HEAD (" + head.short_id() + ") has no prompt named '" + std::string(name) + "'",
                {}, "commit it first ('promptctl commit -m ... " + std::string(name) + "')");
  }
  std::vector<Release> existing = releases(workspace, repository, name);
  std::optional<SemVer> previous;
  if (!existing.empty()) {
    const Release& last = existing.back();
    previous = last.version;
    if (last.content_hash == hash) {
      throw Error(ErrorKind::refused, "'" + std::string(name) + "' has not changed since " +
                                          last.tag.name + "; there is nothing to release");
    }
  }
  SemVer version = next_version(previous, bump);
  std::string tag = release_tag(name, version);
  std::string text = message.empty() ? "Release " + tag : message;
  if (!text.ends_with("\n")) {
    text += "\n";
  }
  auto [author, committer] = repository->identities();
  repository->create_tag(tag, head, text, committer);
  return {std::string(name), version, repo::TagInfo{tag, head.commit_id, text, committer}, hash};
}

}  // namespace promptctl

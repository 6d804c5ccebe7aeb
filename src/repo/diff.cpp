// Differences between commits, the working tree, and two texts.
#include <algorithm>

#include "promptctl/repo.hpp"
#include "repo/git_handle.hpp"
#include "repo/helpers.hpp"
#include "repo/repository_impl.hpp"

namespace promptctl::repo {

namespace {

using GitDiff = GitHandle<git_diff, &GitApi::git_diff_free>;
using GitPatch = GitHandle<git_patch, &GitApi::git_patch_free>;

std::optional<FileChange> change_of(const git_diff_delta& delta) {
  FileChange change;
  change.path = delta.new_file.path ? delta.new_file.path : "";
  switch (delta.status) {
    case GIT_DELTA_ADDED:
    case GIT_DELTA_UNTRACKED:
      change.kind = ChangeKind::added;
      break;
    case GIT_DELTA_DELETED:
      change.kind = ChangeKind::deleted;
      change.path = delta.old_file.path ? delta.old_file.path : "";
      break;
    case GIT_DELTA_MODIFIED:
    case GIT_DELTA_TYPECHANGE:
      change.kind = ChangeKind::modified;
      break;
    case GIT_DELTA_RENAMED:
      change.kind = ChangeKind::renamed;
      change.old_path = delta.old_file.path ? delta.old_file.path : "";
      break;
    default:
      return std::nullopt;
  }
  return change;
}

}  // namespace

std::vector<FileChange> Repository::diff_files(const Revision& from,
                                               const std::optional<Revision>& to,
                                               const std::vector<std::string>& pathspecs) const {
  git_repository* repository = m_impl->repository.get();
  std::vector<std::string> storage = pathspecs;
  std::vector<char*> specs;
  for (std::string& spec : storage) {
    specs.push_back(spec.data());
  }
  git_diff_options options{};
  check(git().git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION), "set up a diff");
  options.pathspec = {specs.data(), specs.size()};
  GitTree old_tree = tree_of(repository, from);
  git_diff* raw = nullptr;
  if (to) {
    GitTree new_tree = tree_of(repository, *to);
    check(git().git_diff_tree_to_tree(&raw, repository, old_tree.get(), new_tree.get(), &options),
          "compare " + from.short_id() + " with " + to->short_id());
  } else {
    options.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
    check(git().git_diff_tree_to_workdir_with_index(&raw, repository, old_tree.get(), &options),
          "compare " + from.short_id() + " with the working tree");
  }
  GitDiff diff(raw);
  git_diff_find_options find{};
  check(git().git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION),
        "set up rename detection");
  find.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_FOR_UNTRACKED;
  check(git().git_diff_find_similar(diff.get(), &find), "detect renames");
  std::vector<FileChange> out;
  for (size_t i = 0; i < git().git_diff_num_deltas(diff.get()); ++i) {
    if (auto change = change_of(*git().git_diff_get_delta(diff.get(), i))) {
      out.push_back(std::move(*change));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const FileChange& a, const FileChange& b) { return a.path < b.path; });
  return out;
}

std::vector<DiffHunk> diff_text(std::string_view before, std::string_view after, int context) {
  git_diff_options options{};
  check(git().git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION), "set up a diff");
  options.context_lines = static_cast<std::uint32_t>(std::max(context, 0));
  options.flags = GIT_DIFF_FORCE_TEXT;
  git_patch* raw = nullptr;
  check(git().git_patch_from_buffers(&raw, before.data(), before.size(), nullptr, after.data(),
                                     after.size(), nullptr, &options),
        "compare two texts");
  GitPatch patch(raw);
  std::vector<DiffHunk> hunks;
  for (size_t h = 0; h < git().git_patch_num_hunks(patch.get()); ++h) {
    const git_diff_hunk* hunk = nullptr;
    size_t line_count = 0;
    check(git().git_patch_get_hunk(&hunk, &line_count, patch.get(), h), "read a diff hunk");
    DiffHunk out;
    out.header.assign(hunk->header, hunk->header_len);
    while (!out.header.empty() && (out.header.back() == '\n' || out.header.back() == '\r')) {
      out.header.pop_back();
    }
    for (size_t l = 0; l < line_count; ++l) {
      const git_diff_line* line = nullptr;
      check(git().git_patch_get_line_in_hunk(&line, patch.get(), h, l), "read a diff line");
      if (line->origin != GIT_DIFF_LINE_CONTEXT && line->origin != GIT_DIFF_LINE_ADDITION &&
          line->origin != GIT_DIFF_LINE_DELETION) {
        continue;  // "\ No newline at end of file" markers
      }
      std::string text(line->content, line->content_len);
      if (!text.empty() && text.back() == '\n') {
        text.pop_back();
      }
      out.lines.push_back({line->origin, std::move(text)});
    }
    hunks.push_back(std::move(out));
  }
  return hunks;
}

}  // namespace promptctl::repo

// Text diffs: the hunks are a faithful patch from one text to the other.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <sstream>

#include "promptctl/repo.hpp"

using namespace promptctl;

namespace {

// Lines from a small alphabet, so that generated texts share lines and diffs have context.
rc::Gen<std::string> lines_text() {
  return rc::gen::map(rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 6)),
                      [](const std::vector<int>& picks) {
                        std::string text;
                        for (int pick : picks) {
                          text += "line " + std::to_string(pick) + "\n";
                        }
                        return text;
                      });
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

// Applies hunks to `before`: context and removed lines must match where the header says.
std::vector<std::string> apply_hunks(const std::vector<std::string>& before,
                                     const std::vector<repo::DiffHunk>& hunks) {
  std::vector<std::string> out;
  size_t next = 0;  // the next line of `before` not yet copied
  for (const repo::DiffHunk& hunk : hunks) {
    int old_start = 0;
    int old_count = 1;
    if (std::sscanf(hunk.header.c_str(), "@@ -%d,%d", &old_start, &old_count) < 1) {
      RC_FAIL("unreadable header " + hunk.header);
    }
    size_t first =
        old_count == 0 ? static_cast<size_t>(old_start) : static_cast<size_t>(old_start - 1);
    RC_ASSERT(first >= next);
    out.insert(out.end(), before.begin() + static_cast<long>(next),
               before.begin() + static_cast<long>(first));
    next = first;
    for (const repo::DiffLine& line : hunk.lines) {
      if (line.origin == '+') {
        out.push_back(line.text);
        continue;
      }
      RC_ASSERT(next < before.size());
      RC_ASSERT(before[next] == line.text);
      if (line.origin == ' ') {
        out.push_back(line.text);
      }
      ++next;
    }
  }
  out.insert(out.end(), before.begin() + static_cast<long>(next), before.end());
  return out;
}

}  // namespace

RC_GTEST_PROP(TextDiff, HunksTurnOneTextIntoTheOther, ()) {
  std::string before = *lines_text();
  std::string after = *lines_text();
  std::vector<repo::DiffHunk> hunks = repo::diff_text(before, after);
  RC_ASSERT(apply_hunks(split_lines(before), hunks) == split_lines(after));
  RC_ASSERT(hunks.empty() == (before == after));
}

RC_GTEST_PROP(TextDiff, NoContextStillPatches, ()) {
  std::string before = *lines_text();
  std::string after = *lines_text();
  RC_ASSERT(apply_hunks(split_lines(before), repo::diff_text(before, after, 0)) ==
            split_lines(after));
}

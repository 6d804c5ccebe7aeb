#include "prompt/file_stamps.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <string_view>

#include "util/fd.hpp"
#include "util/parallel.hpp"

namespace promptctl::prompt_detail {
namespace {

// Files changed more recently than this are read every time (see the header).
constexpr std::int64_t k_racy_window_ns = 2'000'000'000;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

FileStamp stamp_from(const struct stat& info) {
  auto ns = [](const timespec& t) {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
  };
  return FileStamp{static_cast<std::uintmax_t>(info.st_size),
                   static_cast<std::uint64_t>(info.st_ino), ns(info.st_mtim), ns(info.st_ctim)};
}

}  // namespace

bool FileStamp::trusted() const {
  std::int64_t settled = now_ns() - k_racy_window_ns;
  return mtime_ns <= settled && ctime_ns <= settled;
}

std::string FileStamp::text() const {
  return std::to_string(size) + " " + std::to_string(inode) + " " + std::to_string(mtime_ns) + " " +
         std::to_string(ctime_ns);
}

namespace {

// Stamps names[first, last) into the same places of `stamps`.
void stamp_range(const std::filesystem::path& prompts_dir, const std::vector<std::string>& names,
                 std::size_t first, std::size_t last,
                 std::vector<std::optional<FileStamp>>& stamps) {
  auto folder_of = [](const std::string& name) {
    std::size_t slash = name.rfind('/');
    return std::string_view(name).substr(0, slash == std::string::npos ? 0 : slash);
  };
  std::string file;
  while (first < last) {
    // The names of one folder come together (they are sorted): open it once for all of them.
    std::string_view sub = folder_of(names[first]);
    std::filesystem::path dir = sub.empty() ? prompts_dir : prompts_dir / sub;
    util::Fd folder(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    std::size_t i = first;
    for (; i < last && folder_of(names[i]) == sub; ++i) {
      file.assign(names[i], sub.empty() ? 0 : sub.size() + 1).append(".yaml");
      struct stat info {};
      if (folder && ::fstatat(folder.get(), file.c_str(), &info, 0) == 0) {
        stamps[i] = stamp_from(info);
      }
    }
    first = i;
  }
}

// Names per work item: a few hundred system calls, far more than handing an item over costs.
constexpr std::size_t k_names_per_chunk = 256;

}  // namespace

StampJob::StampJob(std::filesystem::path prompts_dir, const std::vector<std::string>& names)
    : m_prompts_dir(std::move(prompts_dir)),
      m_names(names),
      m_stamps(names.size()),
      m_chunks((names.size() + k_names_per_chunk - 1) / k_names_per_chunk) {}

void StampJob::help() {
  for (std::size_t chunk = m_next_chunk++; chunk < m_chunks; chunk = m_next_chunk++) {
    std::size_t first = chunk * k_names_per_chunk;
    stamp_range(m_prompts_dir, m_names, first, std::min(m_names.size(), first + k_names_per_chunk),
                m_stamps);
  }
}

std::vector<std::optional<FileStamp>> StampJob::stamps() && {
  return std::move(m_stamps);
}

std::vector<std::optional<FileStamp>> stamps_of(const std::filesystem::path& prompts_dir,
                                                const std::vector<std::string>& names) {
  // A system call each, and they run side by side on separate cores: 10,000 files take about
  // half as long on two.
  StampJob job(prompts_dir, names);
  util::run_on_threads(std::min(job.chunks(), util::core_count()), [&] { job.help(); });
  return std::move(job).stamps();
}

}  // namespace promptctl::prompt_detail

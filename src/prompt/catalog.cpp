#include "promptctl/catalog.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <future>

#include "prompt/summary_cache.hpp"
#include "util/json_output.hpp"
#include "util/json_writer.hpp"
#include "util/parallel.hpp"
#include "util/strings.hpp"

namespace promptctl {

nlohmann::json PromptSummary::to_json() const {
  using util::text_or_null;
  return {{"name", name},
          {"path", path},
          {"description", text_or_null(description)},
          {"tags", tags},
          {"category", text_or_null(category)},
          {"owner", text_or_null(owner)},
          {"variables", variables},
          {"error", text_or_null(error)}};
}

namespace {

void append_json(std::string& out, const std::string& text) {
  util::append_json_string(out, text);
}

void append_text_or_null(std::string& out, const std::string& text) {
  if (text.empty()) {
    out += "null";
  } else {
    append_json(out, text);
  }
}

void append_json(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    append_json(out, items[i]);
  }
  out += ']';
}

}  // namespace

PromptSummary PromptSummary::of(const Prompt& prompt) {
  PromptSummary summary;
  summary.name = prompt.name;
  summary.path = Workspace::display_path(prompt.name);
  summary.description = prompt.description;
  summary.tags = prompt.tags;
  summary.category = prompt.category;
  summary.owner = prompt.owner;
  summary.variables = prompt.variable_names();
  return summary;
}

bool CatalogFilter::matches_name(const std::string& name) const {
  return patterns.empty() ||
         std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
           return name.starts_with(pattern) || ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
         });
}

bool CatalogFilter::matches_metadata(const PromptSummary& summary) const {
  for (const std::string& tag : tags) {
    if (std::find(summary.tags.begin(), summary.tags.end(), tag) == summary.tags.end()) {
      return false;
    }
  }
  return category.empty() || summary.category == category;
}

std::string PromptSummary::json_text() const {
  // The keys in the order nlohmann::json keeps them (sorted), so that the text is to_json's.
  std::string out = "{\"category\":";
  append_text_or_null(out, category);
  out += ",\"description\":";
  append_text_or_null(out, description);
  out += ",\"error\":";
  append_text_or_null(out, error);
  out += ",\"name\":";
  append_json(out, name);
  out += ",\"owner\":";
  append_text_or_null(out, owner);
  out += ",\"path\":";
  append_json(out, path);
  out += ",\"tags\":";
  append_json(out, tags);
  out += ",\"variables\":";
  append_json(out, variables);
  out += '}';
  return out;
}

namespace {

bool contains_text(const Prompt& prompt, const std::string& needle) {
  auto has = [&](const std::string& haystack) {
    return util::to_lower(haystack).find(needle) != std::string::npos;
  };
  if (has(prompt.name) || has(prompt.description)) {
    return true;
  }
  return std::any_of(prompt.tags.begin(), prompt.tags.end(), has) ||
         std::any_of(prompt.messages.begin(), prompt.messages.end(),
                     [&](const MessageTemplate& m) { return has(m.content); });
}

}  // namespace

namespace {

PromptSummary summary_of(const std::string& name, const LoadResult& loaded) {
  if (!loaded.prompt || loaded.has_errors()) {
    PromptSummary summary;
    summary.name = name;
    summary.path = Workspace::display_path(name);
    summary.error =
        loaded.diagnostics.empty() ? "cannot load" : loaded.diagnostics.front().to_string();
    return summary;
  }
  return PromptSummary::of(*loaded.prompt);
}

LoadResult load_quietly(Workspace& workspace, const std::string& name) {
  LoadResult loaded;
  try {
    loaded = workspace.load_checked(name);
  } catch (const Error& e) {
    loaded.diagnostics.push_back({Severity::error, e.location(), e.message(), "load"});
  }
  return loaded;
}

// The summary cache, read when the caller says or when it is taken. A large cache is read
// while another thread lists the prompt files and takes their stamps, which takes about as
// long; a small one is not worth a thread.
class CacheLoad {
 public:
  static constexpr std::uintmax_t k_small_cache_bytes = 64 * 1024;

  explicit CacheLoad(Workspace& workspace) {
    if (auto dir = workspace.state_dir()) {
      m_file = *dir / "cache" / "summaries";
      std::error_code error;
      std::uintmax_t size = std::filesystem::file_size(*m_file, error);
      m_worth_parallel = !error && size >= k_small_cache_bytes;
    }
  }
  /// Whether the cache is large enough for other work to be done beside its reading.
  [[nodiscard]] bool worth_parallel() const { return m_worth_parallel; }
  /// Reads it now, if it was not read yet.
  void read_now() {
    if (m_file && !m_cache) {
      m_cache.emplace(*m_file);
    }
  }
  /// The cache, read now if it was not; none when the repository has no place for one. Once.
  std::optional<prompt_detail::SummaryCache> take() {
    read_now();
    std::optional<prompt_detail::SummaryCache> taken = std::move(m_cache);
    m_file.reset();
    return taken;
  }

 private:
  std::optional<std::filesystem::path> m_file;
  std::optional<prompt_detail::SummaryCache> m_cache;
  bool m_worth_parallel = false;
};

using Stamps = std::vector<std::optional<prompt_detail::FileStamp>>;

// Summaries of every name, whose files have `stamps`: from the cache where the file is
// unchanged, else parsed (in parallel) and cached.
std::vector<PromptSummary> all_summaries(Workspace& workspace,
                                         const std::vector<std::string>& names,
                                         const Stamps& stamps, bool complete,
                                         CacheLoad& cache_load) {
  std::vector<PromptSummary> out(names.size());
  std::optional<prompt_detail::SummaryCache> cache = cache_load.take();
  std::vector<size_t> hits;
  std::vector<size_t> misses;
  for (size_t i = 0; i < names.size(); ++i) {
    // Moved out, not copied: a warm listing of thousands of prompts copies nothing.
    auto hit = cache && stamps[i] ? cache->take(names[i], *stamps[i]) : std::nullopt;
    if (hit) {
      out[i] = std::move(*hit);
      hits.push_back(i);
    } else {
      misses.push_back(i);
    }
  }
  util::parallel_for(misses.size(), [&](size_t m) {
    size_t i = misses[m];
    out[i] = summary_of(names[i], load_quietly(workspace, names[i]));
  });
  if (cache) {
    std::size_t listed_entries = hits.size();  // entries known to be of listed prompts
    for (size_t i : misses) {
      // A tests file can break a prompt too, but it has no stamp here: cache only clean loads
      // of prompts without one.
      bool has_tests_file = std::filesystem::exists(workspace.tests_file_for(names[i]));
      if (stamps[i] && !has_tests_file && cache->store(names[i], *stamps[i], out[i])) {
        ++listed_entries;
      }
    }
    // Entries of prompts that no longer exist can go; when every entry is a listed prompt's,
    // there is none.
    if (complete && listed_entries != cache->size()) {
      std::vector<std::string> sorted = names;
      std::sort(sorted.begin(), sorted.end());
      cache->keep_only(sorted);
    }
    if (cache->changed()) {
      for (size_t i : hits) {  // taken out above: put back what is written
        cache->store(names[i], *stamps[i], out[i]);
      }
      cache->save();
    }
  }
  return out;
}

std::vector<PromptSummary> summarize_with(Workspace& workspace,
                                          const std::vector<std::string>& names,
                                          const Stamps& stamps, const CatalogFilter& filter,
                                          bool complete, CacheLoad& cache_load) {
  bool name_only = filter.tags.empty() && filter.category.empty() && filter.text.empty();
  std::vector<PromptSummary> out = all_summaries(workspace, names, stamps, complete, cache_load);
  std::erase_if(out, [&](const PromptSummary& summary) {
    bool broken = !summary.error.empty();
    return !((broken && name_only) || (!broken && filter.matches_metadata(summary)));
  });
  if (filter.text.empty()) {
    return out;
  }
  // Text search needs the templates: only prompts whose file contains the text at all are
  // loaded to confirm that it is in a searched field.
  std::string needle = util::to_lower(filter.text);
  std::vector<char> keep(out.size(), 0);
  util::parallel_for(out.size(), [&](size_t i) {
    auto file = workspace.read(out[i].name);
    if (file && util::to_lower(file->text).find(needle) != std::string::npos) {
      LoadResult loaded = load_quietly(workspace, out[i].name);
      keep[i] = loaded.prompt && contains_text(*loaded.prompt, needle) ? 1 : 0;
    }
  });
  std::vector<PromptSummary> found;
  for (size_t i = 0; i < out.size(); ++i) {
    if (keep[i]) {
      found.push_back(std::move(out[i]));
    }
  }
  return found;
}

}  // namespace

std::vector<PromptSummary> list_prompts(Workspace& workspace, const CatalogFilter& filter) {
  // The files are listed on a second thread while this one reads the cache, not the other way
  // round: glibc grows a second thread's heap a page at a time, a system call for each few of
  // the cache's many small allocations, and this thread's in large steps. The lister goes on to
  // take the files' stamps, and this thread joins it once the cache is read.
  CacheLoad cache_load(workspace);
  std::vector<std::string> names;
  std::optional<prompt_detail::StampJob> stamping;
  std::promise<void> listed;
  std::shared_future<void> listing = listed.get_future().share();
  auto list_then_stamp = [&] {
    try {
      for (std::string& name : workspace.list_names()) {
        if (filter.matches_name(name)) {
          names.push_back(std::move(name));
        }
      }
      stamping.emplace(workspace.prompts_dir(), names);
      listed.set_value();
    } catch (...) {
      listed.set_exception(std::current_exception());
      return;
    }
    stamping->help();
  };
  bool parallel = cache_load.worth_parallel();
  std::future<void> lister =
      std::async(parallel ? std::launch::async : std::launch::deferred, list_then_stamp);
  cache_load.read_now();
  if (parallel) {
    listing.wait();
    if (stamping) {
      stamping->help();
    }
  }
  lister.get();
  listing.get();  // the listing's failure, if it failed
  Stamps stamps = std::move(*stamping).stamps();
  return summarize_with(workspace, names, stamps, filter, filter.patterns.empty(), cache_load);
}

}  // namespace promptctl

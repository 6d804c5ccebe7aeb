#include "promptctl/workspace.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>

#include "prompt/compiled_prompts.hpp"
#include "prompt/reader.hpp"
#include "prompt/tests_reader.hpp"
#include "promptctl/names.hpp"
#include "promptctl/repo.hpp"
#include "settings/environments_reader.hpp"
#include "settings/experiments_reader.hpp"
#include "settings/providers_reader.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/yaml.hpp"
#include "util/yaml_fields.hpp"

namespace promptctl {
namespace fs = std::filesystem;

namespace {
void read_test_settings(util::YamlReader& reader, const YAML::Node& node, TestSettings& settings) {
  reader.check_keys(node, {"provider", "model", "assert", "judge", "embedding_model"}, "'tests'");
  prompt_detail::TestsReader tests(reader);
  settings.defaults = tests.read_defaults(node);
  if (const auto& judge = node["judge"]; judge && reader.expect_map(judge, "'judge'")) {
    reader.check_keys(judge, {"prompt", "model"}, "'judge'");
    if (judge["prompt"]) {
      settings.judge_prompt = reader.string(judge["prompt"], "'prompt'").value_or("");
      if (auto problem = name_problem(settings.judge_prompt)) {
        reader.error(judge["prompt"], *problem, "name");
      }
    }
    if (judge["model"]) {
      settings.judge_model = reader.string(judge["model"], "'model'");
    }
  }
  if (node["embedding_model"]) {
    settings.embedding_model =
        reader.string(node["embedding_model"], "'embedding_model'").value_or("");
  }
}

// A size in bytes: a number, or a number followed by KiB or MiB.
std::optional<std::size_t> parse_size(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && digits < 9 &&
         std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  if (digits == 0) {
    return std::nullopt;
  }
  std::size_t number = std::stoull(std::string(text.substr(0, digits)));
  std::string_view unit = util::trim(text.substr(digits));
  if (unit.empty() || unit == "B") {
    return number;
  }
  if (unit == "KiB") {
    return number << 10;
  }
  if (unit == "MiB") {
    return number << 20;
  }
  return std::nullopt;
}

void read_max_rendered_size(util::YamlReader& reader, const YAML::Node& node, std::size_t& out) {
  std::optional<std::string> text = reader.string(node, "'render.max_size'");
  if (!text) {
    return;
  }
  std::optional<std::size_t> size = parse_size(*text);
  if (!size || *size == 0 || *size > k_largest_max_rendered_size) {
    reader.error(node,
                 "'" + *text + "' is not a size from 1 to 64MiB, such as 2MiB, 512KiB or 100000",
                 "value");
    return;
  }
  out = *size;
}

// A committed file is no place for a password: the URL may name the database, the host and
// the user; libpq finds the password in PGPASSWORD or ~/.pgpass.
void read_ledger_url(util::YamlReader& reader, const YAML::Node& node, std::string& out) {
  std::optional<std::string> url = reader.string(node, "'ledger.url'");
  if (!url) {
    return;
  }
  if (!is_postgresql_url(*url)) {
    reader.error(node,
                 "'" + printable_ledger_url(*url) +
                     "' is not a PostgreSQL URL (postgresql://[user@]host[:port]/database)",
                 "value");
    return;
  }
  if (ledger_url_has_password(*url)) {
    reader.error(node,
                 "'ledger.url' holds a password, and promptctl.yaml is committed: put the "
                 "password in PGPASSWORD or ~/.pgpass",
                 "secret");
    return;
  }
  out = *url;
}

}  // namespace

RepoSettings parse_settings(std::string_view text, const std::string& path,
                            std::vector<Diagnostic>& diagnostics) {
  RepoSettings settings;
  util::YamlReader reader(path, text, diagnostics);
  // As for prompt files: text that is not UTF-8 would reach JSON output and messages.
  if (auto bad = util::invalid_utf8_at(text)) {
    auto [line, column] = util::line_and_column(text, *bad);
    reader.error_at({path, line, column}, "file is not valid UTF-8", "encoding");
    return settings;
  }
  YAML::Node root;
  try {
    root = util::parse_yaml(text, path);
  } catch (const Error& e) {
    reader.error_at(e.location(), e.message(), "yaml");
    return settings;
  }
  if (root.IsNull()) {
    return settings;
  }
  if (!reader.expect_map(root, "'" + path + "'")) {
    return settings;
  }
  try {
    reader.check_keys(root,
                      {"version", "defaults", "providers", "tests", "environments", "experiments",
                       "search", "allowed_signers", "deploy_branch", "ledger", "render"},
                      "");
    const util::YamlFields fields(root);
    if (fields["version"]) {
      auto version = reader.integer(fields["version"], "'version'");
      if (version && *version != 1) {
        reader.error(fields["version"],
                     "unsupported settings version " + std::to_string(*version) +
                         " (this promptctl reads version 1)",
                     "version");
      }
    }
    if (const auto& defaults = fields["defaults"];
        defaults && reader.expect_map(defaults, "'defaults'")) {
      reader.check_keys(defaults, {"model"}, "'defaults'");
      if (const auto& model = defaults["model"]) {
        if (auto settings_model = prompt_detail::read_model_settings(reader, model)) {
          settings.default_model = *settings_model;
        }
      }
    }
    if (const auto& tests = fields["tests"]; tests && reader.expect_map(tests, "'tests'")) {
      read_test_settings(reader, tests, settings.tests);
    }
    if (const auto& search = fields["search"]; search && reader.expect_map(search, "'search'")) {
      reader.check_keys(search, {"embedding_model"}, "'search'");
      if (search["embedding_model"]) {
        settings.search.embedding_model =
            reader.string(search["embedding_model"], "'embedding_model'").value_or("");
      }
    }
    if (fields["environments"]) {
      settings.environments = settings_detail::read_environments(reader, fields["environments"]);
    }
    if (const auto& ledger = fields["ledger"]; ledger && reader.expect_map(ledger, "'ledger'")) {
      reader.check_keys(ledger, {"retention", "store", "url"}, "'ledger'");
      if (ledger["url"]) {
        read_ledger_url(reader, ledger["url"], settings.ledger_url);
      }
      if (ledger["store"]) {
        settings.ledger_store =
            prompt_detail::read_ledger_store(reader, ledger["store"]).value_or(LedgerStore::full);
      }
      if (ledger["retention"]) {
        auto retention = reader.string(ledger["retention"], "'ledger.retention'");
        if (auto seconds = retention ? parse_duration(*retention) : std::nullopt) {
          settings.ledger_retention_seconds = *seconds;
        } else if (retention) {
          reader.error(ledger["retention"],
                       "'" + *retention + "' " + not_a_duration("30d, 12h or 90d"), "value");
        }
      }
    }
    if (const auto& render = fields["render"]; render && reader.expect_map(render, "'render'")) {
      reader.check_keys(render, {"max_size"}, "'render'");
      if (render["max_size"]) {
        read_max_rendered_size(reader, render["max_size"], settings.max_rendered_size);
      }
    }
    if (fields["allowed_signers"]) {
      settings.allowed_signers =
          reader.string(fields["allowed_signers"], "'allowed_signers'").value_or("");
      std::filesystem::path signers(settings.allowed_signers);
      bool escapes = signers.is_absolute() ||
                     std::any_of(signers.begin(), signers.end(),
                                 [](const std::filesystem::path& part) { return part == ".."; });
      if (settings.allowed_signers.empty() || escapes) {
        reader.error(fields["allowed_signers"],
                     "'allowed_signers' must name a file inside the repository", "value");
      }
    }
    if (fields["deploy_branch"]) {
      settings.deploy_branch =
          reader.string(fields["deploy_branch"], "'deploy_branch'").value_or("");
      if (settings.deploy_branch.empty()) {
        reader.error(fields["deploy_branch"], "'deploy_branch' must name a branch", "value");
      }
    }
    if (fields["experiments"]) {
      settings.experiments = settings_detail::read_experiments(reader, fields["experiments"]);
    }
    if (fields["providers"]) {
      settings_detail::read_providers(reader, fields["providers"], settings.providers,
                                      settings_detail::SettingsLayer::repository);
    }
    for (const auto& entry : root) {
      if (entry.first.Scalar().starts_with("x-")) {
        settings.extensions[entry.first.Scalar()] = util::yaml_to_json(entry.second);
      }
    }
  } catch (const Error& e) {
    reader.error_at({path, e.location().line, e.location().column}, e.message(), "value");
  }
  return settings;
}

Workspace::Workspace(fs::path root) : m_root(std::move(root)) {
  std::error_code ec;
  m_canonical_root = fs::canonical(m_root, ec);
  fs::path settings_path = m_root / k_settings_file;
  std::string text = util::read_file(settings_path, 1 << 20);
  std::vector<Diagnostic> diagnostics;
  m_settings = parse_settings(text, k_settings_file, diagnostics);
  throw_if_errors(diagnostics);
}

const std::map<std::string, ProviderSettings>& Workspace::providers() const {
  std::lock_guard<std::mutex> turn(m_configured->reading);
  if (!m_configured->providers) {
    m_configured->providers = configured_providers(m_settings.providers);
  }
  return *m_configured->providers;
}

Workspace Workspace::open(const fs::path& root) {
  if (!fs::exists(root / k_settings_file)) {
    throw Error(ErrorKind::not_found,
                "'" + root.string() + "' is not a prompt repository (no " + k_settings_file + ")",
                {}, "run 'promptctl init' to create one");
  }
  return Workspace(fs::absolute(root).lexically_normal());
}

Workspace Workspace::discover(const fs::path& start) {
  fs::path dir = fs::absolute(start).lexically_normal();
  while (true) {
    if (fs::exists(dir / k_settings_file)) {
      return Workspace(dir);
    }
    if (!dir.has_parent_path() || dir.parent_path() == dir) {
      break;
    }
    dir = dir.parent_path();
  }
  throw Error(ErrorKind::not_found,
              "not a prompt repository (or any parent up to /): no " + std::string(k_settings_file),
              {}, "run 'promptctl init' to create one");
}

fs::path Workspace::file_for(std::string_view name) const {
  return prompts_dir() / (std::string(name) + ".yaml");
}

fs::path Workspace::tests_file_for(std::string_view name) const {
  return prompts_dir() / (std::string(name) + ".tests.yaml");
}

namespace {

// The state folder inside `git_dir`, once the repository is known to be one git would use:
// another user's repository gets nothing written into it (git's safe.directory rule, which
// libgit2 applies; it is loaded only in that rare case).
fs::path state_folder(const fs::path& git_dir, const fs::path& root) {
  struct stat info {};
  if (::stat(git_dir.c_str(), &info) == 0 && info.st_uid != ::geteuid()) {
    (void)repo::Repository::discover(root);
  }
  return git_dir / "promptctl";
}

}  // namespace

std::optional<fs::path> Workspace::state_dir() const {
  // Found by hand rather than through libgit2, which is slow to load: a ".git" folder, or a
  // ".git" file saying "gitdir: PATH" (worktrees and submodules), here or in a parent.
  for (fs::path dir = m_root;; dir = dir.parent_path()) {
    fs::path dot_git = dir / ".git";
    std::error_code ec;
    if (fs::is_directory(dot_git, ec)) {
      return state_folder(dot_git, m_root);
    }
    if (fs::is_regular_file(dot_git, ec)) {
      std::string text = util::read_file(dot_git, 4096);
      if (text.starts_with("gitdir: ")) {
        fs::path target = std::string(util::trim(std::string_view(text).substr(8)));
        fs::path git_dir = target.is_absolute() ? target : dir / target;
        // The file may come with the repository: trust it only where it names a git directory,
        // so that nothing of promptctl's is ever written to another folder it points at.
        if (!fs::is_regular_file(git_dir / "HEAD", ec) ||
            !fs::is_directory(git_dir / "objects", ec)) {
          throw Error(ErrorKind::invalid_input,
                      "'" + dot_git.string() + "' points at '" + git_dir.string() +
                          "', which is not a git directory",
                      {}, "fix or remove that .git file");
        }
        return state_folder(git_dir, m_root);
      }
      return std::nullopt;
    }
    if (!dir.has_parent_path() || dir.parent_path() == dir) {
      return std::nullopt;
    }
  }
}

std::string Workspace::display_path(std::string_view name) {
  constexpr std::string_view k_folder = k_prompts_dir;
  constexpr std::string_view k_suffix = ".yaml";
  std::string path;
  path.reserve(k_folder.size() + 1 + name.size() + k_suffix.size());  // one allocation
  path.append(k_folder).append(1, '/').append(name).append(k_suffix);
  return path;
}

bool Workspace::exists(std::string_view name) const {
  return !name_problem(name) && fs::is_regular_file(file_for(name));
}

namespace {

// What a folder entry is, following a link to a file but not to a folder, as git and the
// directory iterators do by default.
enum class EntryKind { file, folder, other };

EntryKind kind_of(int folder, const dirent& entry) {
  if (entry.d_type == DT_REG) {
    return EntryKind::file;
  }
  if (entry.d_type == DT_DIR) {
    return EntryKind::folder;
  }
  struct stat info {};
  if (entry.d_type == DT_UNKNOWN &&
      ::fstatat(folder, entry.d_name, &info, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(info.st_mode)) {
    return EntryKind::folder;
  }
  bool may_be_file = entry.d_type == DT_UNKNOWN || entry.d_type == DT_LNK;
  return may_be_file && ::fstatat(folder, entry.d_name, &info, 0) == 0 && S_ISREG(info.st_mode)
             ? EntryKind::file
             : EntryKind::other;
}

// Visits every .yaml file in the open folder `fd` and below it (tests files and folders whose
// name starts with a dot left out), with its path relative to the prompts folder (`relative`
// is the folder's) and without the extension. A folder that may not be read is skipped.
template <class Visit>
void walk_folder(int fd, const std::string& relative, const fs::path& shown, Visit& visit) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(fd), &::closedir);
  if (!dir) {
    ::close(fd);
    throw Error(ErrorKind::io, "cannot list '" + shown.string() + "': " + std::strerror(errno));
  }
  while (const dirent* entry = ::readdir(dir.get())) {
    std::string_view file = entry->d_name;
    if (file == "." || file == "..") {
      continue;
    }
    EntryKind kind = kind_of(::dirfd(dir.get()), *entry);
    if (kind == EntryKind::folder) {
      if (file.starts_with(".")) {
        continue;  // hidden folders, such as .git
      }
      int sub = ::openat(::dirfd(dir.get()), entry->d_name,
                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0) {
        if (errno == EACCES) {
          continue;
        }
        throw Error(ErrorKind::io,
                    "cannot list '" + (shown / file).string() + "': " + std::strerror(errno));
      }
      walk_folder(sub, relative + std::string(file) + "/", shown / file, visit);
    } else if (kind == EntryKind::file && file.ends_with(".yaml") &&
               !file.ends_with(".tests.yaml")) {
      visit(relative + std::string(file.substr(0, file.size() - 5)));
    }
  }
}

// Visits every .yaml file below the prompts folder (tests files excluded), with its path
// relative to that folder and without the extension. Plain system calls: a listing of 10,000
// files is dominated by the walk, and the directory iterators build a path for every entry.
template <class Visit>
void walk_prompt_files(const fs::path& dir, Visit visit) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return;
    }
    throw Error(ErrorKind::io, "cannot list '" + dir.string() + "': " + std::strerror(errno));
  }
  walk_folder(fd, "", dir, visit);
}

}  // namespace

std::vector<std::string> Workspace::list_names() const {
  std::vector<std::string> names;
  walk_prompt_files(prompts_dir(), [&](std::string name) {
    if (!name_problem(name)) {
      names.push_back(std::move(name));
    }
  });
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> Workspace::invalid_files() const {
  std::vector<std::string> files;
  walk_prompt_files(prompts_dir(), [&](const std::string& name) {
    if (name_problem(name)) {
      files.push_back(display_path(name));
    }
  });
  std::sort(files.begin(), files.end());
  return files;
}

void check_prompt_file_size(const fs::path& path, const std::string& shown) {
  std::error_code ec;
  std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > k_max_prompt_file_size) {
    throw Error(ErrorKind::invalid_input,
                "file is " + std::to_string(size) + " bytes, larger than the " +
                    std::to_string(k_max_prompt_file_size) + " a prompt may be",
                {shown, 0, 0});
  }
}

void Workspace::check_inside(const fs::path& path, std::string_view shown) const {
  std::error_code ec;
  fs::path real = fs::weakly_canonical(path, ec);
  const fs::path& top = m_canonical_root;
  if (top.empty()) {
    return;  // the top folder itself is gone: reading or writing will say so
  }
  auto [top_end, real_at] = std::mismatch(top.begin(), top.end(), real.begin(), real.end());
  if (top_end != top.end()) {
    throw Error(ErrorKind::invalid_input,
                "'" + util::printable(shown, 200) +
                    "' leads outside the repository through a symbolic link (to '" +
                    util::printable(real.string(), 200) + "')",
                {}, "promptctl reads and writes only files inside the repository");
  }
}

std::optional<SourceFile> Workspace::read(std::string_view name) {
  if (name_problem(name)) {
    return std::nullopt;
  }
  check_inside(file_for(name), display_path(name));
  check_prompt_file_size(file_for(name), display_path(name));
  auto text = util::read_file_if_exists(file_for(name), k_max_prompt_file_size + 1);
  if (!text) {
    return std::nullopt;
  }
  return SourceFile{display_path(name), std::move(*text)};
}

std::string repository_relative_path(std::string_view relative) {
  fs::path path = fs::path(relative).lexically_normal();
  if (relative.empty() || path.is_absolute() || path.empty() || *path.begin() == "..") {
    throw Error(ErrorKind::invalid_input,
                "'" + util::printable(relative) +
                    "' must be a path inside the repository, relative to its top");
  }
  return path.generic_string();
}

std::optional<SourceFile> Workspace::read_data(std::string_view relative) {
  std::string shown = repository_relative_path(relative);
  // Datasets may be far larger than prompt files; the limit only guards against mistakes.
  constexpr std::size_t k_max_data_file_size = std::size_t{256} << 20;
  check_inside(m_root / shown, shown);
  auto text = util::read_file_if_exists(m_root / shown, k_max_data_file_size);
  if (!text) {
    return std::nullopt;
  }
  return SourceFile{shown, std::move(*text)};
}

std::optional<SourceFile> Workspace::read_tests(std::string_view name) {
  if (name_problem(name)) {
    return std::nullopt;
  }
  std::string shown = std::string(k_prompts_dir) + "/" + std::string(name) + ".tests.yaml";
  check_inside(tests_file_for(name), shown);
  check_prompt_file_size(tests_file_for(name), shown);
  auto text = util::read_file_if_exists(tests_file_for(name), k_max_prompt_file_size + 1);
  if (!text) {
    return std::nullopt;
  }
  return SourceFile{shown, std::move(*text)};
}

Error Workspace::not_found(std::string_view name) const {
  std::string hint;
  std::string close = util::closest_match(name, list_names());
  if (!close.empty()) {
    hint = "did you mean '" + close + "'?";
  }
  return Error(ErrorKind::not_found, "no prompt named '" + util::printable(name) + "'", {}, hint);
}

namespace {

LoadResult load_from(PromptSource& source, std::string_view name, const FilesLoader& load) {
  validate_name(name);
  auto file = source.read(name);
  if (!file) {
    throw Error(ErrorKind::not_found, "no prompt named '" + std::string(name) + "'");
  }
  LoadResult result = load(name, *file, source.read_tests(name));
  result.text = std::move(file->text);
  if (result.prompt) {
    prompt_detail::read_tools_files(source, *result.prompt, result.diagnostics);
  }
  return result;
}

}  // namespace

LoadResult load_from_source(PromptSource& source, std::string_view name) {
  return load_from(source, name, load_from_files);
}

LoadResult load_through_source(PromptSource& source, std::string_view name) {
  return load_from(source, name,
                   [&source](std::string_view loaded, const SourceFile& prompt_file,
                             const std::optional<SourceFile>& tests_file) {
                     return source.load_files(loaded, prompt_file, tests_file);
                   });
}

LoadResult load_from_files(std::string_view name, const SourceFile& prompt_file,
                           const std::optional<SourceFile>& tests_file) {
  LoadResult result = parse_prompt(std::string(name), prompt_file.path, prompt_file.text);
  if (const auto& tests = tests_file; tests && result.prompt) {
    std::vector<TestCase> extra = parse_tests_file(tests->text, tests->path, result.diagnostics);
    prompt_detail::check_test_vars(*result.prompt, extra, result.diagnostics);
    for (TestCase& test : extra) {
      result.prompt->tests.push_back(std::move(test));
    }
  }
  return result;
}

LoadResult PromptSource::load_files(std::string_view name, const SourceFile& prompt_file,
                                    const std::optional<SourceFile>& tests_file) {
  return load_from_files(name, prompt_file, tests_file);
}

LoadResult Workspace::load_files(std::string_view name, const SourceFile& prompt_file,
                                 const std::optional<SourceFile>& tests_file) {
  return load_through_cache(name, prompt_file, tests_file, KeepCompiled::yes);
}

std::optional<fs::path> Workspace::compiled_dir() const {
  std::optional<fs::path> state;
  try {
    state = state_dir();
  } catch (const Error&) {
    return std::nullopt;  // a broken .git file is reported by whatever needs the repository
  }
  return state ? std::optional<fs::path>(*state / "cache" / "compiled") : std::nullopt;
}

LoadResult Workspace::load_through_cache(std::string_view name, const SourceFile& prompt_file,
                                         const std::optional<SourceFile>& tests_file,
                                         KeepCompiled keep) {
  std::optional<fs::path> dir = compiled_dir();
  if (!dir) {
    return load_from_files(name, prompt_file, tests_file);
  }
  if (m_settings.ledger_store != LedgerStore::full) {
    keep = KeepCompiled::no;  // a repository that keeps less than all of its runs' text
  }
  prompt_detail::CompiledPrompts compiled(*dir);
  return prompt_detail::load_compiled(compiled, name, prompt_file, tests_file, keep);
}

LoadResult Workspace::load_checked(std::string_view name) {
  validate_name(name);
  if (!exists(name)) {
    throw not_found(name);
  }
  return load_from_source(*this, name);
}

LoadResult Workspace::load_compiled(std::string_view name, KeepCompiled keep) {
  validate_name(name);
  if (!exists(name)) {
    throw not_found(name);
  }
  return load_from(*this, name,
                   [&](std::string_view loaded, const SourceFile& prompt_file,
                       const std::optional<SourceFile>& tests_file) {
                     return load_through_cache(loaded, prompt_file, tests_file, keep);
                   });
}

Prompt Workspace::load(std::string_view name) {
  LoadResult result = load_checked(name);
  throw_if_errors(result.diagnostics);
  return std::move(*result.prompt);
}

}  // namespace promptctl

// Opening the search index and bringing it up to date from what git says changed.
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "prompt/file_stamps.hpp"
#include "promptctl/address.hpp"
#include "promptctl/names.hpp"
#include "search/index_impl.hpp"
#include "util/fs.hpp"
#include "util/parallel.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace promptctl {

namespace fs = std::filesystem;
using ledger_detail::Database;
using ledger_detail::Statement;
using ledger_detail::Transaction;
using search_detail::Plan;
using search_detail::Stored;
using search_detail::Wanted;

namespace {

// Bump when the documents' shape or the tokenizer changes: an index of another format is
// built again from nothing.
constexpr int k_format = 2;
// How long to wait for another process's write: building 10,000 prompts from nothing holds
// the lock for about a second.
constexpr int k_busy_ms = 60'000;
// Tries at bringing the index up to date while other processes write it too.
constexpr int k_refresh_attempts = 3;

constexpr const char* k_schema = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  blob TEXT NOT NULL,
  from_worktree INTEGER NOT NULL,
  stamp TEXT NOT NULL,
  description TEXT NOT NULL,
  tags TEXT NOT NULL,
  tag_set TEXT NOT NULL,
  category TEXT NOT NULL,
  variables TEXT NOT NULL,
  body TEXT NOT NULL,
  error TEXT NOT NULL
);
CREATE VIRTUAL TABLE terms USING fts5(
  name, description, tags, variables, body,
  content = 'documents', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE overlay (name TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE embeddings (
  model TEXT NOT NULL,
  hash TEXT NOT NULL,
  vector BLOB NOT NULL,
  PRIMARY KEY (model, hash)
) WITHOUT ROWID;
)sql";

int user_version(Database& db) {
  Statement query(db, "PRAGMA user_version");
  return query.step() ? static_cast<int>(query.integer(0)) : 0;
}

// Opens `path` and makes sure it holds an index of this format; nothing when it holds one of
// an earlier format. Throws `Error` when the file cannot be used as one (damaged, not a
// database, a later format).
std::unique_ptr<Database> open_index(const std::string& path) {
  auto db = std::make_unique<Database>(path, k_busy_ms, "the search index");
  int version = user_version(*db);
  if (version == 0) {
    if (path != ":memory:") {
      db->execute("PRAGMA journal_mode = WAL");
    }
    Transaction transaction(*db);
    if (user_version(*db) == 0) {  // another process may have created it meanwhile
      db->execute(k_schema);
      db->execute("PRAGMA user_version = " + std::to_string(k_format));
    }
    transaction.commit();
  } else if (version < k_format) {
    return nullptr;
  } else if (version != k_format) {
    throw Error(ErrorKind::io, "'" + path + "' holds a search index of another format");
  }
  db->execute("PRAGMA synchronous = NORMAL");
  Statement check(*db, "SELECT count(*) FROM meta");
  check.step();
  return db;
}

void remove_index_files(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    fs::remove(path + suffix, ignored);
  }
}

std::string meta_value(Database& db, const std::string& key) {
  Statement query(db, "SELECT value FROM meta WHERE key = ?");
  query.bind(1, key);
  return query.step() ? query.text(0) : std::string();
}

void set_meta(Database& db, const std::string& key, const std::string& value) {
  Statement(db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")
      .bind(1, key)
      .bind(2, value)
      .run();
}

// How many times the index has been written; 0 for an index from before it was counted.
std::int64_t generation_of(Database& db) {
  return std::strtoll(meta_value(db, "generation").c_str(), nullptr, 10);
}

std::map<std::string, Stored> stored_documents(Database& db) {
  std::map<std::string, Stored> out;
  Statement query(db, "SELECT name, blob, from_worktree, stamp FROM documents");
  while (query.step()) {
    out[query.text(0)] = {query.text(1), query.integer(2) != 0, query.text(3)};
  }
  return out;
}

void remove_document(Database& db, const std::string& name) {
  Statement(db,
            "INSERT INTO terms (terms, rowid, name, description, tags, variables, body) "
            "SELECT 'delete', id, name, description, tags, variables, body FROM documents "
            "WHERE name = ?")
      .bind(1, name)
      .run();
  Statement(db, "DELETE FROM documents WHERE name = ?").bind(1, name).run();
}

void insert_document(Database& db, const IndexedPrompt& doc, const Wanted& source) {
  std::string tags = util::join(doc.tags, ", ");
  Statement(db,
            "INSERT INTO documents (name, blob, from_worktree, stamp, description, tags, tag_set, "
            "category, variables, body, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, doc.name)
      .bind(2, source.blob)
      .bind(3, std::int64_t{source.from_worktree})
      .bind(4, source.stamp)
      .bind(5, doc.description)
      .bind(6, tags)
      .bind(7, search_detail::tag_set(doc.tags))
      .bind(8, doc.category)
      .bind(9, doc.variables)
      .bind(10, doc.body)
      .bind(11, doc.error)
      .run();
  Statement(db,
            "INSERT INTO terms (rowid, name, description, tags, variables, body) "
            "SELECT id, name, description, tags, variables, body FROM documents WHERE name = ?")
      .bind(1, doc.name)
      .run();
}

}  // namespace

namespace search_detail {

std::string tag_set(const std::vector<std::string>& tags) {
  std::string out(1, '\x1f');
  for (const std::string& tag : tags) {
    out += tag + '\x1f';
  }
  return out;
}

std::vector<std::string> tags_of(std::string_view tag_set) {
  std::vector<std::string> tags;
  for (std::string_view tag : util::split(tag_set, '\x1f')) {
    if (!tag.empty()) {
      tags.emplace_back(tag);
    }
  }
  return tags;
}

}  // namespace search_detail

SearchIndex::SearchIndex(Workspace& workspace, std::shared_ptr<const repo::Repository> repository)
    : m_impl(std::make_unique<Impl>(workspace, std::move(repository))) {
  Impl& impl = *m_impl;
  if (impl.repository) {
    impl.prefix = repository_prefix(workspace, *impl.repository);
    impl.folder = impl.prefix + Workspace::k_prompts_dir + "/";
  }
  std::optional<fs::path> dir = impl.repository ? workspace.state_dir() : std::nullopt;
  std::error_code ec;
  if (dir && (fs::create_directories(*dir, ec), !ec)) {
    std::string path = (*dir / "search.db").string();
    try {
      impl.db = open_index(path);
      if (!impl.db) {  // made by an earlier version: only a cache, made again from nothing
        remove_index_files(path);
        impl.db = open_index(path);
      }
      impl.persistent = impl.db != nullptr;
    } catch (const Error& first) {
      // A damaged or foreign index is only a cache: start it again.
      remove_index_files(path);
      impl.rebuild_reason = "the index file could not be used (" + first.message() + ")";
      try {
        impl.db = open_index(path);
        impl.persistent = impl.db != nullptr;
      } catch (const Error&) {
        impl.db.reset();  // cannot be written: an index in memory serves this once
      }
    }
  }
  if (!impl.db) {
    impl.db = open_index(":memory:");
  }
}

SearchIndex::~SearchIndex() = default;

std::string SearchIndex::file() const {
  return m_impl->persistent ? m_impl->db->path() : std::string();
}

namespace {

// The prompt name of a path in git's work tree, when it is a prompt file in `folder`.
std::optional<std::string> name_at(const std::string& folder, const std::string& path) {
  if (!path.starts_with(folder) || !path.ends_with(".yaml") || path.ends_with(".tests.yaml")) {
    return std::nullopt;
  }
  std::string name = path.substr(folder.size(), path.size() - folder.size() - 5);
  if (name_problem(name)) {
    return std::nullopt;
  }
  return name;
}

std::optional<repo::Revision> head_of(const repo::Repository& repository) {
  try {
    return repository.resolve("HEAD");
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::not_found) {
      return std::nullopt;  // no commit yet
    }
    throw;
  }
}

}  // namespace

namespace {

std::set<std::string> overlay_of(Database& db) {
  std::set<std::string> names;
  Statement query(db, "SELECT name FROM overlay");
  while (query.step()) {
    names.insert(names.end(), query.text(0));
  }
  return names;
}

std::set<std::string> names_of(const std::map<std::string, bool>& worktree) {
  std::set<std::string> names;
  for (const auto& entry : worktree) {
    names.insert(names.end(), entry.first);
  }
  return names;
}

// Records which prompts differ from HEAD in the working tree; true when that changed.
bool write_overlay(Database& db, const std::set<std::string>& now) {
  if (overlay_of(db) == now) {
    return false;
  }
  db.execute("DELETE FROM overlay");
  for (const std::string& name : now) {
    Statement(db, "INSERT INTO overlay (name) VALUES (?)").bind(1, name).run();
  }
  return true;
}

std::size_t document_count(Database& db) {
  Statement count(db, "SELECT count(*) FROM documents");
  count.step();
  return static_cast<std::size_t>(count.integer(0));
}

// Prompts that differ between HEAD and the working tree, as git's status reports them, files it
// ignores included (`ls` and `show` read them too): name -> whether the working tree has it.
std::map<std::string, bool> worktree_changes(const repo::Repository& repository,
                                             const std::string& folder) {
  std::map<std::string, bool> worktree;
  for (const repo::FileChange& change :
       repository.changes({folder}, repo::IgnoredFiles::included)) {
    if (change.kind == repo::ChangeKind::renamed) {
      if (auto old_name = name_at(folder, change.old_path)) {
        worktree[*old_name] = false;
      }
    }
    if (auto name = name_at(folder, change.path)) {
      worktree[*name] = change.kind != repo::ChangeKind::deleted;
    }
  }
  return worktree;
}

// The trusted stamps of the changed prompt files that exist in the work tree; "" for one that
// changed too recently to be trusted.
std::map<std::string, std::string> worktree_stamps(const Workspace& workspace,
                                                   const std::map<std::string, bool>& worktree) {
  std::vector<std::string> names;
  for (const auto& [name, exists] : worktree) {
    if (exists) {
      names.push_back(name);
    }
  }
  std::vector<std::optional<prompt_detail::FileStamp>> stamps =
      prompt_detail::stamps_of(workspace.prompts_dir(), names);
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out.emplace_hint(out.end(), names[i],
                     stamps[i] && stamps[i]->trusted() ? stamps[i]->text() : std::string());
  }
  return out;
}

std::string worktree_digest(const std::map<std::string, bool>& worktree,
                            const std::map<std::string, std::string>& stamps) {
  std::string listed;
  for (const auto& [name, exists] : worktree) {
    std::string stamp = "gone";
    if (exists) {
      stamp = stamps.at(name);
      if (stamp.empty()) {
        return "";  // changed too recently to tell by its stamp
      }
    }
    listed += name + '\t' + stamp + '\n';
  }
  return util::sha256_hex(listed);
}

// Prompts whose file differs between two commits. Throws `Error` when one cannot be read.
std::set<std::string> committed_changes(const repo::Repository& repository,
                                        const std::string& folder, const std::string& base,
                                        const repo::Revision& head) {
  std::set<std::string> names;
  for (const repo::FileChange& change :
       repository.diff_files(repo::Revision{base, base}, head, {folder})) {
    for (const std::string& path : {change.path, change.old_path}) {
      if (auto name = name_at(folder, path)) {
        names.insert(*name);
      }
    }
  }
  return names;
}

}  // namespace

// Decides which prompts to look at: everything when building from nothing; else what git says
// changed since the index's commit, what differs in the working tree now, and what differed
// last time (it may have been committed or reverted since). When the index's commit cannot be
// compared with HEAD (HEAD was born, or the commit is gone), every prompt is looked at, but
// only those whose blob changed are read again.
std::vector<std::string> SearchIndex::Impl::candidates(Plan& plan) const {
  std::set<std::string> names;
  auto add_all_at_head = [&] {
    std::vector<std::string> all = !repository ? workspace.list_names()
                                   : plan.head ? prompt_names_at(*repository, *plan.head, prefix)
                                               : std::vector<std::string>{};
    names.insert(all.begin(), all.end());
  };
  if (plan.from_nothing) {
    add_all_at_head();
  } else if (plan.base != plan.head_id) {
    bool compared = false;
    if (!plan.base.empty() && plan.head) {
      try {
        names = committed_changes(*repository, folder, plan.base, *plan.head);
        compared = true;
      } catch (const Error&) {
        // the commit is gone (a rebase and gc): look at everything below
      }
    }
    if (!compared) {
      add_all_at_head();
      for (const auto& entry : stored_documents(*db)) {
        names.insert(entry.first);
      }
    }
  }
  if (!plan.from_nothing) {
    names.insert(plan.overlay.begin(), plan.overlay.end());
  }
  for (const auto& entry : plan.worktree) {
    names.insert(entry.first);
  }
  if (!plan.from_nothing) {  // what the index holds for them
    std::map<std::string, Stored> all =
        names.size() > 256 ? stored_documents(*db) : std::map<std::string, Stored>{};
    for (const std::string& name : names) {
      if (names.size() > 256) {
        if (auto it = all.find(name); it != all.end()) {
          plan.stored.insert(*it);
        }
        continue;
      }
      Statement one(*db, "SELECT blob, from_worktree, stamp FROM documents WHERE name = ?");
      one.bind(1, name);
      if (one.step()) {
        plan.stored[name] = {one.text(0), one.integer(1) != 0, one.text(2)};
      }
    }
  }
  // An uncommitted file whose stamp is the one its document was made from needs nothing.
  std::erase_if(names, [&](const std::string& name) {
    auto stamp = plan.stamps.find(name);
    auto stored = plan.stored.find(name);
    return stamp != plan.stamps.end() && !stamp->second.empty() && stored != plan.stored.end() &&
           stored->second.from_worktree && stored->second.stamp == stamp->second;
  });
  return {names.begin(), names.end()};
}

IndexRefresh SearchIndex::refresh(bool rebuild) {
  std::string reason = std::exchange(m_impl->rebuild_reason, std::string());
  // Another process may write the index between this one's asking git and its taking the write
  // lock: the next attempt then plans from that write and usually finds nothing left to do. The
  // last attempt writes regardless; every write below is correct whatever the index holds.
  for (int attempt = 1;; ++attempt) {
    if (auto done = m_impl->try_refresh(rebuild, reason, attempt == k_refresh_attempts)) {
      return *done;
    }
  }
}

// Why an index is built from nothing when nothing is wrong with it.
constexpr std::string_view k_asked_to_rebuild = "asked to rebuild";
constexpr std::string_view k_no_index_yet = "no index yet";

bool IndexRefresh::unexpected_rebuild() const {
  return rebuilt && !reason.empty() && reason != k_asked_to_rebuild && reason != k_no_index_yet;
}

Plan SearchIndex::Impl::plan(bool rebuild, const std::string& reason) const {
  Plan plan;
  // Read first: whatever is read after it is at least as new, so a write that the plan missed
  // shows as a later generation under the lock.
  plan.generation = generation_of(*db);
  plan.reason = reason;
  plan.head = repository ? head_of(*repository) : std::nullopt;
  plan.head_id = plan.head ? plan.head->commit_id : "";
  plan.base = meta_value(*db, "commit");
  bool built = meta_value(*db, "built") == "1";
  plan.from_nothing = rebuild || !built || !plan.reason.empty() || !repository;
  if (plan.reason.empty() && plan.from_nothing) {
    plan.reason = rebuild ? k_asked_to_rebuild : !built ? k_no_index_yet : "";
  }
  if (repository) {
    plan.worktree = worktree_changes(*repository, folder);
    plan.worktree_names = names_of(plan.worktree);
    plan.overlay = overlay_of(*db);
    plan.stamps = worktree_stamps(workspace, plan.worktree);
    plan.worktree_digest = worktree_digest(plan.worktree, plan.stamps);
  }
  return plan;
}

std::optional<IndexRefresh> SearchIndex::Impl::try_refresh(bool rebuild, const std::string& reason,
                                                           bool last_attempt) {
  Plan plan = this->plan(rebuild, reason);
  IndexRefresh result;
  bool same_worktree = plan.worktree_digest == meta_value(*db, "worktree");
  if (!plan.from_nothing && plan.base == plan.head_id && same_worktree &&
      !plan.worktree_digest.empty()) {
    result.total = document_count(*db);
    return result;  // the index was written from this very state
  }
  std::vector<std::string> names = candidates(plan);
  if (!plan.from_nothing && names.empty() && plan.base == plan.head_id && same_worktree &&
      plan.overlay == plan.worktree_names) {
    result.total = document_count(*db);
    return result;  // nothing changed: no write at all
  }
  // The files are read and parsed under the write lock, so that processes started together
  // do the work once: the others wait, see the new generation and plan again.
  Transaction transaction(*db);
  if (!last_attempt && generation_of(*db) != plan.generation) {
    return std::nullopt;  // written meanwhile: plan again from what is there now
  }
  std::vector<Wanted> wanted = this->wanted(names, plan);
  std::vector<std::optional<IndexedPrompt>> parsed = parse_new_texts(wanted, plan);
  bool changed = plan.from_nothing || plan.base != plan.head_id;
  if (plan.from_nothing) {
    db->execute("DELETE FROM documents; INSERT INTO terms (terms) VALUES ('delete-all');");
    result.rebuilt = true;
    result.reason = plan.reason;
  }
  for (size_t i = 0; i < wanted.size(); ++i) {
    changed = write_wanted(wanted[i], parsed[i], plan, result) || changed;
  }
  changed = write_overlay(*db, plan.worktree_names) || changed;
  changed = changed || plan.worktree_digest != meta_value(*db, "worktree");
  result.total = document_count(*db);
  if (changed) {  // else the transaction rolls back: a search with nothing new writes nothing
    set_meta(*db, "commit", plan.head_id);
    set_meta(*db, "worktree", plan.worktree_digest);
    set_meta(*db, "built", "1");
    set_meta(*db, "generation", std::to_string(plan.generation + 1));
    transaction.commit();
  }
  return result;
}

// Parses, in parallel, the texts whose blob differs from the stored one; the others stay empty.
std::vector<std::optional<IndexedPrompt>> SearchIndex::Impl::parse_new_texts(
    std::vector<Wanted>& wanted, const Plan& plan) const {
  std::vector<size_t> to_parse;
  for (size_t i = 0; i < wanted.size(); ++i) {
    if (!wanted[i].text) {
      continue;
    }
    wanted[i].blob = repo::hash_blob(*wanted[i].text);
    auto it = plan.stored.find(wanted[i].name);
    if (it == plan.stored.end() || it->second.blob != wanted[i].blob) {
      to_parse.push_back(i);
    }
  }
  std::vector<std::optional<IndexedPrompt>> parsed(wanted.size());
  util::parallel_for(to_parse.size(), [&](size_t k) {
    const Wanted& w = wanted[to_parse[k]];
    parsed[to_parse[k]] = index_document(w.name, *w.text);
  });
  return parsed;
}

// Brings one document in line with `w`, counting what it did; true when the index changed.
bool SearchIndex::Impl::write_wanted(const Wanted& w, const std::optional<IndexedPrompt>& parsed,
                                     const Plan& plan, IndexRefresh& result) {
  auto it = plan.stored.find(w.name);
  bool is_stored = it != plan.stored.end();
  if (!w.text) {
    remove_document(*db, w.name);
    result.removed += is_stored ? 1 : 0;
    return is_stored;
  }
  if (parsed) {
    remove_document(*db, w.name);  // whatever is there now, even if it was not when planned
    insert_document(*db, *parsed, w);
    ++result.updated;
    return true;
  }
  if (it->second.from_worktree == w.from_worktree && it->second.stamp == w.stamp) {
    return false;
  }
  Statement(*db, "UPDATE documents SET from_worktree = ?, stamp = ? WHERE name = ?")
      .bind(1, std::int64_t{w.from_worktree})
      .bind(2, w.stamp)
      .bind(3, w.name)
      .run();
  return true;
}

// What each name should be indexed as now: the working tree's file where git reports a
// change (or everywhere outside git), else HEAD's.
std::vector<Wanted> SearchIndex::Impl::wanted(const std::vector<std::string>& names,
                                              const Plan& plan) const {
  std::vector<Wanted> out;
  for (const std::string& name : names) {
    Wanted w;
    w.name = name;
    auto changed = plan.worktree.find(name);
    if (!repository || changed != plan.worktree.end()) {
      w.from_worktree = true;
      if (!repository || changed->second) {
        // The stamp was taken before the read: a file changed in between gets read again.
        if (auto stamp = plan.stamps.find(name); stamp != plan.stamps.end()) {
          w.stamp = stamp->second;
        }
        w.text = util::read_file_if_exists(workspace.file_for(name), k_max_prompt_file_size);
      }
    } else if (plan.head) {
      w.text = repository->read_file(*plan.head, folder + name + ".yaml");
    }
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace promptctl

// Runs leaving one ledger (`export_runs`) and arriving in another (`LedgerImport`).
#include <map>

#include "ledger/ledger_impl.hpp"
#include "ledger/rows.hpp"
#include "promptctl/error.hpp"

namespace promptctl {

using namespace ledger_detail;

namespace {

// The ids `filter` selects, as a subquery; a limit keeps the newest.
std::string selected_ids(const RunFilter& filter, const Where& where) {
  std::string sql = "SELECT id FROM runs" + where.sql;
  if (filter.limit) {
    sql += " ORDER BY id DESC LIMIT " + std::to_string(*filter.limit);
  }
  return sql;
}

std::map<std::int64_t, std::vector<Feedback>> feedback_of(Connection& db, const RunFilter& filter,
                                                          const Where& where) {
  Query query(db,
              "SELECT id, run_id, score, comment, author, created_ms FROM feedback "
              "WHERE run_id IN (" +
                  selected_ids(filter, where) + ") ORDER BY id");
  bind_where(query, where);
  std::map<std::int64_t, std::vector<Feedback>> found;
  while (query.step()) {
    found[query.integer(1)].push_back({query.integer(0), query.integer(1), query.real(2),
                                       query.text(3), query.text(4), query.integer(5)});
  }
  return found;
}

}  // namespace

void Ledger::export_runs(const RunFilter& filter,
                         const std::function<void(const PortableRun&)>& each) const {
  Connection& db = *m_impl->db;
  Where where = where_clause(filter, m_impl->db->dialect());
  // Feedback is small beside the runs: read at once, so each run needs no query of its own.
  std::map<std::int64_t, std::vector<Feedback>> feedback = feedback_of(db, filter, where);
  Query query(db, std::string("SELECT ") + k_run_columns +
                      ", (SELECT original.uid FROM runs AS original"
                      " WHERE original.id = runs.parent_id)"
                      " FROM runs WHERE id IN (" +
                      selected_ids(filter, where) + ") ORDER BY id");
  bind_where(query, where);
  constexpr int k_parent_uid_column = 31;  // after the columns read_run reads
  while (query.step()) {
    PortableRun portable;
    portable.run = read_run(query);
    portable.parent_uid = query.is_null(k_parent_uid_column) ? "" : query.text(k_parent_uid_column);
    if (auto found = feedback.find(portable.run.id); found != feedback.end()) {
      portable.feedback = std::move(found->second);
    }
    each(portable);
  }
}

struct LedgerImport::State {
  State(Connection& database, LedgerStore kept)
      : db(database),
        keep(kept),
        transaction(database),
        insert(Query::insertion(database, k_insert_run)),
        find_uid(database, "SELECT id FROM runs WHERE uid = ?"),
        has_feedback(database,
                     "SELECT 1 FROM feedback WHERE run_id = ? AND created_ms = ? AND score = ?"
                     " AND comment = ? AND author = ?"),
        insert_feedback(database,
                        "INSERT INTO feedback (run_id, score, comment, author, created_ms)"
                        " VALUES (?, ?, ?, ?, ?)") {}

  std::optional<std::int64_t> id_of(const std::string& uid) {
    find_uid.reset();
    find_uid.bind(1, uid);
    return find_uid.step() ? std::optional<std::int64_t>(find_uid.integer(0)) : std::nullopt;
  }

  bool holds(std::int64_t run_id, const Feedback& entry) {
    has_feedback.reset();
    has_feedback.bind(1, run_id).bind(2, entry.created_ms).bind(3, entry.score);
    has_feedback.bind(4, entry.comment).bind(5, entry.author);
    return has_feedback.step();
  }

  void add_feedback(std::int64_t run_id, const Feedback& entry) {
    insert_feedback.reset();
    insert_feedback.bind(1, run_id).bind(2, entry.score).bind(3, entry.comment);
    insert_feedback.bind(4, entry.author).bind(5, entry.created_ms);
    insert_feedback.run();
    ++result.feedback;
  }

  // The run as this ledger would have kept it: no more fully than `keep` allows.
  RunRecord kept_form(RunRecord run) const {
    if (stricter(run.store, keep) != run.store) {
      run.store = keep;
      run = run.stored_form();
    }
    return run;
  }

  Connection& db;
  LedgerStore keep;
  WriteTransaction transaction;
  Query insert;
  Query find_uid;
  Query has_feedback;
  Query insert_feedback;
  // Reruns whose original had not been seen when they were added: their id and its uid.
  std::vector<std::pair<std::int64_t, std::string>> unresolved_parents;
  ImportResult result;
};

LedgerImport::LedgerImport(Ledger& ledger, LedgerStore keep)
    : m_state(std::make_unique<State>(*ledger.m_impl->db, keep)) {}

LedgerImport::~LedgerImport() = default;

void LedgerImport::add(const PortableRun& portable) {
  State& state = *m_state;
  if (std::optional<std::int64_t> present = state.id_of(portable.run.uid)) {
    ++state.result.present;
    for (const Feedback& entry : portable.feedback) {
      if (!state.holds(*present, entry)) {
        state.add_feedback(*present, entry);
      }
    }
    return;
  }
  RunRecord run = state.kept_form(portable.run);
  run.parent_id = portable.parent_uid.empty() ? std::nullopt : state.id_of(portable.parent_uid);
  std::int64_t id = insert_run(state.insert, run, run.uid);
  ++state.result.imported;
  if (!portable.parent_uid.empty() && !run.parent_id) {
    state.unresolved_parents.emplace_back(id, portable.parent_uid);
  }
  for (const Feedback& entry : portable.feedback) {
    state.add_feedback(id, entry);
  }
}

ImportResult LedgerImport::finish(bool commit) {
  State& state = *m_state;
  Query link(state.db, "UPDATE runs SET parent_id = ? WHERE id = ?");
  for (const auto& [id, parent_uid] : state.unresolved_parents) {
    if (std::optional<std::int64_t> parent = state.id_of(parent_uid)) {
      link.reset();
      link.bind(1, *parent).bind(2, id);
      link.run();
    } else {
      ++state.result.unlinked;
    }
  }
  if (commit) {
    state.transaction.commit();
  }
  return state.result;
}

}  // namespace promptctl

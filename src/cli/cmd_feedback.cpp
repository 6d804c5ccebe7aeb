// promptctl feedback ID --score X: record a person's or a program's score for a run.
#include "cli/execution.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string id;
  double score = 0;
  std::string comment;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("ID", o.id, "The run to score (see 'promptctl runs')")->required();
  sub.add_option("--score", o.score, "The score, a number (for example 0 to 1, or 1 to 5)")
      ->required();
  sub.add_option("-m,--comment", o.comment, "Why, in words")->type_name("TEXT");
  sub.add_flag("--json", o.json, "Print the recorded feedback as JSON");
}

// "Name <email>" from git's identity settings, or "" when none is set.
std::string author(Session& session) {
  try {
    repo::Identity who = session.repository().identities().first;
    return who.name + " <" + who.email + ">";
  } catch (const Error&) {
    return "";
  }
}

int run(Session& session, const Options& o) {
  Ledger ledger = open_ledger(session);
  std::int64_t run_id = run_id_of(ledger, o.id);
  Feedback recorded = ledger.add_feedback(run_id, o.score, o.comment, author(session));
  if (o.json) {
    session.out().document(recorded.to_json());
  } else {
    session.out().line("recorded feedback " + std::to_string(recorded.id) + " for run " +
                       std::to_string(run_id));
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_feedback{"feedback", "Record a score for a run", Completes::run_ids,
                                        Setup::ledger, declare<Options, add_options, run>};

}  // namespace promptctl::cli

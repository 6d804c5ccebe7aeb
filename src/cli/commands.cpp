// The command table, in the order `promptctl --help` shows it.
#include "cli/command.hpp"

namespace promptctl::cli {

extern const CommandSpec k_cmd_init;
extern const CommandSpec k_cmd_new;
extern const CommandSpec k_cmd_ls;
extern const CommandSpec k_cmd_search;
extern const CommandSpec k_cmd_dupes;
extern const CommandSpec k_cmd_show;
extern const CommandSpec k_cmd_vars;
extern const CommandSpec k_cmd_render;
extern const CommandSpec k_cmd_lint;
extern const CommandSpec k_cmd_edit;
extern const CommandSpec k_cmd_mv;
extern const CommandSpec k_cmd_rm;
extern const CommandSpec k_cmd_status;
extern const CommandSpec k_cmd_commit;
extern const CommandSpec k_cmd_log;
extern const CommandSpec k_cmd_diff;
extern const CommandSpec k_cmd_branch;
extern const CommandSpec k_cmd_switch;
extern const CommandSpec k_cmd_merge;
extern const CommandSpec k_cmd_release;
extern const CommandSpec k_cmd_releases;
extern const CommandSpec k_cmd_restore;
extern const CommandSpec k_cmd_clone;
extern const CommandSpec k_cmd_remote;
extern const CommandSpec k_cmd_fetch;
extern const CommandSpec k_cmd_pull;
extern const CommandSpec k_cmd_push;
extern const CommandSpec k_cmd_test;
extern const CommandSpec k_cmd_run;
extern const CommandSpec k_cmd_runs;
extern const CommandSpec k_cmd_rerun;
extern const CommandSpec k_cmd_stats;
extern const CommandSpec k_cmd_feedback;
extern const CommandSpec k_cmd_cache;
extern const CommandSpec k_cmd_ledger;
extern const CommandSpec k_cmd_env;
extern const CommandSpec k_cmd_approve;
extern const CommandSpec k_cmd_reject;
extern const CommandSpec k_cmd_approvals;
extern const CommandSpec k_cmd_pending;
extern const CommandSpec k_cmd_deploy;
extern const CommandSpec k_cmd_promote;
extern const CommandSpec k_cmd_rollback;
extern const CommandSpec k_cmd_deploys;
extern const CommandSpec k_cmd_guard;
extern const CommandSpec k_cmd_check;
extern const CommandSpec k_cmd_export;
extern const CommandSpec k_cmd_serve;
extern const CommandSpec k_cmd_audit;
extern const CommandSpec k_cmd_compare;
extern const CommandSpec k_cmd_experiment;
extern const CommandSpec k_cmd_completion;
extern const CommandSpec k_cmd_version;
extern const CommandSpec k_cmd_complete;

std::span<const CommandSpec* const> all_commands() {
  static const CommandSpec* const commands[] = {
      &k_cmd_init,       &k_cmd_new,        &k_cmd_ls,       &k_cmd_search,    &k_cmd_dupes,
      &k_cmd_show,       &k_cmd_vars,       &k_cmd_render,   &k_cmd_lint,      &k_cmd_edit,
      &k_cmd_mv,         &k_cmd_rm,         &k_cmd_status,   &k_cmd_commit,    &k_cmd_log,
      &k_cmd_diff,       &k_cmd_branch,     &k_cmd_switch,   &k_cmd_merge,     &k_cmd_release,
      &k_cmd_releases,   &k_cmd_restore,    &k_cmd_clone,    &k_cmd_remote,    &k_cmd_fetch,
      &k_cmd_pull,       &k_cmd_push,       &k_cmd_test,     &k_cmd_run,       &k_cmd_runs,
      &k_cmd_rerun,      &k_cmd_stats,      &k_cmd_feedback, &k_cmd_cache,     &k_cmd_ledger,
      &k_cmd_env,        &k_cmd_approve,    &k_cmd_reject,   &k_cmd_approvals, &k_cmd_pending,
      &k_cmd_deploy,     &k_cmd_promote,    &k_cmd_rollback, &k_cmd_deploys,   &k_cmd_guard,
      &k_cmd_check,      &k_cmd_export,     &k_cmd_serve,    &k_cmd_audit,     &k_cmd_compare,
      &k_cmd_experiment, &k_cmd_completion, &k_cmd_version,  &k_cmd_complete};
  return commands;
}

}  // namespace promptctl::cli

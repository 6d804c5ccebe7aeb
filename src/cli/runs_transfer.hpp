// `runs export` and `runs import`: moving runs between ledgers as JSON lines.
#pragma once

#include <string>
#include <vector>

#include "cli/command.hpp"
#include "promptctl/ledger.hpp"

namespace promptctl::cli {

/// Writes the runs `filter` selects to stdout, a line each, oldest first.
int export_runs(Session& session, const RunFilter& filter);

/// Adds the runs in `files` ("-" for standard input) to the ledger, all or none; with
/// `dry_run`, only says what it would add.
int import_runs(Session& session, const std::vector<std::string>& files, bool dry_run, bool json);

}  // namespace promptctl::cli

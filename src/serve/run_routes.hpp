// The routes that call models and write the ledger: `POST /v1/prompts/{name}/run` and
// `POST /v1/runs/{run}/feedback`. Off unless the server was started with `--allow-run`.
#pragma once

#include <map>
#include <string>

#include "serve/routes.hpp"
#include "serve/runner.hpp"

namespace promptctl::serve_detail {

/// A run request ({"variables", "experiment", "key"}, as a render request) read, rendered and
/// planned, with its lineage: ready for the runner but for `done`. Throws `Error` as a render
/// does, and (invalid_input) for a model the providers cannot take.
RunJob prepare_run(const std::string& name, const Request& request, const Snapshot& snapshot,
                   const std::map<std::string, ProviderSettings>& providers);

/// The answer to a finished run: 200 with `run --json`'s document, or the error's status (422
/// for a call the settings made impossible, 502 for a provider's failure, 503 for a run the
/// stopping server did not finish) with the error and, under "run", the run as recorded.
Response run_response(const RunRecord& run, const CallResult& result);

/// `run_response`'s document alone, for the last event of a streamed run.
nlohmann::json run_document(const RunRecord& run, const CallResult& result);

/// Feedback on run `run` (its number or uid): {"score": number, "comment": text, "author":
/// text}; answers `feedback --json`'s document.
Response add_feedback(const std::string& run, const Request& request, Runner& runner);

}  // namespace promptctl::serve_detail

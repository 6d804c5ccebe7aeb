#include "serve/run_routes.hpp"

#include <cmath>

#include "promptctl/build_info.hpp"
#include "util/json_document.hpp"
#include "util/json_input.hpp"
#include "util/strings.hpp"

namespace promptctl::serve_detail {

using nlohmann::json;

namespace {

json parse_object(const std::string& body) {
  bool too_deep = false;
  json parsed = util::parse_json_input(body, &too_deep);
  if (parsed.is_discarded()) {
    throw Error(ErrorKind::usage,
                too_deep ? "the request body nests too deeply" : "the request body is not JSON");
  }
  if (!parsed.is_object()) {
    throw Error(ErrorKind::usage, "the request body must be a JSON object");
  }
  return parsed;
}

int status_of_call(const CallResult& result) {
  if (result.interrupted) {
    return 503;
  }
  return result.error_kind == ErrorKind::invalid_input ? 422 : 502;
}

}  // namespace

RunJob prepare_run(const std::string& name, const Request& request, const Snapshot& snapshot,
                   const std::map<std::string, ProviderSettings>& providers) {
  RenderOutcome outcome = render_request(name, request, snapshot);
  RunJob job;
  job.chain = plan_requests(std::move(outcome.rendered.messages), std::move(outcome.rendered.model),
                            providers);
  job.variables = std::move(outcome.rendered.variables);
  {
    std::lock_guard<std::mutex> lock(snapshot.git_lock());
    job.lineage = lineage_of(outcome.served->resolved(), &snapshot.repository());
  }
  job.lineage.environment = snapshot.target().environment;
  if (outcome.assigned && outcome.assigned->running) {
    job.lineage.experiment = outcome.assigned->experiment;
    job.lineage.variant = outcome.assigned->variant;
  }
  follow_ledger_store(job.lineage, job.chain);
  label_for_traces(job.lineage, job.chain);
  if (auto caller = telemetry::TraceContext::parse(request.traceparent)) {
    for (ChatRequest& call : job.chain) {
      call.trace_parent = caller;
    }
  }
  return job;
}

json run_document(const RunRecord& run, const CallResult& result) {
  json shown = run_json(run);
  if (result.ok) {
    shown["schema_version"] = k_json_schema_version;
    return shown;
  }
  std::string hint = run.id ? "recorded as run " + std::to_string(run.id)
                            : "not recorded in the ledger: no call was made";
  return {{"schema_version", k_json_schema_version},
          {"error", util::error_json(Error(result.error_kind, result.error, {}, hint))},
          {"run", std::move(shown)}};
}

Response run_response(const RunRecord& run, const CallResult& result) {
  Response response;
  response.status = result.ok ? 200 : status_of_call(result);
  response.body = util::document_text(run_document(run, result));
  return response;
}

Response add_feedback(const std::string& run, const Request& request, Runner& runner) {
  json body = parse_object(request.body);
  std::optional<double> score;
  std::string comment;
  std::string author;
  for (const auto& [field, value] : body.items()) {
    if (field == "score" && value.is_number()) {
      score = value.get<double>();
    } else if ((field == "comment" || field == "author") && value.is_string()) {
      (field == "comment" ? comment : author) = value.get<std::string>();
    } else if (field == "score" || field == "comment" || field == "author") {
      throw Error(ErrorKind::usage,
                  "'" + field + "' must be " + (field == "score" ? "a number" : "a string"));
    } else {
      throw Error(ErrorKind::usage, "unknown field '" + util::printable(field) + "' in the request",
                  {}, "feedback is {\"score\": 1, \"comment\": \"...\", \"author\": \"...\"}");
    }
  }
  if (!score || !std::isfinite(*score)) {
    throw Error(ErrorKind::usage, "feedback needs a \"score\", a number");
  }
  Feedback recorded = runner.add_feedback(run, *score, comment, author);
  json document = recorded.to_json();
  document["schema_version"] = k_json_schema_version;
  Response response;
  response.body = util::document_text(document);
  return response;
}

}  // namespace promptctl::serve_detail

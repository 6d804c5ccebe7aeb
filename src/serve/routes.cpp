#include "serve/routes.hpp"

#include <charconv>

#include "promptctl/build_info.hpp"
#include "promptctl/experiments.hpp"
#include "promptctl/names.hpp"
#include "promptctl/requests.hpp"
#include "util/dates.hpp"
#include "util/json_document.hpp"
#include "util/json_input.hpp"
#include "util/json_output.hpp"
#include "util/json_reader.hpp"
#include "util/json_writer.hpp"
#include "util/strings.hpp"

namespace promptctl::serve_detail {

using nlohmann::json;

namespace {

constexpr std::string_view k_prompts_path = "/v1/prompts";
constexpr std::string_view k_render_suffix = "/render";
constexpr std::string_view k_run_suffix = "/run";
constexpr std::string_view k_runs_path = "/v1/runs/";
constexpr std::string_view k_feedback_suffix = "/feedback";
constexpr std::string_view k_experiments_path = "/v1/experiments/";
constexpr std::string_view k_assignment_suffix = "/assignment";

bool is_read(const std::string& method) {
  return method == "GET" || method == "HEAD";
}

Response method_not_allowed(const char* allowed) {
  Response response = error_response(
      405, Error(ErrorKind::usage, std::string("this route answers ") + allowed + " only"));
  response.headers.emplace_back("Allow", allowed);
  return response;
}

const ServedPrompt& find_prompt(const Snapshot& snapshot, const std::string& name) {
  const ServedPrompt* served = name_problem(name) ? nullptr : snapshot.find(name);
  if (served) {
    return *served;
  }
  std::vector<std::string> names;
  names.reserve(snapshot.prompts().size());
  for (const auto& prompt : snapshot.prompts()) {
    names.push_back(prompt->name());
  }
  std::string close = util::closest_match(name, names);
  throw Error(ErrorKind::not_found, "no prompt named '" + util::printable(name) + "' is served", {},
              close.empty() ? "" : "did you mean '" + close + "'?");
}

std::size_t count_parameter(const std::string& key, const std::string& value) {
  std::size_t number = 0;
  auto [end, problem] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (problem != std::errc() || end != value.data() + value.size() || value.empty()) {
    throw Error(ErrorKind::usage,
                "'" + key + "' must be a whole number, not '" + util::printable(value) + "'");
  }
  return number;
}

Response list(const Request& request, const Snapshot& snapshot) {
  CatalogFilter filter;
  std::size_t offset = 0;
  std::size_t limit = snapshot.prompts().size();
  for (const auto& [key, value] : request.query) {
    if (key == "tag") {
      filter.tags.push_back(value);
    } else if (key == "category") {
      filter.category = value;
    } else if (key == "pattern") {
      filter.patterns.push_back(value);
    } else if (key == "offset") {
      offset = count_parameter(key, value);
    } else if (key == "limit") {
      limit = count_parameter(key, value);
    } else {
      throw Error(ErrorKind::usage, "unknown parameter '" + util::printable(key) + "'", {},
                  "the parameters are tag, category, pattern, offset and limit");
    }
  }
  // The summaries' JSON was written when the snapshot was made: a listing only joins them.
  std::vector<const ServedPrompt*> matched;
  for (const auto& served : snapshot.prompts()) {
    if (filter.matches_name(served->name()) && filter.matches_metadata(served->summary())) {
      matched.push_back(served.get());
    }
  }
  std::size_t end = std::min(matched.size(), offset + std::min(limit, matched.size()));
  // Keys in sorted order, as every other document; the summaries' lines are written as made.
  std::string text;
  util::JsonObjectWriter document(text, 0);
  util::append_json_value(document.key("commit"), snapshot.commit(), 1);
  util::append_json_value(document.key("environment"),
                          util::text_or_null(snapshot.target().environment), 1);
  util::append_json_value(document.key("offset"), offset, 1);
  document.key("prompts") += '[';
  for (std::size_t i = offset; i < end; ++i) {
    if (i > offset) {
      text += ',';
    }
    util::append_line_start(text, 2);
    text += matched[i]->summary_json();
  }
  if (end > offset) {
    util::append_line_start(text, 1);
  }
  text += ']';
  util::append_json_value(document.key("revision"), util::text_or_null(snapshot.target().revision),
                          1);
  util::append_json_value(document.key("schema_version"), k_json_schema_version, 1);
  util::append_json_value(document.key("total"), matched.size(), 1);
  document.close();
  text += '\n';
  Response response;
  response.body = std::move(text);
  return response;
}

Response show(const std::string& name, const Request& request, const Snapshot& snapshot) {
  const ServedPrompt& served = find_prompt(snapshot, name);
  const ShownPrompt& shown = served.shown(snapshot.target().environment);
  Response response;
  response.headers.emplace_back("ETag", shown.etag);
  if (!request.if_none_match.empty() &&
      (request.if_none_match == shown.etag || request.if_none_match == "*")) {
    response.status = 304;
    return response;
  }
  response.body = shown.body;
  return response;
}

json parse_body(const std::string& body) {
  if (std::optional<json> read = util::read_json(body); read && read->is_object()) {
    return std::move(*read);
  }
  if (auto deep = util::json_too_deep_at(body)) {
    throw Error(ErrorKind::usage, "the request body nests deeper than " +
                                      std::to_string(util::k_max_json_depth) + " at byte " +
                                      std::to_string(*deep + 1));
  }
  json parsed;
  try {
    parsed = json::parse(body);
  } catch (const json::parse_error& error) {
    throw Error(ErrorKind::usage, std::string("the request body is not JSON: ") + error.what());
  }
  if (!parsed.is_object()) {
    throw Error(ErrorKind::usage, "the request body must be a JSON object");
  }
  return parsed;
}

// What a render request asks besides its prompt: {"variables", "experiment", "key"}.
struct RenderRequest {
  Inputs inputs;
  std::string experiment;
  std::string key;
};

RenderRequest read_render_request(const std::string& body) {
  RenderRequest read;
  json parsed = body.empty() ? json::object() : parse_body(body);
  for (auto& [field, value] : parsed.items()) {
    if (field == "variables" && value.is_object()) {
      read.inputs.values = std::move(value);  // as Inputs::add_values, without a copy
    } else if ((field == "experiment" || field == "key") && value.is_string()) {
      (field == "key" ? read.key : read.experiment) = value.get<std::string>();
    } else if (field == "variables" || field == "experiment" || field == "key") {
      throw Error(ErrorKind::usage, "'" + field + "' must be " +
                                        (field == "variables" ? "a JSON object" : "a string"));
    } else {
      throw Error(ErrorKind::usage, "unknown field '" + util::printable(field) + "' in the request",
                  {},
                  "a render request is {\"variables\": {...}}, with \"experiment\" and \"key\"");
    }
  }
  if (read.experiment.empty() != read.key.empty()) {
    throw Error(ErrorKind::usage, "\"experiment\" and \"key\" go together");
  }
  return read;
}

Assignment assign_now(const Snapshot& snapshot, const std::string& experiment,
                      const std::string& prompt, const std::string& key) {
  std::lock_guard<std::mutex> lock(snapshot.git_lock());  // its start and stop are refs
  return assign_in(snapshot.experiments(), snapshot.repository(), experiment, prompt, key,
                   util::now_ms() / 1000);
}

Response render(const std::string& name, const Request& request, const Snapshot& snapshot) {
  RenderOutcome outcome = render_request(name, request, snapshot);
  Response response;
  const ResolvedPrompt& resolved = outcome.served->resolved();
  if (!outcome.assigned) {
    response.body = render_document(outcome.rendered, resolved.revision);
    return response;
  }
  json experiment = outcome.assigned->to_json();
  response.body = render_document(outcome.rendered, resolved.revision, &experiment);
  return response;
}

// The variant `key` is assigned, exactly as `render NAME --experiment E --key K` records it.
Response assignment(const std::string& experiment, const Request& request,
                    const Snapshot& snapshot) {
  std::string key;
  for (const auto& [parameter, value] : request.query) {
    if (parameter != "key") {
      throw Error(ErrorKind::usage, "unknown parameter '" + util::printable(parameter) + "'", {},
                  "the parameter is key");
    }
    key = value;
  }
  if (key.empty()) {
    throw Error(ErrorKind::usage, "an assignment needs ?key=: a user, session or request id");
  }
  const Experiment& declared = experiment_named(snapshot.experiments(), experiment);
  Assignment assigned = assign_now(snapshot, experiment, declared.prompt, key);
  json document = {{"schema_version", k_json_schema_version},
                   {"commit", snapshot.commit()},
                   {"experiment", assigned.to_json()},
                   {"prompt", declared.prompt},
                   {"address", assigned.address},
                   {"model", util::text_or_null(assigned.model)}};
  Response response;
  response.body = util::document_text(document);
  return response;
}

}  // namespace

RenderOutcome render_request(const std::string& name, const Request& request,
                             const Snapshot& snapshot) {
  RenderOutcome outcome;
  outcome.served = &find_prompt(snapshot, name);
  RenderRequest asked = read_render_request(request.body);
  if (!asked.experiment.empty()) {
    outcome.assigned = assign_now(snapshot, asked.experiment, name, asked.key);
    outcome.served = &snapshot.at_address(outcome.assigned->address);
  }
  const ResolvedPrompt& resolved = outcome.served->resolved();
  outcome.rendered = outcome.served->prepared().render(asked.inputs, resolved.default_model,
                                                       resolved.render_settings);
  if (outcome.assigned && !outcome.assigned->model.empty()) {
    // The variant's model, as `render --experiment` uses it.
    ModelRef model = parse_model_ref(outcome.assigned->model, outcome.rendered.model.provider,
                                     snapshot.workspace().providers());
    outcome.rendered.model.provider = model.provider;
    outcome.rendered.model.name = model.model;
  }
  return outcome;
}

const char* route_name(Route route) {
  switch (route) {
    case Route::healthz:
      return "healthz";
    case Route::readyz:
      return "readyz";
    case Route::metrics:
      return "metrics";
    case Route::openapi:
      return "openapi";
    case Route::list:
      return "list";
    case Route::show:
      return "show";
    case Route::render:
      return "render";
    case Route::assignment:
      return "assignment";
    case Route::run:
      return "run";
    case Route::feedback:
      return "feedback";
    case Route::unknown:
      return "unknown";
  }
  return "unknown";
}

Route route_of(const std::string& method, const std::string& path, std::string& name) {
  if (path == "/healthz") {
    return Route::healthz;
  }
  if (path == "/readyz") {
    return Route::readyz;
  }
  if (path == "/metrics") {
    return Route::metrics;
  }
  if (path == "/openapi.json") {
    return Route::openapi;
  }
  if (path == k_prompts_path || path == std::string(k_prompts_path) + "/") {
    return Route::list;
  }
  if (path.starts_with(k_experiments_path) && path.ends_with(k_assignment_suffix) &&
      path.size() > k_experiments_path.size() + k_assignment_suffix.size()) {
    name = path.substr(k_experiments_path.size(),
                       path.size() - k_experiments_path.size() - k_assignment_suffix.size());
    return Route::assignment;
  }
  if (path.starts_with(k_runs_path) && path.ends_with(k_feedback_suffix) &&
      path.size() > k_runs_path.size() + k_feedback_suffix.size()) {
    name = path.substr(k_runs_path.size(),
                       path.size() - k_runs_path.size() - k_feedback_suffix.size());
    return Route::feedback;
  }
  if (!path.starts_with(std::string(k_prompts_path) + "/")) {
    return Route::unknown;
  }
  name = path.substr(k_prompts_path.size() + 1);
  // POST …/NAME/render renders NAME; any other method reads the prompt at the whole path, so
  // that a prompt whose name ends in "/render" can still be shown.
  if (method == "POST" && name.ends_with(k_render_suffix)) {
    name.resize(name.size() - k_render_suffix.size());
    return Route::render;
  }
  if (method == "POST" && name.ends_with(k_run_suffix)) {
    name.resize(name.size() - k_run_suffix.size());
    return Route::run;
  }
  return Route::show;
}

Response answer(Route route, const std::string& name, const Request& request,
                const Snapshot& snapshot) {
  try {
    switch (route) {
      case Route::list:
        return is_read(request.method) ? list(request, snapshot) : method_not_allowed("GET");
      case Route::show:
        return is_read(request.method) ? show(name, request, snapshot) : method_not_allowed("GET");
      case Route::render:
        return render(name, request, snapshot);
      case Route::assignment:
        return is_read(request.method) ? assignment(name, request, snapshot)
                                       : method_not_allowed("GET");
      default:
        throw Error(ErrorKind::not_found, "no route '" + util::printable(request.path) + "'", {},
                    "the API is described at /openapi.json");
    }
  } catch (const Error& error) {
    return error_response(status_of(error.kind()), error);
  }
}

int status_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage:
      return 400;
    case ErrorKind::invalid_input:
      return 422;
    case ErrorKind::not_found:
      return 404;
    case ErrorKind::already_exists:
    case ErrorKind::refused:
      return 409;
    case ErrorKind::provider:
      return 502;
    case ErrorKind::io:
    case ErrorKind::git:
    case ErrorKind::internal:
      return 500;
  }
  return 500;
}

Response error_response(int status, const Error& error) {
  Response response;
  response.status = status;
  response.body = util::document_text(
      {{"schema_version", k_json_schema_version}, {"error", util::error_json(error)}});
  return response;
}

}  // namespace promptctl::serve_detail

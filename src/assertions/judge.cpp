// The model-graded assertion's judge: the built-in judge prompt and reading its verdicts.
#include <algorithm>
#include <cctype>

#include "promptctl/assertions.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

using nlohmann::json;

constexpr std::string_view k_builtin_judge =
    R"(description: Grades an answer against a rubric, for llm-rubric assertions
tags: [promptctl, judge]
model: {temperature: 0}
variables:
  rubric: {type: string, required: true, description: What a good answer does}
  output: {type: string, required: true, description: The answer to grade}
  input: {type: string, default: "", description: The request the answer replies to}
messages:
  - role: system
    content: |
      You grade an answer against a rubric. Judge only what the rubric asks for.
      Reply with one JSON object and nothing else:
      {"pass": true or false, "score": a number from 0 to 1, "reason": "one short sentence"}
  - role: user
    content: |
      {{#input}}
      <request>
      {{input}}
      </request>
      {{/input}}
      <rubric>
      {{rubric}}
      </rubric>
      <output>
      {{output}}
      </output>
)";

std::optional<JudgeVerdict> verdict_from_json(const json& object) {
  if (!object.is_object()) {
    return std::nullopt;
  }
  auto pass = object.find("pass");
  auto score = object.find("score");
  bool has_pass = pass != object.end() && pass->is_boolean();
  bool has_score = score != object.end() && score->is_number();
  if (!has_pass && !has_score) {
    return std::nullopt;
  }
  JudgeVerdict verdict;
  verdict.score =
      has_score ? std::clamp(score->get<double>(), 0.0, 1.0) : (pass->get<bool>() ? 1.0 : 0.0);
  verdict.pass = has_pass ? pass->get<bool>() : verdict.score >= 0.5;
  if (auto reason = object.find("reason"); reason != object.end() && reason->is_string()) {
    verdict.reason = reason->get<std::string>();
  }
  return verdict;
}

// "PASS: reason", "**FAIL** - reason", "# Pass": a verdict; "Passing grade", "fine": none.
std::optional<JudgeVerdict> verdict_from_line(std::string_view line) {
  std::string_view text = util::trim(line);
  while (!text.empty() && (text.front() == '*' || text.front() == '_' || text.front() == '#')) {
    text = util::trim(text.substr(1));
  }
  if (text.size() < 4) {
    return std::nullopt;
  }
  std::string head = util::to_lower(text.substr(0, 4));
  bool word_ends = text.size() == 4 || !std::isalnum(static_cast<unsigned char>(text[4]));
  if ((head != "pass" && head != "fail") || !word_ends) {
    return std::nullopt;
  }
  JudgeVerdict verdict;
  verdict.pass = head == "pass";
  verdict.score = verdict.pass ? 1.0 : 0.0;
  std::string_view rest = util::trim(text.substr(4));
  while (!rest.empty() && (rest.front() == ':' || rest.front() == '-' || rest.front() == '.' ||
                           rest.front() == '*' || rest.front() == '_')) {
    rest = util::trim(rest.substr(1));
  }
  verdict.reason = std::string(rest);
  return verdict;
}

}  // namespace

std::string_view builtin_judge_prompt() {
  return k_builtin_judge;
}

std::optional<JudgeVerdict> parse_judge_verdict(std::string_view answer) {
  // Models wrap JSON in fences or prose now and then: take the outermost braces.
  size_t open = answer.find('{');
  size_t close = answer.rfind('}');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    json parsed = json::parse(answer.substr(open, close - open + 1), nullptr, false);
    if (auto verdict = verdict_from_json(parsed)) {
      return verdict;
    }
  }
  // Otherwise the first line that starts with the word PASS or FAIL (any case, after
  // Markdown emphasis or a heading mark), as the man page says.
  for (std::string_view line : util::split(answer, '\n')) {
    if (auto verdict = verdict_from_line(line)) {
      return verdict;
    }
  }
  return std::nullopt;
}

}  // namespace promptctl

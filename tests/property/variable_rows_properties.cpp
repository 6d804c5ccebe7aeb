// Reading JSON Lines of variables: what one object per line writes, the reader gives back, in
// order and at the line it was written on, whatever blank lines stand between.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "promptctl/render.hpp"

using namespace promptctl;
using nlohmann::json;

namespace {

rc::Gen<json> variables() {
  return rc::gen::map(
      rc::gen::container<std::map<std::string, std::string>>(
          rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::inRange('a', 'z'))),
          rc::gen::container<std::string>(rc::gen::inRange<char>(1, 127))),
      [](const std::map<std::string, std::string>& values) { return json(values); });
}

RC_GTEST_PROP(VariableRowsProperties, WrittenObjectsComeBackInOrderAtTheirLines, ()) {
  auto objects = *rc::gen::container<std::vector<json>>(variables());
  std::string text;
  std::vector<int> lines;
  int line = 0;
  for (const json& object : objects) {
    int blanks = *rc::gen::inRange(0, 3);
    for (int b = 0; b < blanks; ++b) {
      text += (b % 2 == 0) ? "\n" : " \t\r\n";
      ++line;
    }
    text += object.dump() + "\n";
    lines.push_back(++line);
  }
  std::vector<VariableRow> rows = read_variable_rows(text);
  RC_ASSERT(rows.size() == objects.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    RC_ASSERT(rows[i].error.empty());
    RC_ASSERT(rows[i].values == objects[i]);
    RC_ASSERT(rows[i].line == lines[i]);
  }
}

}  // namespace

// Reads a JUnit XML file back and checks it has the shape CI tools expect (the de-facto schema
// of Ant/Maven Surefire as Jenkins, GitLab and GitHub read it): one <testsuites> root holding
// <testsuite> elements; a suite has name, tests, failures, errors, skipped and time, at most one
// <properties> (of <property name value>) before its <testcase>s; a testcase has classname, name
// and time and at most one <failure>, <error> or <skipped>, a failure or error with a message;
// and every count agrees with what it counts, at both levels. Shared by the writer test and the
// CLI tests, so the parsed model, not the text, is what they assert on.
#pragma once

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace reports::testing {

struct JunitCase {
  std::string classname;
  std::string name;
  double time_s = -1;
  std::string outcome;  // "" (passed), "failure", "error" or "skipped"
  std::string type;     // the failure's or error's type attribute
  std::string message;
};

struct JunitSuite {
  std::string name;
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  double time_s = -1;
  std::map<std::string, std::string> properties;
  std::vector<JunitCase> cases;
};

struct JunitFile {
  std::size_t tests = 0, failures = 0, errors = 0;
  double time_s = -1;
  std::vector<JunitSuite> suites;
  std::vector<std::string> problems;  // empty when the shape is right
};

namespace junit_internal {

using Tree = boost::property_tree::ptree;

inline std::optional<std::string> attribute(const Tree& node, const std::string& name) {
  if (auto value = node.get_optional<std::string>("<xmlattr>." + name)) return *value;
  return std::nullopt;
}

// A required attribute holding a whole number (counts) or a decimal (times, seconds).
template <typename T>
T number_attribute(const Tree& node, const std::string& name, const std::string& where,
                   std::vector<std::string>& problems) {
  const std::optional<std::string> text = attribute(node, name);
  if (!text) {
    problems.push_back(where + ": no " + name + " attribute");
    return T{};
  }
  std::istringstream in(*text);
  T value{};
  if (!(in >> value) || !in.eof() || value < T{}) {
    problems.push_back(where + ": " + name + "=\"" + *text + "\" is not a number >= 0");
  }
  return value;
}

inline std::string required(const Tree& node, const std::string& name, const std::string& where,
                            std::vector<std::string>& problems) {
  const std::optional<std::string> value = attribute(node, name);
  if (!value || value->empty()) problems.push_back(where + ": no " + name + " attribute");
  return value.value_or("");
}

inline JunitCase read_case(const Tree& node, const std::string& where,
                           std::vector<std::string>& problems) {
  JunitCase c;
  c.classname = required(node, "classname", where, problems);
  c.name = required(node, "name", where, problems);
  c.time_s = number_attribute<double>(node, "time", where, problems);
  for (const auto& [tag, child] : node) {
    if (tag == "<xmlattr>" || tag == "system-out" || tag == "system-err") continue;
    if (tag != "failure" && tag != "error" && tag != "skipped") {
      problems.push_back(where + ": unexpected <" + tag + ">");
      continue;
    }
    if (!c.outcome.empty()) problems.push_back(where + ": more than one outcome element");
    c.outcome = tag;
    c.type = attribute(child, "type").value_or("");
    if (tag != "skipped")
      c.message = required(child, "message", where + " <" + tag + ">", problems);
  }
  return c;
}

inline JunitSuite read_suite(const Tree& node, const std::string& where,
                             std::vector<std::string>& problems) {
  JunitSuite s;
  s.name = required(node, "name", where, problems);
  s.tests = number_attribute<std::size_t>(node, "tests", where, problems);
  s.failures = number_attribute<std::size_t>(node, "failures", where, problems);
  s.errors = number_attribute<std::size_t>(node, "errors", where, problems);
  s.skipped = number_attribute<std::size_t>(node, "skipped", where, problems);
  s.time_s = number_attribute<double>(node, "time", where, problems);
  std::size_t failed = 0, errored = 0, skipped = 0, properties_blocks = 0;
  for (const auto& [tag, child] : node) {
    if (tag == "<xmlattr>" || tag == "system-out" || tag == "system-err") continue;
    if (tag == "properties") {
      if (++properties_blocks > 1) problems.push_back(where + ": more than one <properties>");
      if (!s.cases.empty()) problems.push_back(where + ": <properties> after a <testcase>");
      for (const auto& [ptag, property] : child) {
        if (ptag != "property") {
          problems.push_back(where + ": <" + ptag + "> inside <properties>");
          continue;
        }
        const std::string name = required(property, "name", where + " <property>", problems);
        if (!attribute(property, "value")) problems.push_back(where + ": property without value");
        s.properties[name] = attribute(property, "value").value_or("");
      }
      continue;
    }
    if (tag != "testcase") {
      problems.push_back(where + ": unexpected <" + tag + ">");
      continue;
    }
    s.cases.push_back(
        read_case(child, where + " testcase " + std::to_string(s.cases.size() + 1), problems));
    failed += s.cases.back().outcome == "failure" ? 1 : 0;
    errored += s.cases.back().outcome == "error" ? 1 : 0;
    skipped += s.cases.back().outcome == "skipped" ? 1 : 0;
  }
  auto agree = [&](const char* what, std::size_t said, std::size_t counted) {
    if (said != counted) {
      problems.push_back(where + ": " + what + "=\"" + std::to_string(said) + "\" but " +
                         std::to_string(counted) + " counted");
    }
  };
  agree("tests", s.tests, s.cases.size());
  agree("failures", s.failures, failed);
  agree("errors", s.errors, errored);
  agree("skipped", s.skipped, skipped);
  double case_time = 0;
  for (const JunitCase& c : s.cases) case_time += c.time_s;
  if (std::abs(case_time - s.time_s) > 0.0015 * static_cast<double>(s.cases.size() + 1))
    problems.push_back(where + ": time is not the sum of its testcases' times");
  return s;
}

}  // namespace junit_internal

inline JunitFile read_junit(const std::string& xml) {
  using junit_internal::Tree;
  JunitFile file;
  Tree root;
  try {
    std::istringstream in(xml);
    boost::property_tree::read_xml(in, root);
  } catch (const std::exception& e) {
    file.problems.push_back(std::string("not well-formed XML: ") + e.what());
    return file;
  }
  if (root.size() != 1 || root.begin()->first != "testsuites") {
    file.problems.push_back("the root element is not one <testsuites>");
    return file;
  }
  const Tree& suites = root.begin()->second;
  auto& problems = file.problems;
  file.tests =
      junit_internal::number_attribute<std::size_t>(suites, "tests", "testsuites", problems);
  file.failures =
      junit_internal::number_attribute<std::size_t>(suites, "failures", "testsuites", problems);
  file.errors =
      junit_internal::number_attribute<std::size_t>(suites, "errors", "testsuites", problems);
  file.time_s = junit_internal::number_attribute<double>(suites, "time", "testsuites", problems);
  std::size_t tests = 0, failures = 0, errors = 0;
  double time_s = 0;
  for (const auto& [tag, child] : suites) {
    if (tag == "<xmlattr>") continue;
    if (tag != "testsuite") {
      problems.push_back("testsuites: unexpected <" + tag + ">");
      continue;
    }
    file.suites.push_back(junit_internal::read_suite(
        child, "testsuite " + std::to_string(file.suites.size() + 1), problems));
    tests += file.suites.back().tests;
    failures += file.suites.back().failures;
    errors += file.suites.back().errors;
    time_s += file.suites.back().time_s;
  }
  if (tests != file.tests || failures != file.failures || errors != file.errors)
    problems.push_back("testsuites: tests/failures/errors are not the sums of its suites'");
  if (std::abs(time_s - file.time_s) > 0.0015 * static_cast<double>(file.suites.size() + 1))
    problems.push_back("testsuites: time is not the sum of its suites' times");
  return file;
}

}  // namespace reports::testing

#include "harness/scenario_source.h"

#include <iostream>

#include "harness/file_text.h"

namespace harness {
namespace {

constexpr std::size_t kMaxScenarioBytes = 16u << 20;

// A scenario's text, or why it could not be read.
struct ScenarioSource {
  std::optional<std::string> text;
  std::string error;
};

ScenarioSource read_bounded(std::istream& in) {
  ScenarioSource source;
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxScenarioBytes) {
      source.error = "cannot read scenario: larger than 16 MiB";
      return source;
    }
  }
  if (in.bad()) {
    source.error = "cannot read scenario: read error";
    return source;
  }
  source.text = std::move(text);
  return source;
}

ScenarioSource read_file(const std::string& path) {
  std::string problem;
  std::optional<std::string> text = read_file_text(path, kMaxScenarioBytes, &problem);
  if (!text) return {std::nullopt, "cannot read scenario: " + problem};
  return {std::move(text), {}};
}

}  // namespace

std::string scenario_label(const std::string& path) {
  return path == kStandardInputPath ? "<stdin>" : path;
}

std::optional<std::string> read_scenario_text(const std::string& path, std::string* error) {
  if (path == kStandardInputPath) {
    static const ScenarioSource standard_input = read_bounded(std::cin);
    if (!standard_input.text) *error = standard_input.error;
    return standard_input.text;
  }
  ScenarioSource source = read_file(path);
  if (!source.text) *error = source.error;
  return std::move(source.text);
}

}  // namespace harness

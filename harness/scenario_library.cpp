#include "harness/scenario_library.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "harness/commands.h"

namespace harness {

namespace {

namespace fs = std::filesystem;

bool is_scenario_file(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

// .git, .github, .cache: tooling, not a scenario library. `paysim check .` in a repository must
// not load a CI workflow's YAML as a scenario.
bool is_hidden(const fs::path& path) { return path.filename().string().starts_with("."); }

}  // namespace

std::vector<std::string> collect_scenario_files(const std::vector<std::string>& paths,
                                                std::vector<std::string>& errors) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  auto add = [&](const fs::path& path) {
    if (seen.insert(path.lexically_normal().string()).second) files.push_back(path.string());
  };
  for (const std::string& text : paths) {
    const fs::path path(text);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> found;
      for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_directory(ec) && is_hidden(it->path())) {
          it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file(ec) && is_scenario_file(it->path())) found.push_back(it->path());
      }
      if (ec) errors.push_back(fmt::format("{}: cannot read directory: {}", text, ec.message()));
      std::sort(found.begin(), found.end());
      if (found.empty())
        errors.push_back(fmt::format("{}: no *.yaml or *.yml scenario files found", text));
      for (const fs::path& file : found) add(file);
    } else if (fs::is_regular_file(path, ec)) {
      add(path);
    } else {
      errors.push_back(fmt::format("{}: no such file or directory", text));
    }
  }
  return files;
}

std::vector<LibraryRun> load_library_runs(const std::vector<std::string>& files,
                                          bool& load_failed) {
  std::vector<LibraryRun> jobs;
  for (const std::string& file : files) {
    LoadResult base = load_scenario_file(file);
    if (!base.ok()) {
      print_load_errors(base);
      load_failed = true;
      continue;
    }
    print_load_notices(base);
    std::vector<std::string> variants;
    for (const Variant& v : base.scenario->variants) variants.push_back(v.name);
    jobs.push_back({file, std::move(*base.scenario)});
    for (const std::string& name : variants) {
      LoadResult loaded = load_scenario_file(file, {}, name);
      if (!loaded.ok()) {
        print_load_errors(loaded);
        load_failed = true;
        continue;
      }
      jobs.push_back({file, std::move(*loaded.scenario)});
    }
  }
  return jobs;
}

}  // namespace harness

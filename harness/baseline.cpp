#include "harness/baseline.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "harness/compare.h"
#include "harness/file_text.h"
#include "reports/experiment.h"
#include "reports/internal/number_text.h"
#include "reports/metric_direction.h"
#include "reports/output_set.h"

namespace harness {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kIndexFile = "baseline.json";
// A baseline of the whole scenario library with a few replications is a few MB; a file far past
// this is not one paysim wrote.
constexpr std::size_t kMaxBaselineFileBytes = std::size_t{256} << 20;
// The group of report.json that describes the run (events, simulated and wall time), not the
// design: never compared.
constexpr std::string_view kRunGroup = "sim";
// The chance, over all the metrics of one run, that a change of the random draws alone fails it.
constexpr double kFamilyError = 0.05;

std::string entry_file_name(std::size_t index, const BaselineRuns& entry) {
  std::string name = fmt::format("{:03}-{}", index, safe_dir_name(entry.scenario));
  if (!entry.variant.empty()) name += "--" + safe_dir_name(entry.variant);
  return name + ".json";
}

std::optional<Json> read_json(const std::filesystem::path& path, std::string* error) {
  std::string why;
  const std::optional<std::string> text =
      read_file_text(path.string(), kMaxBaselineFileBytes, &why);
  if (!text) {
    *error = fmt::format("{}: {}", path.string(), why);
    return std::nullopt;
  }
  Json j = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    *error = fmt::format("{}: not JSON", path.string());
    return std::nullopt;
  }
  return j;
}

// |difference| > max(relative × |base|, absolute), and significant.
bool moved(const reports::MeanInterval& d, double base_mean, const Tolerance& tolerance) {
  if (d.n == 0) return false;
  const double allowed = std::max(tolerance.relative * std::fabs(base_mean), tolerance.absolute);
  if (!(std::fabs(d.mean) > allowed)) return false;
  if (!d.low || !d.high) return true;  // one replication: deterministic, any difference counts
  return *d.low > 0.0 || *d.high < 0.0;
}

MetricMove::Kind kind_of(reports::Better better, double difference) {
  using Kind = MetricMove::Kind;
  switch (better) {
    case reports::Better::kLower:
      return difference > 0 ? Kind::kWorse : Kind::kBetter;
    case reports::Better::kHigher:
      return difference < 0 ? Kind::kWorse : Kind::kBetter;
    case reports::Better::kNone:
      break;
  }
  return Kind::kChanged;
}

std::string_view kind_word(MetricMove::Kind kind) {
  switch (kind) {
    case MetricMove::Kind::kWorse:
      return "worse";
    case MetricMove::Kind::kBetter:
      return "better";
    case MetricMove::Kind::kChanged:
      break;
  }
  return "changed";
}

// The metrics a baseline compares: every metric of report.json outside the run's own group.
std::size_t compared_metric_count() {
  std::size_t m = 0;
  for (const reports::MetricDefinition& d : reports::metric_definitions())
    m += reports::metric_group_of(d.path) == kRunGroup ? 0 : 1;
  return m;
}

// Three decimals, as report.json writes milliseconds: enough to read a change, short to print.
std::string number(double v) { return reports::internal::number_text(std::round(v * 1e3) / 1e3); }

// fmt, not "+" + string: g++ 12 at -O3 flags that concatenation falsely (-Wrestrict).
std::string signed_number(double v) { return v > 0 ? fmt::format("+{}", number(v)) : number(v); }

std::string seeds_text(const std::vector<std::uint64_t>& seeds) {
  std::string out;
  for (std::uint64_t s : seeds) out += (out.empty() ? "" : ", ") + std::to_string(s);
  return out;
}

}  // namespace

BaselineRuns baseline_runs(const std::string& scenario, const std::string& variant,
                           const std::vector<std::uint64_t>& seeds,
                           const std::vector<const reports::Report*>& runs) {
  BaselineRuns out{scenario, variant, seeds, {}};
  for (const reports::Report* run : runs) {
    Json j = reports::to_json(*run);
    j["sim"]["wall_ms"] = 0.0;  // the one number that is not a function of scenario and seed
    out.documents.push_back(std::move(j));
  }
  return out;
}

const BaselineRuns* Baseline::find(const std::string& scenario, const std::string& variant) const {
  const auto it = entries.find({scenario, variant});
  return it == entries.end() ? nullptr : &it->second;
}

bool save_baseline(const std::filesystem::path& dir, const std::vector<BaselineRuns>& entries,
                   const std::string& build, std::string* error) {
  reports::OutputFiles files;
  Json index = {{"schema", kBaselineSchema}, {"paysim", build}, {"entries", Json::array()}};
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const BaselineRuns& entry = entries[i];
    const std::string name = entry_file_name(i, entry);
    index["entries"].push_back({{"scenario", entry.scenario},
                                {"variant", entry.variant},
                                {"seeds", entry.seeds},
                                {"file", name}});
    std::string runs = "[\n";
    for (std::size_t r = 0; r < entry.documents.size(); ++r)
      runs += (r > 0 ? ",\n" : "") + entry.documents[r].dump(1);
    files.emplace_back(name, runs + "\n]\n");
  }
  files.emplace_back(std::string(kIndexFile), index.dump(2) + "\n");
  return reports::write_output_set(dir, files, error);
}

std::optional<Baseline> load_baseline(const std::filesystem::path& dir, std::string* error) {
  const std::filesystem::path index_path = dir / kIndexFile;
  std::optional<Json> index = read_json(index_path, error);
  if (!index) return std::nullopt;
  const auto bad = [&](const std::string& what) {
    *error = fmt::format("{}: {} (was it written by `paysim check --save-baseline`?)",
                         index_path.string(), what);
    return std::nullopt;
  };
  if (!index->is_object() || index->value("schema", "") != kBaselineSchema)
    return bad(fmt::format("\"schema\" is not \"{}\"", kBaselineSchema));
  if (!index->contains("entries") || !(*index)["entries"].is_array())
    return bad("\"entries\" is not an array");
  Baseline baseline;
  baseline.build = index->value("paysim", "");
  for (const Json& e : (*index)["entries"]) {
    if (!e.is_object() || !e.contains("scenario") || !e["scenario"].is_string() ||
        !e.contains("variant") || !e["variant"].is_string() || !e.contains("seeds") ||
        !e["seeds"].is_array() || !e.contains("file") || !e["file"].is_string())
      return bad("an entry lacks scenario, variant, seeds or file");
    BaselineRuns entry;
    entry.scenario = e["scenario"].get<std::string>();
    entry.variant = e["variant"].get<std::string>();
    for (const Json& s : e["seeds"]) {
      if (!s.is_number_unsigned()) return bad("a seed is not an unsigned integer");
      entry.seeds.push_back(s.get<std::uint64_t>());
    }
    const std::string file = e["file"].get<std::string>();
    if (file.empty() || file.find('/') != std::string::npos || file.starts_with("."))
      return bad(fmt::format("entry file \"{}\" is not a file name", file));
    std::optional<Json> runs = read_json(dir / file, error);
    if (!runs) return std::nullopt;
    if (!runs->is_array() || runs->size() != entry.seeds.size() || runs->empty()) {
      *error = fmt::format("{}: not one report per seed ({} seeds)", (dir / file).string(),
                           entry.seeds.size());
      return std::nullopt;
    }
    entry.documents = runs->get<std::vector<Json>>();
    auto key = std::make_pair(entry.scenario, entry.variant);
    if (!baseline.entries.emplace(std::move(key), std::move(entry)).second)
      return bad(fmt::format("two entries for scenario \"{}\" variant \"{}\"",
                             e["scenario"].get<std::string>(), e["variant"].get<std::string>()));
  }
  return baseline;
}

bool BaselineComparison::failed(FailOn fail_on) const {
  if (status == Status::kSeedMismatch) return true;
  for (const MetricMove& m : moved) {
    if (fail_on == FailOn::kAny || m.kind == MetricMove::Kind::kWorse) return true;
  }
  return false;
}

BaselineComparison compare_with_baseline(const BaselineRuns* baseline, const BaselineRuns& current,
                                         const Tolerance& tolerance) {
  BaselineComparison out;
  if (baseline == nullptr) {
    out.status = BaselineComparison::Status::kNoBaseline;
    return out;
  }
  // Replication r runs seed r of the list; pairs are the prefix where the seeds agree (a baseline
  // saved with more or fewer replications still pairs on the ones both ran).
  std::size_t pairs = 0;
  while (pairs < baseline->seeds.size() && pairs < current.seeds.size() &&
         baseline->seeds[pairs] == current.seeds[pairs])
    ++pairs;
  if (pairs == 0) {
    out.status = BaselineComparison::Status::kSeedMismatch;
    out.message = fmt::format("the baseline ran seed(s) {}, this check {}",
                              seeds_text(baseline->seeds), seeds_text(current.seeds));
    return out;
  }
  out.pairs = pairs;
  const std::vector<Json> base_documents(baseline->documents.begin(),
                                         baseline->documents.begin() + pairs);
  const std::vector<Json> documents(current.documents.begin(), current.documents.begin() + pairs);
  // Bonferroni: every metric is tested at 1 - 5%/m, so that a change that moves nothing (new
  // random draws, same design) fails a run with probability at most 5% over all m metrics.
  const std::size_t m = compared_metric_count();
  out.confidence = 1.0 - kFamilyError / static_cast<double>(std::max<std::size_t>(1, m));
  const reports::Differences differences =
      reports::paired_differences(base_documents, documents, out.confidence);
  for (std::size_t i = 0; i < differences.metric_paths.size(); ++i) {
    const std::string& path = differences.metric_paths[i];
    if (reports::metric_group_of(path) == kRunGroup) continue;
    ++out.metrics;
    std::vector<double> base_values;
    for (const Json& d : base_documents) {
      if (std::optional<double> v = reports::measured_value(d, path)) base_values.push_back(*v);
    }
    const double base_mean = reports::mean_interval(base_values).mean;
    const reports::MeanInterval& d = differences.metrics[i];
    if (!moved(d, base_mean, tolerance)) continue;
    const reports::Better better = reports::metric_direction(path);
    out.moved.push_back({path, better, base_mean, d, kind_of(better, d.mean)});
  }
  return out;
}

std::vector<std::string> baseline_lines(const BaselineComparison& c, FailOn fail_on) {
  using Status = BaselineComparison::Status;
  std::vector<std::string> lines;
  const std::string verdict = c.failed(fail_on) ? "FAIL" : "PASS";
  switch (c.status) {
    case Status::kNoBaseline:
      lines.push_back("  NEW   baseline: none for this scenario and variant (nothing compared)");
      return lines;
    case Status::kSeedMismatch:
      lines.push_back(
          fmt::format("  FAIL  baseline: cannot pair the runs: {}; save the baseline "
                      "again (check --save-baseline)",
                      c.message));
      return lines;
    case Status::kCompared:
      break;
  }
  const std::string pairs =
      c.pairs == 1
          ? std::string("1 replication, no interval: any difference counts")
          : fmt::format(
                "{} paired replications, each metric at {}% confidence", c.pairs,
                reports::internal::number_text(std::floor(c.confidence * 100000.0) / 1000.0));
  lines.push_back(fmt::format("  {}  baseline: {} of {} metrics moved ({})", verdict,
                              c.moved.size(), c.metrics, pairs));
  for (const MetricMove& m : c.moved) {
    std::string interval;
    if (m.difference.low && m.difference.high)
      interval = fmt::format(" [{}, {}]", signed_number(*m.difference.low),
                             signed_number(*m.difference.high));
    std::string relative;
    if (m.base_mean != 0.0)
      relative = fmt::format(
          ", {}%",
          signed_number(std::round(m.difference.mean / std::fabs(m.base_mean) * 1000.0) / 10.0));
    lines.push_back(fmt::format("        {} {}: {}{} (baseline {}{})", kind_word(m.kind), m.path,
                                signed_number(m.difference.mean), interval, number(m.base_mean),
                                relative));
  }
  return lines;
}

}  // namespace harness

#include "harness/sweep_part.h"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "harness/build_info.h"
#include "harness/file_text.h"
#include "reports/report_reader.h"

namespace harness {
namespace {

using Json = nlohmann::ordered_json;

// A part holds every run report of its shard; far beyond any real sweep, small enough that a
// device or a wrong file named by mistake cannot fill memory.
constexpr std::size_t kMaxPartBytes = std::size_t{1} << 30;

std::optional<std::size_t> parse_count(std::string_view text) {
  std::size_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

Json key_values(const std::vector<Override>& overrides) {
  Json out = Json::array();
  for (const Override& o : overrides) out.push_back(Json::array({o.key, o.value}));
  return out;
}

std::vector<Override> overrides_of(const Json& j) {
  std::vector<Override> out;
  for (const Json& kv : j)
    out.push_back({kv.at(0).get<std::string>(), kv.at(1).get<std::string>()});
  return out;
}

Plan plan_from_identity(const Json& identity, const std::string& file) {
  Plan plan;
  plan.kind = identity.at("kind").get<std::string>();
  plan.scenario = identity.at("scenario").get<std::string>();
  plan.file = file;
  plan.file_digest = identity.at("file_digest").get<std::string>();
  plan.set = overrides_of(identity.at("set"));
  for (const Json& axis : identity.at("axes")) {
    plan.axes.push_back(
        {axis.at("key").get<std::string>(), axis.at("values").get<std::vector<std::string>>()});
  }
  plan.seeds = identity.at("seeds").get<std::vector<std::uint64_t>>();
  plan.points = grid_points(plan.axes);
  return plan;
}

// "paysim 0.1.0 (revision c96b707d1e2f)": the build that wrote a part. A part written before
// revisions were recorded has none, so it never matches a part that has one.
std::string build_of(const Json& identity) {
  return "paysim " + identity.value("paysim_version", std::string("?")) + " (revision " +
         identity.value("paysim_revision", std::string("none")) + ")";
}

}  // namespace

std::optional<std::pair<std::size_t, std::size_t>> parse_shard(const std::string& text,
                                                               std::string* error) {
  const std::size_t slash = text.find('/');
  const std::optional<std::size_t> index =
      slash == std::string::npos ? std::nullopt
                                 : parse_count(std::string_view(text).substr(0, slash));
  const std::optional<std::size_t> count =
      slash == std::string::npos ? std::nullopt
                                 : parse_count(std::string_view(text).substr(slash + 1));
  if (!index || !count || *count == 0 || *index >= *count) {
    *error = "expected I/N with 0 <= I < N (shards count from 0), e.g. 0/4";
    return std::nullopt;
  }
  return std::make_pair(*index, *count);
}

std::vector<std::size_t> shard_jobs(std::size_t job_count, std::size_t index, std::size_t count) {
  std::vector<std::size_t> jobs;
  for (std::size_t j = index; j < job_count; j += count) jobs.push_back(j);
  return jobs;
}

Json plan_identity(const Plan& plan) {
  Json j;
  j["paysim_version"] = std::string(paysim_version());
  j["paysim_revision"] = std::string(paysim_revision());
  j["kind"] = plan.kind;
  j["scenario"] = plan.scenario;
  j["file_digest"] = plan.file_digest;
  j["set"] = key_values(plan.set);
  auto& axes = j["axes"] = Json::array();
  for (const SweepAxis& axis : plan.axes)
    axes.push_back({{"key", axis.key}, {"values", axis.values}});
  j["seeds"] = plan.seeds;
  j["job_count"] = plan.job_count();
  return j;
}

std::string render_part(const Plan& plan, std::size_t shard_index, std::size_t shard_count,
                        const std::vector<std::size_t>& jobs,
                        const std::vector<reports::Report>& reports) {
  Json j;
  j["schema"] = kSweepPartSchema;
  j["identity"] = plan_identity(plan);
  j["file"] = plan.file;
  j["shard"] = {{"index", shard_index}, {"count", shard_count}};
  auto& list = j["jobs"] = Json::array();
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    list.push_back({{"job", jobs[k]},
                    {"point", plan.point_of(jobs[k])},
                    {"replication", plan.replication_of(jobs[k])},
                    {"seed", plan.seeds[plan.replication_of(jobs[k])]},
                    {"report", reports::to_json(reports[k], /*include_histograms=*/true)}});
  }
  return j.dump(1) + "\n";
}

std::optional<MergedSweep> merge_parts(const std::vector<std::string>& paths, std::string* error) {
  std::optional<Json> identity;
  std::optional<std::size_t> shard_count;
  std::string first_path;
  MergedSweep merged;
  std::vector<bool> seen;
  for (const std::string& path : paths) {
    auto fail = [&](const std::string& message) {
      *error = path + ": " + message;
      return std::nullopt;
    };
    std::string problem;
    const std::optional<std::string> text = read_file_text(path, kMaxPartBytes, &problem);
    if (!text) return fail("cannot read: " + problem);
    Json part;
    try {
      part = Json::parse(*text);
      if (part.value("schema", "") != kSweepPartSchema) {
        return fail("not a sweep part (schema is not " + std::string(kSweepPartSchema) + ")");
      }
      const std::size_t count = part.at("shard").at("count").get<std::size_t>();
      if (!identity) {
        identity = part.at("identity");
        shard_count = count;
        first_path = path;
        merged.plan = plan_from_identity(*identity, part.at("file").get<std::string>());
        if (merged.plan.job_count() != identity->at("job_count").get<std::size_t>())
          return fail("inconsistent job_count");
        merged.runs.resize(merged.plan.job_count());
        merged.build = build_of(*identity);
        seen.assign(merged.plan.job_count(), false);
      } else if (build_of(part.at("identity")) != build_of(*identity)) {
        return fail("was written by " + build_of(part.at("identity")) + ", " + first_path + " by " +
                    build_of(*identity) +
                    ": merge the parts of one build (run every shard with the same paysim)");
      } else if (part.at("identity") != *identity) {
        return fail("belongs to a different sweep than " + first_path +
                    " (scenario file, --set, axes or seeds differ)");
      } else if (count != *shard_count) {
        return fail(
            fmt::format("was cut into {} shards, {} into {}", count, first_path, *shard_count));
      }
      for (const Json& job : part.at("jobs")) {
        const std::size_t index = job.at("job").get<std::size_t>();
        if (index >= seen.size()) return fail(fmt::format("job {} is out of range", index));
        if (seen[index])
          return fail(fmt::format("job {} was already given by another part", index));
        std::string report_error;
        std::optional<reports::Report> report =
            reports::report_from_json(job.at("report"), &report_error);
        if (!report) return fail(fmt::format("job {}: {}", index, report_error));
        report->sim.wall_ms = 0.0;
        merged.runs[index] = std::move(*report);
        seen[index] = true;
      }
    } catch (const std::exception& e) {  // malformed JSON or a missing key
      return fail(e.what());
    }
  }
  if (!identity) {
    *error = "no parts given";
    return std::nullopt;
  }
  std::string missing;
  std::size_t missing_count = 0;
  for (std::size_t j = 0; j < seen.size(); ++j) {
    if (seen[j]) continue;
    if (++missing_count <= 10) missing += (missing.empty() ? "" : ", ") + std::to_string(j);
  }
  if (missing_count > 0) {
    *error = fmt::format("{} of {} jobs missing (jobs {}{}): pass every shard's part ({} shards)",
                         missing_count, seen.size(), missing, missing_count > 10 ? ", ..." : "",
                         *shard_count);
    return std::nullopt;
  }
  return merged;
}

}  // namespace harness

#include "harness/swarm.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <exception>
#include <memory>
#include <string_view>
#include <utility>

#include "harness/internal/moved_keys.h"
#include "harness/internal/overrides.h"
#include "harness/scenario_loader.h"
#include "harness/scenario_source.h"
#include "harness/world.h"
#include "sim/random.h"

namespace harness {
namespace {

// At most this many channels are drawn (BASE may have more).
constexpr uint64_t kMaxDrawnChannels = 3;

// One drawn key: a dotted path and its value as YAML text, applied to the document as --set is.
struct Draw {
  std::string key;
  std::string value;
  // A fault: its value is zero (or no window) in the liveness phase, which also writes it over
  // BASE's, so that phase runs with every fault off.
  bool fault = false;
  // A channel's shape (mode, schedules, success rate): drawn only onto the swarm's own channels,
  // never onto BASE's, whose presets and keys say what they are.
  bool shape = false;
  // A map whose presence turns a feature on (system.compensation.reconciliation), or a key that
  // excludes this one (traffic.profile for traffic.rate): when BASE writes it, BASE decides, and
  // the draw is left out even if its own key is not in BASE.
  std::string group;
};

Draw setting(std::string key, std::string value, std::string group = "") {
  return Draw{std::move(key), std::move(value), false, false, std::move(group)};
}
Draw fault_setting(std::string key, std::string value) {
  return Draw{std::move(key), std::move(value), true, false, ""};
}
Draw shape_setting(std::string key, std::string value) {
  return Draw{std::move(key), std::move(value), false, true, ""};
}

// The draws of one stream. Every draw is made whatever the phase and whatever BASE writes, so
// both phases (and any BASE) see the same values; only what is written changes.
class Drawer {
 public:
  Drawer(uint64_t seed, uint64_t entity, std::string_view purpose, bool faults)
      : rng_(seed, entity, sim::purpose(purpose)), faults_(faults) {}

  double uniform() { return rng_.uniform01(); }
  bool coin(double probability) { return rng_.bernoulli(probability); }
  // A whole number in [min, max].
  int64_t between(int64_t min, int64_t max) {
    return min + static_cast<int64_t>(rng_.below(static_cast<uint64_t>(max - min + 1)));
  }
  // A fault's probability: switched on half the time, then uniform in [0, max); 0 with the
  // faults off.
  std::string fault_probability(double max) {
    const bool on = coin(0.5);
    const double intensity = uniform() * max;
    return probability_text(faults_ && on ? intensity : 0.0);
  }
  // A fault window: `[{KEY_AT: Ns, KEY_LENGTH: Ns}]` with probability `p`, `[]` otherwise or with
  // the faults off.
  std::string fault_window(double p, const char* at_key, int64_t at_max_s, const char* length_key,
                           int64_t length_min_s, int64_t length_max_s) {
    const bool on = coin(p);
    const int64_t at = between(0, at_max_s);
    const int64_t length = between(length_min_s, length_max_s);
    if (!faults_ || !on) return "[]";
    return fmt::format("[{{{}: {}s, {}: {}s}}]", at_key, at, length_key, length);
  }

  static std::string probability_text(double p) { return fmt::format("{:.4f}", p); }

 private:
  sim::RandomStream rng_;
  bool faults_;
};

std::string bool_text(bool b) { return b ? "true" : "false"; }

// The users, the traffic and the run's length: the top-level stream.
void draw_workload(Drawer& d, std::vector<Draw>& out) {
  out.push_back(setting("duration", fmt::format("{}m", d.between(2, 5))));
  out.push_back(setting("drain", "12h"));
  // A day profile in BASE replaces the rate: the two may not both be given.
  out.push_back(setting("traffic.rate", fmt::format("{}/s", d.between(5, 20)), "traffic.profile"));
  out.push_back(setting("traffic.arrival", d.coin(0.8) ? "poisson" : "uniform"));
  out.push_back(setting("user.pay_probability", Drawer::probability_text(0.8 + 0.2 * d.uniform())));
  out.push_back(
      setting("user.pay_delay", fmt::format("{{dist: exponential, mean: {}s}}", d.between(5, 34))));
  out.push_back(
      setting("user.repeat_click_probability", Drawer::probability_text(0.3 * d.uniform())));
  out.push_back(
      setting("user.repay_if_unpaid_probability", Drawer::probability_text(0.5 * d.uniform())));
  const bool reorder = d.coin(0.3);
  const double reorder_p = 0.2 * d.uniform();
  out.push_back(setting("user.reorder_if_unpaid_probability",
                        Drawer::probability_text(reorder ? reorder_p : 0)));
  out.push_back(
      setting("user.switch_channel_probability", Drawer::probability_text(0.3 * d.uniform())));
  out.push_back(setting("user.max_pay_attempts", std::to_string(d.between(1, 5))));
}

// One channel's shape and faults, from the channel's own stream.
void draw_channel(Drawer& d, const std::string& name, const std::string& share,
                  std::vector<Draw>& out) {
  const std::string at = "channels." + name + ".";
  auto shape = [&](std::string key, std::string value) {
    out.push_back(shape_setting(at + key, std::move(value)));
  };
  auto fault = [&](std::string key, std::string value) {
    out.push_back(fault_setting(at + key, std::move(value)));
  };
  shape("share", share);
  shape("mode", d.coin(0.2) ? "sync" : "async");
  shape("success_probability", Drawer::probability_text(0.9 + 0.1 * d.uniform()));
  shape("callback.delay", fmt::format("{{dist: exponential, mean: {}ms}}", d.between(200, 2199)));
  const int64_t retries = d.between(0, 3);
  std::string schedule;
  for (int64_t r = 0; r < retries; ++r)
    schedule += fmt::format("{}{}m", r == 0 ? "" : ", ", 1 + 2 * r);
  shape("callback.retries", "[" + schedule + "]");
  shape("cancel.supported", bool_text(d.coin(0.7)));
  fault("callback.drop_probability", d.fault_probability(0.5));
  fault("callback.duplicate_probability", d.fault_probability(0.3));
  fault("callback.reorder_probability", d.fault_probability(0.3));
  fault("query.failure_probability", d.fault_probability(0.3));
  fault("query.stale_probability", d.fault_probability(0.3));
  fault("double_charge_probability", d.fault_probability(0.05));
  fault("create_reply_loss_probability", d.fault_probability(0.05));
  fault("refund.failure_probability", d.fault_probability(0.3));
  fault("outages", d.fault_window(0.3, "start", 119, "duration", 10, 69));
  // Drawn after the keys above, so that those keep the values they had before these were added.
  const bool refunds_later = d.coin(0.3);
  const int64_t completion_s = d.between(10, 300);
  shape("refund.completion_delay",
        refunds_later ? fmt::format("{{dist: exponential, mean: {}s}}", completion_s) : "0s");
  const bool notices = d.coin(0.5);
  const std::string completion_failure = d.fault_probability(0.3);
  const std::string notice_drop = d.fault_probability(0.3);
  // These need refunds that finish later, which only the swarm's own channels are drawn to have:
  // faults that are also shapes (BASE's own are turned off in the liveness phase below).
  const auto later_fault = [&](std::string key, std::string value) {
    out.push_back(Draw{at + key, std::move(value), true, true, ""});
  };
  shape("refund.notify", bool_text(refunds_later && notices));
  later_fault("refund.completion_failure_probability", refunds_later ? completion_failure : "0");
  later_fault("refund.notify_drop_probability", refunds_later && notices ? notice_drop : "0");
  const bool deadline = d.coin(0.3);
  const int64_t deadline_s = d.between(1, 15);
  shape("callback.ack_deadline", deadline ? fmt::format("{}s", deadline_s) : "0s");
  const bool expiry = d.coin(0.2);
  const int64_t expiry_s = d.between(30, 600);
  shape("trade_expiry", expiry ? fmt::format("{}s", expiry_s) : "0s");
}

// The environment's faults and the system's design: strategies and guards.
void draw_system(Drawer& d, std::vector<Draw>& out) {
  auto key = [&](std::string k, std::string v, std::string group = "") {
    out.push_back(setting(std::move(k), std::move(v), std::move(group)));
  };
  auto fault = [&](std::string k, std::string v) {
    out.push_back(fault_setting(std::move(k), std::move(v)));
  };
  key("environment.payment_service.step_latency", fmt::format("{}ms", d.between(1, 10)));
  fault("environment.order_service.notify_failure_probability", d.fault_probability(0.3));
  fault("environment.order_service.outages", d.fault_window(0.3, "start", 119, "duration", 5, 34));
  fault("environment.payment_service.crashes",
        d.fault_window(0.4, "at", 119, "restart_after", 5, 64));
  fault("environment.payment_service.lock_stall_probability", d.fault_probability(0.1));
  fault("environment.mq.loss_probability", d.fault_probability(0.1));

  key("system.notify.sync_retries", std::to_string(d.between(0, 3)));
  const bool async_mq = d.coin(0.8);
  key("system.notify.async_mq", bool_text(async_mq));
  static constexpr const char* kStrategies[] = {"none", "polling", "delay_message", "hybrid"};
  key("system.compensation.strategy", kStrategies[d.between(0, 3)]);
  key("system.compensation.polling.interval", fmt::format("{}s", d.between(10, 59)));
  key("system.compensation.polling.max_attempts", std::to_string(d.between(5, 50)));
  static constexpr const char* kSchedule[] = {"10s", "30s", "1m", "2m", "5m"};
  const int64_t gaps = d.between(1, 5);
  std::string schedule;
  for (int64_t g = 0; g < gaps; ++g) schedule += std::string(g == 0 ? "" : ", ") + kSchedule[g];
  key("system.compensation.delay_message.schedule", "[" + schedule + "]");
  key("system.compensation.retry_storage", d.coin(0.7) ? "durable" : "in_memory");
  const std::string reconciliation = "system.compensation.reconciliation";
  const bool reconcile = d.coin(0.6);
  const int64_t every_m = d.between(10, 60);
  if (reconcile) {
    key(reconciliation + ".every", fmt::format("{}m", every_m), reconciliation);
    key(reconciliation + ".lag", "1m", reconciliation);
  } else {
    key(reconciliation + ".enabled", "false", reconciliation);
  }
  static constexpr const char* kLatePayment[] = {"accept", "refund", "reject"};
  key("system.order_service.late_payment", kLatePayment[d.between(0, 2)]);
  key("system.order_service.close_at_channel", bool_text(d.coin(0.5)));
  for (const char* guard : {"order_lock", "compare_and_set", "reuse_in_flight", "cancel_in_flight",
                            "refund_duplicates"})
    key(std::string("system.dedup.") + guard, bool_text(d.coin(0.7)));
  key("system.client.push.enabled", bool_text(d.coin(0.5)), "system.client.push");
  const bool order_query = d.coin(0.3);
  const int64_t first_age_m = d.between(2, 10);
  key(order_query ? "system.order_query.at_ages" : "system.order_query.enabled",
      order_query ? fmt::format("[{}m, {}m]", first_age_m, 3 * first_age_m) : "false",
      "system.order_query");
  // Drawn after the keys above, so that those keep the values they had before these were added.
  const bool publish_delay = d.coin(0.3);
  const int64_t publish_delay_ms = d.between(1, 2000);
  key("system.notify.publish_delay", publish_delay ? fmt::format("{}ms", publish_delay_ms) : "0s");
  key("system.notify.outbox", bool_text(async_mq && d.coin(0.3)));
  key("system.create_retry.retries", std::to_string(d.between(0, 2)));
  key("system.refund.on_accepted", d.coin(0.5) ? "confirm" : "trust");
  key("system.callback.ack", d.coin(0.2) ? "on_receipt" : "after_processing");
  key("system.order_service.consumer_ack", d.coin(0.2) ? "before_update" : "after_update");
  key("system.compensation.pending_row", d.coin(0.3) ? "on_accepted" : "before_call");
  const bool slow_handler = d.coin(0.3);
  const int64_t handling_ms = d.between(10, 3000);
  key("environment.payment_service.callback_handling",
      slow_handler ? fmt::format("{{dist: exponential, mean: {}ms}}", handling_ms) : "0s");
  static constexpr const char* kOnExhausted[] = {"give_up", "mark_failed", "close"};
  key("system.compensation.on_exhausted", kOnExhausted[d.between(0, 2)]);
  key("system.order_service.checkout_per_purchase", bool_text(d.coin(0.3)));
  key("system.order_service.refund_repeat_purchase", bool_text(d.coin(0.3)));
}

// Faults the swarm draws only onto its own channels but BASE may set: the liveness phase turns
// them off on BASE's channels too.
void draw_base_faults_off(const std::string& channel, std::vector<Draw>& out) {
  for (const char* key :
       {"refund.completion_failure_probability", "refund.notify_drop_probability"})
    out.push_back(fault_setting("channels." + channel + "." + key, "0"));
}

// The node at dotted `path` in `document`, list entries by name or index; whether BASE writes it.
bool has_key(const YAML::Node& document, const std::string& path) {
  std::string error;
  const std::optional<std::vector<std::string>> segments = internal::split_key_path(path, &error);
  if (!segments) return false;
  std::vector<YAML::Node> at{document};
  for (const std::string& segment : *segments) {
    const YAML::Node& node = at.back();
    if (node.IsMap()) {
      const YAML::Node child = node[segment];
      if (!child.IsDefined()) return false;
      at.push_back(child);
    } else if (node.IsSequence()) {
      bool found = false;
      for (const YAML::Node& item : node) {
        if (item.IsMap() && item["name"] && item["name"].IsScalar() &&
            item["name"].Scalar() == segment) {
          at.push_back(item);
          found = true;
          break;
        }
      }
      if (!found) return false;
    } else {
      return false;
    }
  }
  return true;
}

std::vector<std::string> channel_names(const YAML::Node& document) {
  std::vector<std::string> names;
  const YAML::Node channels = document["channels"];
  if (!channels.IsSequence()) return names;
  for (const YAML::Node& c : channels) {
    if (c.IsMap() && c["name"] && c["name"].IsScalar()) names.push_back(c["name"].Scalar());
  }
  return names;
}

std::string emit(const YAML::Node& document) {
  YAML::Emitter out;
  out << document;
  return std::string(out.c_str()) + "\n";
}

std::vector<std::string> error_lines(const LoadResult& loaded) {
  std::vector<std::string> lines;
  for (const ScenarioError& e : loaded.errors) lines.push_back(e.to_string());
  return lines;
}

// The document the draws go into: BASE's (old spellings moved, what the swarm judges itself
// dropped), or the swarm's own with `channel_count` empty channels.
YAML::Node starting_document(const SwarmBase* base, uint64_t channel_count) {
  if (base != nullptr) {
    YAML::Node document = YAML::Load(base->text);
    std::vector<std::string> notices;
    std::vector<ScenarioError> errors;
    internal::migrate_moved_keys(document, scenario_label(base->path), notices, errors);
    for (const char* judged : {"expect", "variants", "sweep", "replications", "$schema", "live"})
      document.remove(judged);
    return document;
  }
  YAML::Node document(YAML::NodeType::Map);
  YAML::Node channels(YAML::NodeType::Sequence);
  for (uint64_t i = 0; i < channel_count; ++i) {
    YAML::Node channel(YAML::NodeType::Map);
    channel["name"] = "wallet" + std::to_string(i);
    channels.push_back(channel);
  }
  document["channels"] = channels;
  return document;
}

// Shares of the swarm's own channels: exact binary fractions, so they sum to 1.
std::string share_of(uint64_t index, uint64_t count) {
  if (count == 1) return "1";
  if (count == 2) return "0.5";
  return index == 2 ? "0.5" : "0.25";
}

std::string first_violation(const reports::Report& r) {
  if (r.invariants.details.empty()) return "";
  const reports::InvariantViolation& v = r.invariants.details.front();
  return fmt::format("; first: order {} at {:.3f} ms, {}: {}", v.order,
                     static_cast<double>(v.time_us) / 1000.0, v.event, v.message);
}

// Runs one phase's scenario; the failures found, one line each.
std::vector<std::string> judge_phase(const SwarmScenario& scenario, SwarmPhase phase,
                                     const SwarmOptions& options, SwarmSeedResult& result) {
  std::vector<std::string> failures;
  if (!scenario.loaded) {
    failures.push_back(
        "the generated scenario does not load (a swarm bug, or BASE conflicts "
        "with a drawn key):");
    for (const std::string& e : scenario.load_errors) failures.push_back("  " + e);
    return failures;
  }
  try {
    World world(*scenario.loaded);
    if (options.planted_bug != sut::PlantedBug::kNone) world.plant_bug(options.planted_bug);
    const reports::Report& r = world.run();
    if (r.invariants.violations > 0) {
      failures.push_back(fmt::format("invariants: {} violation(s){}", r.invariants.violations,
                                     first_violation(r)));
    }
    if (r.duplicates.wrong_refunds > 0) {
      failures.push_back(fmt::format(
          "duplicates.wrong_refunds = {}: a refund took the only charge of a PAID order",
          r.duplicates.wrong_refunds));
    }
    if (phase == SwarmPhase::kSafety) {
      result.orders += r.orders.created;
      result.duplicate_charged += r.duplicates.charged_orders;
      result.refunds_issued += r.duplicates.refunds_issued;
      result.callbacks_lost += r.dropped.callbacks_lost;
      result.reconciled += r.resolved_by.reconciliation;
    } else if (scenario.recovering) {
      result.liveness_checked = true;
      if (r.dropped.final > 0) {
        failures.push_back(fmt::format(
            "dropped.final = {}: orders charged but not PAID nor refunded (first: order {})",
            r.dropped.final, world.recorder().first_dropped()));
      }
      if (r.duplicates.unresolved > 0) {
        failures.push_back(fmt::format(
            "duplicates.unresolved = {}: orders still holding a second charge (first: order {})",
            r.duplicates.unresolved, world.recorder().first_duplicate()));
      }
    }
  } catch (const std::exception& e) {
    failures.push_back(std::string("the run stopped with an exception: ") + e.what());
  }
  return failures;
}

}  // namespace

std::string check_seed_range(const SeedRange& range, std::string_view from_name,
                             std::string_view count_name) {
  if (range.count == 0 || range.count > kMaxSwarmSeeds)
    return fmt::format("{} must be from 1 to {}", count_name, kMaxSwarmSeeds);
  if (range.from > UINT64_MAX - (range.count - 1))
    return fmt::format("{} + {} - 1 is past the largest seed, 2^64 - 1", from_name, count_name);
  return "";
}

std::optional<SeedRange> parse_swarm_seeds_env(const char* text, std::string* error) {
  if (text == nullptr) return SeedRange{};
  const std::string_view value(text);
  auto whole = [](std::string_view t, uint64_t* out) {
    const char* end = t.data() + t.size();
    const auto result = std::from_chars(t.data(), end, *out);
    return !t.empty() && result.ec == std::errc() && result.ptr == end;
  };
  const size_t colon = value.find(':');
  SeedRange range;
  const std::string quoted = "PAYSIM_SWARM_SEEDS='" + std::string(value) + "'";
  if (colon == std::string_view::npos || !whole(value.substr(0, colon), &range.from) ||
      !whole(value.substr(colon + 1), &range.count)) {
    *error = quoted + ": expected FROM:COUNT, two decimal integers (e.g. 1000:500)";
    return std::nullopt;
  }
  if (const std::string problem = check_seed_range(range); !problem.empty()) {
    *error = quoted + ": " + problem;
    return std::nullopt;
  }
  return range;
}

std::string_view to_string(SwarmPhase phase) {
  return phase == SwarmPhase::kSafety ? "safety" : "liveness";
}

std::string swarm_failure_file_name(uint64_t seed, SwarmPhase phase) {
  return fmt::format("swarm-seed-{}-{}.yaml", seed, to_string(phase));
}

std::optional<SwarmBase> load_swarm_base(const std::string& path,
                                         std::vector<std::string>* errors) {
  std::string error;
  std::optional<std::string> text = read_scenario_text(path, &error);
  if (!text) {
    errors->push_back(scenario_label(path) + ": " + error);
    return std::nullopt;
  }
  const LoadResult loaded = load_scenario_text(*text, scenario_label(path));
  if (!loaded.ok()) {
    *errors = error_lines(loaded);
    return std::nullopt;
  }
  return SwarmBase{path, std::move(*text)};
}

bool has_recovering_strategy(const Scenario& s) {
  // A duplicate charge on a channel that cannot refund stays whatever the design does.
  for (const channels::ChannelConfig& channel : s.channels) {
    if (!channel.refund.supported) return false;
  }
  const sut::CompensationConfig& c = s.system.compensation;
  if (c.reconciliation.enabled && s.drain >= 2 * c.reconciliation.every + c.reconciliation.lag)
    return true;
  return s.system.dedup.refund_duplicates && c.strategy != sut::Strategy::kNone &&
         s.system.order_service.late_payment != sut::OrderServiceConfig::LatePayment::kReject &&
         s.system.order_service.consumer_ack ==
             sut::OrderServiceConfig::ConsumerAck::kAfterUpdate &&
         s.system.refund.on_accepted == sut::RefundConfig::OnAccepted::kConfirm &&
         !(c.on_not_found == sut::CompensationConfig::OnNotFound::kMarkFailed &&
           c.success_after_failed == sut::CompensationConfig::SuccessAfterFailed::kIgnore);
}

SwarmScenario generate_swarm_scenario(uint64_t seed, SwarmPhase phase, const SwarmBase* base) {
  const bool faults = phase == SwarmPhase::kSafety;
  const std::string label = swarm_failure_file_name(seed, phase);
  SwarmScenario out;
  try {
    Drawer top(seed, 0, "swarm.workload", faults);
    std::vector<Draw> draws;
    draw_workload(top, draws);
    const uint64_t drawn_channels =
        static_cast<uint64_t>(top.between(1, static_cast<int64_t>(kMaxDrawnChannels)));
    YAML::Node document = starting_document(base, drawn_channels);
    const std::vector<std::string> names = channel_names(document);
    for (size_t i = 0; i < names.size(); ++i) {
      Drawer d(seed, 1 + i, "swarm.channel", faults);
      draw_channel(d, names[i], share_of(i, names.size()), draws);
      if (base != nullptr && !faults) draw_base_faults_off(names[i], draws);
    }
    Drawer system(seed, 0, "swarm.system", faults);
    draw_system(system, draws);

    for (const Draw& draw : draws) {
      if (base != nullptr) {
        if (draw.shape) continue;  // every channel is BASE's
        const bool base_sets =
            has_key(document, draw.key) || (!draw.group.empty() && has_key(document, draw.group));
        if (base_sets && !(draw.fault && !faults)) continue;
      }
      std::string error;
      if (!internal::apply_override(document, draw.key, YAML::Load(draw.value), &error, true))
        out.load_errors.push_back(draw.key + ": " + error);
    }
    document["name"] = fmt::format("swarm-seed-{}-{}", seed, to_string(phase));
    document["seed"] = std::to_string(seed);
    if (!out.load_errors.empty()) {
      out.yaml = emit(document);
      return out;
    }

    // Load once to learn whether the liveness claim applies, then write the claim into the
    // file's expect block: `paysim run` on the written file fails where the swarm did.
    LoadResult first = load_scenario_text(emit(document), label);
    if (first.ok()) {
      out.recovering = has_recovering_strategy(*first.scenario);
      YAML::Node expect(YAML::NodeType::Map);
      expect["duplicates.wrong_refunds"] = "0";
      if (!faults && out.recovering) {
        expect["dropped.final"] = "0";
        expect["duplicates.unresolved"] = "0";
      }
      document["expect"] = expect;
    }
    std::string header = fmt::format(
        "# paysim swarm, seed {}, {} phase ({}).\n"
        "# Reproduce: paysim run THIS_FILE (exit 1: an invariant or the expect block failed),\n"
        "# or: paysim swarm --from {} --seeds 1{}\n",
        seed, to_string(phase), faults ? "faults on" : "faults off", seed,
        base != nullptr ? " " + base->path : "");
    out.yaml = header + emit(document);
  } catch (const std::exception& e) {
    out.load_errors.push_back(std::string("cannot build the scenario: ") + e.what());
    return out;
  }
  LoadResult loaded = load_scenario_text(out.yaml, label);
  if (!loaded.ok()) {
    out.load_errors = error_lines(loaded);
    return out;
  }
  out.loaded = std::move(loaded.scenario);
  return out;
}

SwarmSeedResult run_swarm_seed(uint64_t seed, const SwarmOptions& options) {
  SwarmSeedResult result;
  result.seed = seed;
  for (const SwarmPhase phase : {SwarmPhase::kSafety, SwarmPhase::kLiveness}) {
    SwarmScenario scenario = generate_swarm_scenario(seed, phase, options.base);
    std::vector<std::string> failures = judge_phase(scenario, phase, options, result);
    if (!failures.empty()) {
      result.passed = false;
      result.phase = phase;
      result.failures = std::move(failures);
      result.yaml = std::move(scenario.yaml);
      return result;
    }
  }
  return result;
}

void SwarmTotals::add(const SwarmSeedResult& result) {
  ++seeds;
  failed += result.passed ? 0 : 1;
  liveness_checked += result.liveness_checked ? 1 : 0;
  orders += result.orders;
  duplicate_charged += result.duplicate_charged;
  refunds_issued += result.refunds_issued;
  callbacks_lost += result.callbacks_lost;
  reconciled += result.reconciled;
}

std::string SwarmTotals::summary() const {
  return fmt::format(
      "{} seed(s): {} passed, {} failed; liveness asserted on {}; with faults: {} orders, {} "
      "duplicate-charged, {} duplicate refunds, {} callbacks lost, {} reconciled",
      seeds, seeds - failed, failed, liveness_checked, orders, duplicate_charged, refunds_issued,
      callbacks_lost, reconciled);
}

}  // namespace harness

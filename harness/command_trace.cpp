// `paysim trace SCENARIO --order ID|first-dropped|first-duplicate|first-user-visible`: the life of
// one order as a timeline (simulated time h:mm:ss.mmm, component, what happened and why), then a
// summary: the order's final state and its charges and refunds from the channels' ledger.
//
// A named order is found by running the scenario once without a tracer and asking the recorder
// for the smallest order id that matched; the run is deterministic, so the second run, with a
// tracer for that order only, replays exactly the same events. --set, --seed and --variant work
// as for `run`. The timeline keeps at most --max-lines lines and says when it was cut.
//
// Exit code: 0 the order was traced; 1 no order matched the name (nothing went wrong in the run);
// 2 usage or scenario error, an order id that does not exist in the run included.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/commands.h"
#include "harness/trace_recorder.h"
#include "harness/world.h"

namespace harness {
namespace {

struct TraceOptions {
  std::string scenario_path;
  std::string order;
  std::vector<std::string> set;
  std::string variant;
  bool has_seed = false;
  uint64_t seed = 0;
  size_t max_lines = TraceRecorder::kDefaultMaxLines;
};

enum class OrderPick { kId, kFirstDropped, kFirstDuplicate, kFirstUserVisible };

std::optional<OrderPick> parse_pick(const std::string& text, uint64_t& id) {
  if (text == "first-dropped") return OrderPick::kFirstDropped;
  if (text == "first-duplicate") return OrderPick::kFirstDuplicate;
  if (text == "first-user-visible") return OrderPick::kFirstUserVisible;
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
      text.size() > 19) {
    return std::nullopt;
  }
  id = std::stoull(text);
  if (id == 0) return std::nullopt;
  return OrderPick::kId;
}

const char* describe(OrderPick pick) {
  switch (pick) {
    case OrderPick::kFirstDropped:
      return "ended the run dropped (charged, not PAID)";
    case OrderPick::kFirstDuplicate:
      return "was charged more than once";
    case OrderPick::kFirstUserVisible:
      return "showed \"unpaid\" to a user who had paid";
    case OrderPick::kId:
      break;
  }
  return "";
}

// First run, no tracer: the smallest order id that matches `pick`, 0 if none.
uint64_t find_order(const Scenario& scenario, OrderPick pick) {
  World world(scenario);
  world.run();
  const Recorder& recorder = world.recorder();
  switch (pick) {
    case OrderPick::kFirstDropped:
      return recorder.first_dropped();
    case OrderPick::kFirstDuplicate:
      return recorder.first_duplicate();
    case OrderPick::kFirstUserVisible:
      return recorder.first_user_visible();
    case OrderPick::kId:
      break;
  }
  return 0;
}

int command_trace(const TraceOptions& options) {
  uint64_t order = 0;
  const std::optional<OrderPick> pick = parse_pick(options.order, order);
  if (!pick) {
    std::fprintf(
        stderr,
        "--order: '%s' is not an order id (1, 2, ...) or one of first-dropped, first-duplicate, "
        "first-user-visible\n",
        options.order.c_str());
    return 2;
  }
  const std::optional<Scenario> loaded = load_for_command(
      options.scenario_path, options.set, options.has_seed, options.seed, options.variant);
  if (!loaded) return 2;
  const Scenario& scenario = *loaded;
  if (*pick != OrderPick::kId) {
    order = find_order(scenario, *pick);
    if (order == 0) {
      std::fprintf(stderr, "%s: no order %s in this run (seed %llu)\n",
                   options.scenario_path.c_str(), describe(*pick),
                   static_cast<unsigned long long>(scenario.seed));
      return 1;
    }
  }

  uint64_t created = 0;
  const std::optional<std::string> timeline =
      trace_order(scenario, order, options.max_lines, &created);
  if (!timeline) {
    // Order ids are 1, 2, ... in arrival order: an id past the last is the caller's mistake.
    std::fprintf(stderr,
                 "--order: order %llu does not exist in this run: it created orders 1 to %llu\n",
                 static_cast<unsigned long long>(order), static_cast<unsigned long long>(created));
    return 2;
  }
  std::printf("%s%s, seed %llu: order %llu%s%s\n", scenario.name.c_str(),
              scenario.variant.empty() ? "" : (" [" + scenario.variant + "]").c_str(),
              static_cast<unsigned long long>(scenario.seed),
              static_cast<unsigned long long>(order),
              *pick == OrderPick::kId ? "" : ", the first order that ", describe(*pick));
  std::fputs(timeline->c_str(), stdout);
  return 0;
}

}  // namespace

CommandRunner add_trace_command(CLI::App& app) {
  auto options = std::make_shared<TraceOptions>();
  CLI::App* cmd =
      app.add_subcommand("trace", "Print one order's life as a timeline, event by event, and why");
  cmd->add_option("scenario", options->scenario_path, "Scenario file (YAML)")->required();
  cmd->add_option(
         "--order", options->order,
         "Order id (1 is the first arrival), or first-dropped, first-duplicate, first-user-visible")
      ->required();
  harness::add_seed_option(cmd, options->seed, options->has_seed);
  cmd->add_option("--set", options->set,
                  "Override a key: KEY=VALUE (dotted path; a channel by its name)");
  cmd->add_option("--variant", options->variant, "Apply one of the scenario's variants");
  cmd->add_option("--max-lines", options->max_lines,
                  "Keep at most this many timeline lines (default 10000)")
      ->check(CLI::Range(1, 10'000'000));
  return {cmd, [options] { return command_trace(*options); }};
}

}  // namespace harness

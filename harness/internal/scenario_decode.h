// Decoding each section of a scenario document onto its config struct. Every function reads
// the keys of one section (see scenarios/README.md), leaves the struct's defaults for keys that
// are absent or null, reports every problem through the Decoder, and never throws.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "harness/internal/yaml_reader.h"
#include "harness/scenario.h"

namespace harness::internal {

// The whole document (a map; anything else is reported), including the cross-key checks
// (channel shares, strategy needs). Without `decode_alternatives`, `variants:` and `sweep:` are
// accepted as they are and left out of `out` (checking a variant, whose base decoded them).
void decode_scenario(Decoder& d, const YAML::Node& document, Scenario& out,
                     bool decode_alternatives = true);

void decode_traffic(Decoder& d, const Cursor& at, workload::TrafficConfig& out);
void decode_user(Decoder& d, const Cursor& at, workload::UserConfig& out);
// The orders `traffic` makes over `window` on average (the rate's integral over the window).
double expected_orders(const workload::TrafficConfig& traffic, sim::Duration window);
// Refuses, at `at`, a workload that cannot fit in one run: more than kMaxOrdersPerRun orders
// expected over the traffic window (scenarios/README.md, "Limits").
void check_workload_fits(Decoder& d, const Cursor& at, const workload::TrafficConfig& traffic,
                         sim::Duration window);
void decode_channels(Decoder& d, const Cursor& at, std::vector<channels::ChannelConfig>& out);
void decode_system(Decoder& d, const Cursor& at, sut::SystemConfig& out);
// `environment:` fills the fields of `out` that the links and the host read.
void decode_environment(Decoder& d, const Cursor& at, sut::SystemConfig& out);
void decode_variants(Decoder& d, const Cursor& at, std::vector<Variant>& out);
void decode_sweep(Decoder& d, const Cursor& at, std::vector<SweepAxis>& out);
void decode_expect(Decoder& d, const Cursor& at, std::vector<Expectation>& out);
// `live:` (decode_live.cpp): checks that the signing secret file can be read and holds a secret.
void decode_live(Decoder& d, const Cursor& at, LiveConfig& out);

// A node as one line of YAML (flow style), as stored in Variant::set and SweepAxis::values.
std::string to_yaml_text(const YAML::Node& node);

}  // namespace harness::internal

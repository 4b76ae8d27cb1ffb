// The channel traces its notable steps for `paysim trace`, and only for the entities asked for.
#include "sim/trace.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/channels/channel_world.h"

namespace channels::testing {
namespace {

using sim::Duration;

class RecordingTracer final : public sim::Tracer {
 public:
  explicit RecordingTracer(uint64_t wanted) : wanted_(wanted) {}
  bool wants(uint64_t entity) const override { return entity == wanted_; }
  void record(sim::Time, std::string_view component, uint64_t entity,
              std::string message) override {
    lines.push_back(std::string(component) + " " + std::to_string(entity) + ": " + message);
  }
  bool contains(const std::string& text) const {
    for (const std::string& line : lines) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
  std::vector<std::string> lines;

 private:
  uint64_t wanted_;
};

TEST(ChannelTrace, NotableStepsOfTheWantedOrderOnly) {
  ChannelConfig config = quiet_config();
  config.callback.drop_probability = 1.0;
  config.callback.retries = {Duration::seconds(15)};
  config.double_charge_probability = 1.0;
  RecordingTracer tracer(/*wanted=*/1);
  ChannelWorld world(config);
  world.channel =
      std::make_unique<MockChannel>(world.runtime, config, 0, world.ledger, world.client, &tracer);
  for (OrderId order : {1, 2}) {
    world.create(ChannelWorld::key(order));
    world.channel->user_pays(ChannelWorld::key(order));
  }
  world.channel->query(world.client.call(), ChannelWorld::key(1), QuerySource::kPolling);
  world.channel->close(world.client.call(), ChannelWorld::key(1));
  world.channel->refund(world.client.call(), ChannelWorld::key(1), 5000);
  world.simulator.run_until_idle();
  EXPECT_TRUE(tracer.contains("channel:test 1: trade created"));
  EXPECT_TRUE(tracer.contains("charged 1000 minor"));
  EXPECT_TRUE(tracer.contains("double charge"));
  EXPECT_TRUE(tracer.contains("callback #1 dropped by fault"));
  EXPECT_TRUE(tracer.contains("callback #2 dropped by fault"));
  EXPECT_TRUE(tracer.contains("callback schedule exhausted after 2 attempts"));
  EXPECT_TRUE(tracer.contains("query answered success"));
  EXPECT_TRUE(tracer.contains("close raced"));
  EXPECT_TRUE(tracer.contains("refund refused"));
  for (const std::string& line : tracer.lines)
    EXPECT_EQ(line.find("channel:test 2:"), std::string::npos);
}

}  // namespace
}  // namespace channels::testing

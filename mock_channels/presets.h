// Channel presets: the behaviour of real channels as published (see docs/channels.md and
// ../shared/DOMAIN.md for the sources). A scenario names a preset and overrides keys.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mock_channels/channel_config.h"

namespace channels {

struct PresetInfo {
  std::string name;         // e.g. "alipay-like"
  std::string description;  // one line
  std::string source;       // where the numbers come from
};

// The preset's configuration (name left empty; the scenario sets it), or nullopt if unknown.
std::optional<ChannelConfig> channel_preset(std::string_view name);
const std::vector<PresetInfo>& channel_presets();

}  // namespace channels

#include "live/http_statements.h"

#include <memory>
#include <optional>

namespace live {

void HttpStatements::fetch(int64_t from_us, int64_t to_us, std::function<void(bool)> ready) {
  struct Pending {
    size_t left = 0;
    bool all = true;
    std::function<void(bool)> ready;
  };
  auto pending = std::make_shared<Pending>(Pending{channels_.size(), true, std::move(ready)});
  if (channels_.empty()) return pending->ready(false);
  for (HttpChannel* channel : channels_) {
    channel->download_statement(
        sim::Time::from_us(to_us),
        [this, pending, from_us, to_us](std::optional<std::vector<channels::StatementLine>> lines) {
          if (lines) {
            for (const channels::StatementLine& line : *lines) {
              latest_[{line.key.order, line.key.payment}] = line;
              unreported_[{line.key.order, line.key.payment}] = line;
            }
          } else {
            pending->all = false;
          }
          if (--pending->left > 0) return;
          if (pending->all) {
            window_ = {from_us, to_us};
            window_lines_.clear();
            for (const auto& [key, line] : unreported_) window_lines_.push_back(line);
            unreported_.clear();
          }
          pending->ready(pending->all);
        });
  }
}

std::vector<channels::StatementLine> HttpStatements::statement(int64_t from_us, int64_t to_us) {
  if (window_ != std::pair(from_us, to_us)) return {};
  return std::move(window_lines_);
}

std::vector<channels::StatementLine> HttpStatements::statement(channels::OrderId order) const {
  std::vector<channels::StatementLine> lines;
  for (auto it = latest_.lower_bound({order, 0}); it != latest_.end() && it->first.first == order;
       ++it) {
    lines.push_back(it->second);
  }
  return lines;
}

}  // namespace live

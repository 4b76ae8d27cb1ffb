// HttpStatements: the channels' statements (对账单) as serve-sut's reconciliation reads them —
// downloaded over each channel's merchant API (HttpChannel::download_statement) when a
// reconciliation run asks for a window, kept for the run, and remembered per payment so that an
// order's lines can be read again while it is put right.
//
// A window is ready when every channel's statement is in. When one channel's download fails the
// window is not ready (the run reconciles its pool alone and the next run asks again for a longer
// window); what the other channels answered is kept and handed to the next window that is ready,
// since those channels will not state those movements again.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "contracts/channel_api.h"
#include "live/http_channel.h"

namespace live {

class HttpStatements final : public channels::StatementSource {
 public:
  // REQUIRES: before any fetch; the channels outlive this.
  void set_channels(std::vector<HttpChannel*> channels) { channels_ = std::move(channels); }

  void fetch(int64_t from_us, int64_t to_us, std::function<void(bool)> ready) override;
  std::vector<channels::StatementLine> statement(int64_t from_us, int64_t to_us) override;
  std::vector<channels::StatementLine> statement(channels::OrderId order) const override;

 private:
  std::vector<HttpChannel*> channels_;
  // Lines downloaded and not yet handed to a ready window, the latest per payment.
  std::map<std::pair<channels::OrderId, channels::PaymentId>, channels::StatementLine> unreported_;
  // The last ready window and its lines, ordered by order then payment.
  std::pair<int64_t, int64_t> window_{-1, -1};
  std::vector<channels::StatementLine> window_lines_;
  // Every payment's latest line, by (order, payment).
  std::map<std::pair<channels::OrderId, channels::PaymentId>, channels::StatementLine> latest_;
};

}  // namespace live

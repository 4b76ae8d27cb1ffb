#include "live/metrics.h"

#include <array>

#include "live/channel_service.h"

namespace live {

std::vector<Counter> counters(const channels::ChannelStats& m, const NotifierStats& c,
                              const WalletStats& w, const ServerStats* http) {
  std::vector<Counter> list = {
      {"model", "creates", m.creates, "Create calls the merchant made"},
      {"model", "queries", m.queries, "Query calls the merchant made"},
      {"model", "queries_failed", m.queries_failed, "Queries answered with an error (fault)"},
      {"model", "queries_stale", m.queries_stale, "Queries answered pending although paid (fault)"},
      {"model", "closes", m.closes, "Close calls the merchant made"},
      {"model", "refunds", m.refunds, "Refund calls the merchant made"},
      {"model", "refunds_failed", m.refunds_failed, "Refund calls answered with an error"},
      {"model", "callbacks_sent", m.callbacks_sent, "Callback attempts that left the channel"},
      {"model", "callbacks_dropped", m.callbacks_dropped, "Callback attempts lost (fault)"},
      {"model", "callbacks_duplicated", m.callbacks_duplicated, "Extra copies delivered (fault)"},
      {"model", "callbacks_stale", m.callbacks_stale, "Stale pending notices delivered (fault)"},
      {"model", "callbacks_blocked", m.callbacks_blocked, "Callback attempts not sent (outage)"},
      {"model", "charges", m.charges, "Charges in the ledger, double charges included"},
      {"model", "double_charges", m.double_charges, "Payments charged twice (fault)"},
      {"model", "calls_during_outage", m.calls_during_outage, "Calls refused by an outage"},
      {"model", "pays_refused_closed", m.pays_refused_closed,
       "Wallet payments refused: the trade had expired or been closed"},
      {"callbacks", "sent", c.sent, "Callback POSTs to the notify URL"},
      {"callbacks", "acknowledged", c.acknowledged, "Answers that met the acknowledgement rule"},
      {"callbacks", "not_acknowledged", c.not_acknowledged, "Answers that did not meet the rule"},
      {"callbacks", "timeouts", c.timeouts, "POSTs unanswered within the deadline"},
      {"callbacks", "failures", c.failures, "POSTs that failed to connect or broke"},
      {"callbacks", "faulted_reset", c.faulted[0], "POSTs reset by the channel mid-request"},
      {"callbacks", "faulted_empty", c.faulted[1], "POSTs closed by the channel before a byte"},
      {"callbacks", "faulted_truncated", c.faulted[2], "POSTs cut off half-way (malformed)"},
      {"callbacks", "faulted_slow_body", c.faulted[3], "POSTs whose body trickled in"},
      {"wallet", "pays", w.pays, "Pay requests to the wallet endpoint"},
      {"wallet", "declines", w.declines, "Decline requests to the wallet endpoint"},
      {"wallet", "auto_pays", w.auto_pays, "Payments made by the scenario's users (--auto-pay)"},
      {"wallet", "auto_abandoned", w.auto_abandoned, "Trades whose user never pays (--auto-pay)"},
  };
  // security: what attacks were sent, and how many the merchant answered as acknowledged.
  static constexpr std::array<std::array<std::string_view, 2>, kAttackKinds> kSecurityNames = {{
      {"forged_signature_sent", "forged_signature_accepted"},
      {"replay_old_sent", "replay_old_accepted"},
      {"replay_same_event_sent", "replay_same_event_acknowledged"},
      {"tampered_amount_sent", "tampered_amount_accepted"},
      {"unknown_trade_sent", "unknown_trade_accepted"},
  }};
  for (size_t k = 0; k < kAttackKinds; ++k) {
    list.push_back(
        {"security", kSecurityNames[k][0], c.attacks_sent[k], "Attacks sent (live/attacks.h)"});
    list.push_back({"security", kSecurityNames[k][1], c.attacks_accepted[k],
                    "Attacks the merchant answered as an acknowledgement"});
  }
  if (http != nullptr) {
    list.insert(
        list.end(),
        {
            {"http", "connections_accepted", http->connections_accepted, "Connections accepted"},
            {"http", "connections_refused", http->connections_refused,
             "Connections over the limit"},
            {"http", "connections_open", http->connections_open, "Connections open now", true},
            {"http", "requests", http->requests, "Requests read"},
            {"http", "bad_requests", http->bad_requests, "Malformed or oversized requests"},
            {"http", "responses_reset", http->transport_faults[0], "Answers replaced by a reset"},
            {"http", "responses_empty", http->transport_faults[1], "Answers replaced by a close"},
            {"http", "responses_malformed", http->transport_faults[2],
             "Answers replaced by garbage"},
            {"http", "responses_slow", http->transport_faults[3], "Answers written slowly"},
        });
  }
  return list;
}

std::string prometheus_text(const std::vector<Counter>& counters, std::string_view channel) {
  std::string label(channel);
  for (char& c : label) {
    if (c == '"' || c == '\\' || c == '\n') c = '_';  // no escapes needed in a channel name
  }
  std::string out;
  for (const Counter& counter : counters) {
    const std::string name = "paysim_" + std::string(counter.group) + "_" +
                             std::string(counter.name) + (counter.gauge ? "" : "_total");
    out += "# HELP " + name + " " + std::string(counter.help) + "\n";
    out += "# TYPE " + name + (counter.gauge ? " gauge\n" : " counter\n");
    out += name + "{channel=\"" + label + "\"} " + std::to_string(counter.value) + "\n";
  }
  return out;
}

}  // namespace live

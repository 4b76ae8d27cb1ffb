#include "live/ack_rule.h"

namespace live {

bool AckRule::accepts(unsigned status, std::string_view body) const {
  if (only_200_or_204 ? status != 200 && status != 204
                      : status < min_status || status > max_status) {
    return false;
  }
  return exact_body.empty() || body == exact_body;
}

std::string AckRule::describe() const {
  std::string text = only_200_or_204 ? "HTTP 200 or 204" : "any HTTP 2xx";
  if (!exact_body.empty()) text += " with body exactly \"" + exact_body + "\"";
  return text + " within " + sim::format_duration(deadline);
}

AckRule ack_rule_for(const channels::ChannelConfig& channel) {
  AckRule rule;
  const std::string& preset = channel.preset;
  if (preset == "alipay-like") {
    rule.exact_body = "success";
    rule.source = "opendocs.alipay.com/open/270/105902 (body); deadline: judgement";
  } else if (preset == "wechat-pay-like") {
    rule.only_200_or_204 = true;
    rule.deadline = sim::Duration::seconds(5);
    rule.source = "pay.weixin.qq.com notify pages: reply within 5 s, HTTP 200/204";
  } else if (preset == "stripe-like") {
    rule.source = "docs.stripe.com/webhooks: any 2xx; deadline: judgement";
  } else if (preset == "adyen-like") {
    rule.source = "docs.adyen.com webhooks: 2xx within 10 s";
  } else {
    rule.source = "default: any 2xx; deadline: judgement";
  }
  return rule;
}

}  // namespace live

#include "system_under_test/payment_states.h"

#include "system_under_test/compensation.h"

namespace sut {

void PaymentStates::set(PaymentRecord& record, PaymentState to, Resolution how) {
  const PaymentState from = record.state;
  record.state = to;
  record.updated_at = runtime_.now();
  db_.note_state(record);
  if (is_terminal(to)) {
    db_.remove_pending(record.id);
    compensation_.on_resolved(record);
  }
  observer_.on_payment_state(record, from, how, runtime_.now());
}

}  // namespace sut

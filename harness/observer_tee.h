// ObserverTee: one SystemObserver that forwards every event to two, in order: the recorder first
// (it computes the report), then a tap (the trace, a test). The World uses it only when a tap is
// given, so an untapped run pays no extra virtual call.
#pragma once

#include "system_under_test/observer.h"

namespace harness {

class ObserverTee final : public sut::SystemObserver {
 public:
  // REQUIRES: both outlive the tee.
  ObserverTee(sut::SystemObserver& first, sut::SystemObserver& second)
      : first_(first), second_(second) {}

  void on_order_created(sut::OrderId order, sim::Time at) override {
    both(&SystemObserver::on_order_created, order, at);
  }
  void on_order_state(sut::OrderId order, sut::OrderState from, sut::OrderState to,
                      sut::Resolution how, sut::PaymentId payment, sim::Time at) override {
    both(&SystemObserver::on_order_state, order, from, to, how, payment, at);
  }
  void on_client_shown(sut::OrderId order, bool paid, sim::Time at) override {
    both(&SystemObserver::on_client_shown, order, paid, at);
  }
  void on_pay_clicked(sut::OrderId order, sim::Time at) override {
    both(&SystemObserver::on_pay_clicked, order, at);
  }
  void on_user_paid(sut::OrderId order, bool charged, sim::Time at) override {
    both(&SystemObserver::on_user_paid, order, charged, at);
  }
  void on_pay_refused(sut::OrderId order, sim::Time at) override {
    both(&SystemObserver::on_pay_refused, order, at);
  }
  void on_user_returned(sut::OrderId order, sim::Time at) override {
    both(&SystemObserver::on_user_returned, order, at);
  }
  void on_payment_created(const sut::PaymentRecord& record) override {
    both(&SystemObserver::on_payment_created, record);
  }
  void on_payment_state(const sut::PaymentRecord& record, sut::PaymentState from,
                        sut::Resolution how, sim::Time at) override {
    both(&SystemObserver::on_payment_state, record, from, how, at);
  }
  void on_refund_issued(const sut::PaymentRecord& record, sut::RefundReason reason,
                        int64_t amount_minor, sim::Time at) override {
    both(&SystemObserver::on_refund_issued, record, reason, amount_minor, at);
  }
  void on_refund_given_up(const sut::PaymentRecord& record, sut::RefundReason reason,
                          sim::Time at) override {
    both(&SystemObserver::on_refund_given_up, record, reason, at);
  }
  void on_compensation_exhausted(const sut::PaymentRecord& record, sim::Time at) override {
    both(&SystemObserver::on_compensation_exhausted, record, at);
  }
  void on_reconciliation_run(uint64_t orders_checked, sim::Time at) override {
    both(&SystemObserver::on_reconciliation_run, orders_checked, at);
  }
  void on_reconciliation_fix(sut::OrderId order, ReconciliationFix fix, sim::Time at) override {
    both(&SystemObserver::on_reconciliation_fix, order, fix, at);
  }
  void on_channel_query(uint32_t channel, sim::Time at) override {
    both(&SystemObserver::on_channel_query, channel, at);
  }
  void on_rows_scanned(uint64_t rows, sim::Time at) override {
    both(&SystemObserver::on_rows_scanned, rows, at);
  }
  void on_mq_message(sim::Time at) override { both(&SystemObserver::on_mq_message, at); }
  void on_dead_letter(sim::Time at) override { both(&SystemObserver::on_dead_letter, at); }
  void on_notify_attempt(sim::Time at) override { both(&SystemObserver::on_notify_attempt, at); }

 private:
  template <class Hook, class... Args>
  void both(Hook hook, const Args&... args) {
    (first_.*hook)(args...);
    (second_.*hook)(args...);
  }

  sut::SystemObserver& first_;
  sut::SystemObserver& second_;
};

}  // namespace harness

// Keyed random streams (SPEC section 7): every draw in the model comes from a stream named by
// (scenario seed, entity, purpose, index), never from one shared generator. Two streams with
// different keys are independent objects, so one order's draws can never shift another's, and every
// variant of a comparison sees the same users and the same faults (common random numbers).
//
// The generator is xoshiro256** (Blackman & Vigna); its state is derived from the four keys by
// chained splitmix64 finalizers on the first draw, so a stream costs about a dozen multiplies when
// used and nothing when not, and can be made per (order, purpose) on the hot path. Output is
// identical on every platform.
#pragma once

#include <cstdint>
#include <string_view>

namespace sim {

// Names a purpose at compile time: FNV-1a 64 of the name, e.g. sim::purpose("callback.drop").
constexpr uint64_t purpose(std::string_view name) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

namespace internal {
// The splitmix64 finalizer: a bijective 64-bit mix with full avalanche.
constexpr uint64_t mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace internal

class RandomStream {
 public:
  // The keys are combined in order (not symmetrically), so (entity=1, purpose=2) and
  // (entity=2, purpose=1) are different streams.
  //
  // Construction only records the keys; the generator state is derived on the first draw. Many
  // streams on the hot path are never drawn from (a fixed latency, a fault probability of 0), so
  // they cost nothing. A draw skipped by bernoulli(0) or bernoulli(1) before that point is counted
  // and replayed when the state is derived, so the sequence is exactly that of an eager stream.
  RandomStream(uint64_t seed, uint64_t entity, uint64_t purpose, uint64_t index = 0)
      : state_{seed, entity, purpose, index} {}

  uint64_t next_u64() {
    if (!seeded_) [[unlikely]]
      seed_state();
    return step();
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // True with probability p. Always consumes exactly one draw, whatever p is, so changing a
  // probability between variants does not shift the draws that follow in this stream.
  bool bernoulli(double p) {
    if (p <= 0.0 || p >= 1.0) {
      // The outcome does not depend on the draw: consume it without deriving the state.
      if (seeded_) {
        step();
      } else {
        ++skipped_;
      }
      return p >= 1.0;
    }
    return uniform01() < p;
  }

  // Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). REQUIRES: n > 0.
  uint64_t below(uint64_t n);

  // Standard normal N(0, 1) by Box-Muller; consumes exactly two draws.
  double normal();

 private:
  static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  // Replaces the recorded keys (seed, entity, purpose, index) by the xoshiro state derived from
  // them, then replays the draws skipped so far.
  void seed_state() {
    constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
    uint64_t key = internal::mix64(state_[0] + kGolden);
    key = internal::mix64(key ^ (state_[1] + 2 * kGolden));
    key = internal::mix64(key ^ (state_[2] + 3 * kGolden));
    key = internal::mix64(key ^ (state_[3] + 4 * kGolden));
    // Four consecutive splitmix64 outputs: distinct inputs give distinct outputs, so the state is
    // never all zero.
    for (uint64_t& word : state_) {
      key += kGolden;
      word = internal::mix64(key);
    }
    seeded_ = true;
    for (; skipped_ > 0; --skipped_) step();
  }

  // One xoshiro256** step. REQUIRES: seeded_.
  uint64_t step() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  uint64_t state_[4];  // the keys until seeded_, then the generator state
  uint32_t skipped_ = 0;
  bool seeded_ = false;
};

}  // namespace sim

#include "sim/random.h"

#include <cassert>
#include <cmath>
#include <numbers>

namespace sim {
namespace {
__extension__ typedef unsigned __int128 uint128;  // g++/clang builtin, for Lemire's method
}  // namespace

uint64_t RandomStream::below(uint64_t n) {
  assert(n > 0 && "RandomStream::below requires n > 0");
  if (n == 0) return 0;
  uint128 product = static_cast<uint128>(next_u64()) * n;
  uint64_t low = static_cast<uint64_t>(product);
  if (low < n) {
    // Reject the few products that would make small results more likely than large ones.
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      product = static_cast<uint128>(next_u64()) * n;
      low = static_cast<uint64_t>(product);
    }
  }
  return static_cast<uint64_t>(product >> 64);
}

double RandomStream::normal() {
  // 1 - u lies in (0, 1], so the logarithm is finite.
  const double u1 = 1.0 - uniform01();
  const double u2 = uniform01();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace sim

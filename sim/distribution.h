// Distribution: a random duration law, written by us so that samples are the same on every platform
// (std::*_distribution algorithms differ between standard libraries).
//
// A value type: copy it freely. Samples are rounded to whole microseconds and never negative.
// Each sample draws a fixed number of values from the stream (fixed: 0, uniform: 1 or rarely more
// (unbiased rejection), exponential: 1, lognormal: 2, empirical: 1), so a stream used for one
// purpose stays aligned across variants that change only the parameters.
// The constructors' REQUIRES are programmer errors (asserted); scenario loading must validate
// parameters first and report them as errors with file and line.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/random.h"
#include "sim/time.h"

namespace sim {

class Distribution {
 public:
  enum class Kind { kFixed, kUniform, kExponential, kLognormal, kEmpirical };
  using Knot = std::pair<Duration, double>;  // (value, cumulative probability)

  // Always `value`. REQUIRES: value >= 0.
  static Distribution fixed(Duration value);
  // Whole microseconds uniformly in [min, max], both included. REQUIRES: 0 <= min <= max.
  static Distribution uniform(Duration min, Duration max);
  // REQUIRES: mean > 0.
  static Distribution exponential(Duration mean);
  // median * exp(sigma * N(0,1)). REQUIRES: median > 0, sigma >= 0.
  static Distribution lognormal(Duration median, double sigma);
  // The CDF is piecewise linear through (0, 0) and the knots; sampling inverts it.
  // REQUIRES: validate_empirical(points) == nullopt.
  static Distribution empirical(std::vector<Knot> points);
  // Explains what is wrong with empirical knots, or nullopt if they are usable: at least one knot,
  // values >= 0 and strictly increasing, probabilities in [0, 1] and non-decreasing, last == 1.
  static std::optional<std::string> validate_empirical(const std::vector<Knot>& points);

  Distribution() = default;  // fixed(0)

  Duration sample(RandomStream& rng) const;
  Duration mean() const;  // analytic mean (rounded to whole microseconds)
  Kind kind() const { return kind_; }
  // E.g. "exponential(mean=20s)", "lognormal(median=3s, sigma=0.5)".
  std::string describe() const;

  // Parameters; each is meaningful only for the kinds named.
  Duration value() const { return a_; }                        // kFixed
  Duration min() const { return a_; }                          // kUniform
  Duration max() const { return b_; }                          // kUniform
  Duration mean_param() const { return a_; }                   // kExponential
  Duration median() const { return a_; }                       // kLognormal
  double sigma() const { return sigma_; }                      // kLognormal
  const std::vector<Knot>& points() const { return points_; }  // kEmpirical

  friend bool operator==(const Distribution&, const Distribution&) = default;

 private:
  Kind kind_ = Kind::kFixed;
  Duration a_;
  Duration b_;
  double sigma_ = 0.0;
  std::vector<Knot> points_;
};

}  // namespace sim

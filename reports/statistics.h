// Means and 95% confidence intervals across replications of a sweep point or compare variant.
//
// Contract: mean_interval(values) returns the arithmetic mean of the values and, when there are at
// least two, the two-sided 95% confidence interval for the mean: mean ± q · s / sqrt(n), with s the
// sample standard deviation and q the exact 97.5% quantile of Student's t with n - 1 degrees of
// freedom (Boost.Math), for every n. With one value there is no interval (low and high are
// nullopt): one replication says nothing about the spread. With no values the mean is 0 and n is
// 0: "nothing measured" (for instance a latency percentile of runs in which no order was paid).
// Deterministic: the values are summed in the order given.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace reports {

struct MeanInterval {
  std::size_t n = 0;
  double mean = 0.0;
  std::optional<double> low;  // 95% confidence interval, nullopt when n < 2
  std::optional<double> high;
};

MeanInterval mean_interval(const std::vector<double>& values);
// The same with a two-sided interval of `confidence` (0.5 < confidence < 1): the quantile is
// Student's t at (1 + confidence) / 2.
MeanInterval mean_interval(const std::vector<double>& values, double confidence);

// The 97.5% quantile of Student's t with `degrees_of_freedom` degrees of freedom, as
// mean_interval uses it. REQUIRES: degrees_of_freedom >= 1.
double t_quantile_975(std::size_t degrees_of_freedom);

}  // namespace reports

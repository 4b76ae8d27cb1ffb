// Means and 95% confidence intervals across replications of a sweep point.
//
// Contract: mean_interval(values) returns the arithmetic mean of the values and, when there are at
// least two, the two-sided 95% confidence interval for the mean: mean ± q · s / sqrt(n), with s the
// sample standard deviation and q the 97.5% quantile of Student's t with n - 1 degrees of freedom
// for n < 30 and of the normal distribution (1.96) for n >= 30. With one value there is no interval
// (low and high are nullopt): one replication says nothing about the spread. With no values the
// mean is 0 and n is 0. Deterministic: the values are summed in the order given.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace reports {

struct MeanInterval {
  std::size_t n = 0;
  double mean = 0.0;
  std::optional<double> low;   // 95% confidence interval, nullopt when n < 2
  std::optional<double> high;
};

MeanInterval mean_interval(const std::vector<double>& values);

// The 97.5% quantile of Student's t with `degrees_of_freedom` (>= 1) degrees of freedom for
// fewer than 29 of them, and 1.959964 (the normal quantile) from 29 on, as mean_interval uses.
double t_quantile_975(std::size_t degrees_of_freedom);

}  // namespace reports

#include "reports/statistics.h"

#include <boost/math/distributions/students_t.hpp>
#include <cassert>
#include <cmath>

namespace reports {

double t_quantile_975(std::size_t degrees_of_freedom) {
  assert(degrees_of_freedom >= 1);
  // The upper 2.5% point: the complement avoids the cancellation of quantile(dist, 0.975).
  const boost::math::students_t distribution(static_cast<double>(degrees_of_freedom));
  return boost::math::quantile(boost::math::complement(distribution, 0.025));
}

MeanInterval mean_interval(const std::vector<double>& values) {
  MeanInterval out;
  out.n = values.size();
  if (values.empty()) return out;
  double sum = 0.0;
  for (double v : values) sum += v;
  const double n = static_cast<double>(values.size());
  out.mean = sum / n;
  if (values.size() < 2) return out;
  double squares = 0.0;
  for (double v : values) squares += (v - out.mean) * (v - out.mean);
  const double standard_error = std::sqrt(squares / (n - 1.0)) / std::sqrt(n);
  const double half_width = t_quantile_975(values.size() - 1) * standard_error;
  out.low = out.mean - half_width;
  out.high = out.mean + half_width;
  return out;
}

}  // namespace reports

#include "reports/statistics.h"

#include <boost/math/distributions/students_t.hpp>
#include <cassert>
#include <cmath>

namespace reports {

namespace {
// The upper (1 - confidence) / 2 point: the complement avoids the cancellation of
// quantile(dist, 0.975).
double t_quantile(std::size_t degrees_of_freedom, double confidence) {
  assert(degrees_of_freedom >= 1 && confidence > 0.5 && confidence < 1.0);
  const boost::math::students_t distribution(static_cast<double>(degrees_of_freedom));
  return boost::math::quantile(boost::math::complement(distribution, (1.0 - confidence) / 2.0));
}
}  // namespace

double t_quantile_975(std::size_t degrees_of_freedom) {
  return t_quantile(degrees_of_freedom, 0.95);
}

MeanInterval mean_interval(const std::vector<double>& values) {
  return mean_interval(values, 0.95);
}

MeanInterval mean_interval(const std::vector<double>& values, double confidence) {
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
  const double half_width = t_quantile(values.size() - 1, confidence) * standard_error;
  out.low = out.mean - half_width;
  out.high = out.mean + half_width;
  return out;
}

}  // namespace reports

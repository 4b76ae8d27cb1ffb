#include "reports/statistics.h"

#include <array>
#include <cmath>

namespace reports {
namespace {

// Student's t, 97.5% quantile, for 1..28 degrees of freedom (standard tables, 6 significant digits).
constexpr std::array<double, 28> kT975 = {
    12.7062, 4.30265, 3.18245, 2.77645, 2.57058, 2.44691, 2.36462, 2.30600, 2.26216, 2.22814,
    2.20099, 2.17881, 2.16037, 2.14479, 2.13145, 2.11991, 2.10982, 2.10092, 2.09302, 2.08596,
    2.07961, 2.07387, 2.06866, 2.06390, 2.05954, 2.05553, 2.05183, 2.04841};
constexpr double kNormal975 = 1.959964;

}  // namespace

double t_quantile_975(std::size_t degrees_of_freedom) {
  if (degrees_of_freedom == 0) return kT975[0];
  if (degrees_of_freedom <= kT975.size()) return kT975[degrees_of_freedom - 1];
  return kNormal975;
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

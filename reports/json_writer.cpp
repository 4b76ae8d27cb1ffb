#include "reports/json_writer.h"

#include <nlohmann/json.hpp>

namespace reports {

std::string render_json(const Report& report, bool include_histograms) {
  std::string text = to_json(report, include_histograms).dump(2);
  text += '\n';
  return text;
}

}  // namespace reports

// libFuzzer target: reading a report back from JSON (what `paysim merge` does with sweep parts),
// on arbitrary bytes: malformed JSON or a report of the wrong shape is an error value, never a
// crash or an exception. A report that reads back writes JSON that reads back the same.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "reports/report.h"
#include "reports/report_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::ordered_json j =
      nlohmann::ordered_json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  std::string error;
  const std::optional<reports::Report> report = reports::report_from_json(j, &error);
  if (!report) {
    if (error.empty()) __builtin_trap();
    return 0;
  }
  const nlohmann::ordered_json again = reports::to_json(*report, /*include_histograms=*/true);
  std::string error_again;
  const std::optional<reports::Report> back = reports::report_from_json(again, &error_again);
  if (!back || reports::to_json(*back, true) != again) __builtin_trap();
  return 0;
}

// The scenario JSON Schema, scenarios/schema/scenario.schema.json, as built into the binary so
// that `paysim schema` prints it wherever paysim runs. CMake writes its definition from the file
// (harness/CMakeLists.txt), so the text is the file's, byte for byte, as of the build.
#pragma once

#include <string_view>

namespace harness::internal {

std::string_view scenario_schema_text();

}  // namespace harness::internal

// `live:`: settings that only live mode reads (paysim serve-channel); the simulator ignores them.
#include <filesystem>

#include "harness/internal/scenario_decode.h"
#include "harness/internal/value_readers.h"
#include "harness/signing_secret.h"

namespace harness::internal {
namespace {

// A relative path written in the scenario file is relative to that file's folder, so a scenario
// and its secret can move together; one given with --set is relative to the working directory.
std::string resolve_path(const Decoder& d, const Cursor& at, const std::string& path) {
  const std::filesystem::path written(path);
  const bool from_file = at.origin == nullptr || at.origin->file == d.file_origin().file;
  if (written.is_absolute() || !from_file) return path;
  return (std::filesystem::path(d.file_origin().file).parent_path() / written).string();
}

}  // namespace

void decode_live(Decoder& d, const Cursor& at, LiveConfig& out) {
  MapReader reader(d, at);
  if (std::optional<Cursor> file_at = reader.get("signing_secret_file")) {
    const std::optional<std::string> written = decode_string(d, *file_at);
    if (!written) return;
    const std::string path = resolve_path(d, *file_at, *written);
    std::string problem;
    if (!read_signing_secret(path, &problem)) {
      d.error(*file_at, "the signing secret file: " + problem +
                            " (a relative path is relative to the scenario file)");
      return;
    }
    out.signing_secret_file = path;
  }
}

}  // namespace harness::internal

#include "reports/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace reports {
namespace {

// Bounds the attempts to find an unused temporary name (another writer may hold one).
constexpr int kMaxTempNameAttempts = 100;

std::atomic<int> g_failure_step{0};
std::atomic<unsigned> g_temp_counter{0};

// True when the fault injection says this step fails; counts the step down otherwise.
bool injected_failure() {
  int step = g_failure_step.load();
  if (step <= 0) return false;
  g_failure_step.store(step - 1);
  if (step == 1) {
    errno = EIO;
    return true;
  }
  return false;
}

bool fail(std::string* error, std::string_view step, const std::filesystem::path& path,
          int error_number) {
  if (error != nullptr) {
    *error = std::string(step) + " " + path.string() + ": " + std::strerror(error_number);
  }
  return false;
}

// Writes all of contents to fd, retrying short writes and EINTR.
bool write_all(int fd, std::string_view contents) {
  while (!contents.empty()) {
    if (injected_failure()) return false;
    const ssize_t written = ::write(fd, contents.data(), contents.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    contents.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

// fsync of the directory makes the rename itself durable. Best effort: some file systems refuse
// to open or sync directories, and the data is already safe in the renamed file.
void sync_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

bool write_file_atomically(const std::filesystem::path& path, std::string_view contents,
                           std::string* error) {
  if (path.filename().empty()) return fail(error, "write", path, EISDIR);
  const std::filesystem::path directory =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");

  std::error_code ec;
  if (injected_failure()) return fail(error, "create directories", directory, errno);
  std::filesystem::create_directories(directory, ec);
  if (ec) return fail(error, "create directories", directory, ec.value());

  std::filesystem::path temp;
  int fd = -1;
  // fmt, not "." + string: g++ 12 warns falsely (-Wrestrict) on a literal plus a string at -O3.
  const std::string hidden = fmt::format(".{}", path.filename().string());
  if (injected_failure()) return fail(error, "create", directory / hidden, errno);
  for (int attempt = 0; attempt < kMaxTempNameAttempts && fd < 0; ++attempt) {
    temp = directory / fmt::format("{}.tmp-{}-{}", hidden, ::getpid(), g_temp_counter.fetch_add(1));
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) return fail(error, "create", temp, errno);

  // From here on every failure removes the temporary file before returning.
  auto abandon = [&](std::string_view step) {
    const int saved = errno;
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    return fail(error, step, temp, saved);
  };
  if (!write_all(fd, contents)) return abandon("write");
  if (injected_failure() || ::fsync(fd) != 0) return abandon("fsync");
  const bool close_failed = injected_failure() || ::close(fd) != 0;
  fd = -1;
  if (close_failed) return abandon("close");
  if (injected_failure() || ::rename(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    return fail(error, "rename to", path, saved);
  }
  sync_directory(directory);
  return true;
}

namespace internal {

void set_atomic_write_failure_step(int step) { g_failure_step.store(step); }

}  // namespace internal
}  // namespace reports

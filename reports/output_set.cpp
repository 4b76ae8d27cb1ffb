#include "reports/output_set.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>
#include <set>
#include <string_view>

#include "reports/atomic_file.h"

namespace reports {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kStagingTag = ".paysim-staging-";
constexpr std::string_view kTempTag = ".tmp-";  // write_file_atomically's temporary files

std::atomic<unsigned> g_staging_counter{0};

bool fail(std::string* error, const fs::path& path, std::string_view reason) {
  if (error != nullptr) *error = path.string() + ": " + std::string(reason);
  return false;
}

// The pid written after `tag` in a name "...<tag><pid>-<n>", if there is one.
std::optional<pid_t> pid_after(std::string_view name, std::string_view tag) {
  const size_t at = name.rfind(tag);
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view rest = name.substr(at + tag.size());
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
  if (ec != std::errc() || end == rest.data() || end == rest.data() + rest.size() || *end != '-')
    return std::nullopt;
  return pid;
}

// Whether `name` is paysim's own leftover (a staging directory or a temporary file) whose
// process no longer runs.
bool is_stale(const std::string& name, std::string_view tag) {
  if (name.empty() || name.front() != '.') return false;
  const std::optional<pid_t> pid = pid_after(name, tag);
  return pid && *pid > 0 && ::kill(*pid, 0) != 0 && errno == ESRCH;
}

// Removes the staging directories named `staging_prefix`<pid>-<n> in `dir` whose writer is gone.
void remove_stale_staging(const fs::path& dir, const std::string& staging_prefix) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, staging_prefix.size(), staging_prefix) == 0 && is_stale(name, kStagingTag))
      stale.push_back(it->path());
  }
  for (const fs::path& path : stale) fs::remove_all(path, ec);
}

// Removes the temporary files a killed write_file_atomically left beside the files of the set
// (".<name>.tmp-<pid>-<n>"); nothing else in `dir` is touched.
void remove_stale_temp_files(const fs::path& dir, const OutputFiles& files) {
  std::error_code ec;
  std::set<fs::path> folders;
  for (const auto& [name, contents] : files) folders.insert((dir / name).parent_path());
  for (const fs::path& folder : folders) {
    std::vector<fs::path> stale;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (!is_stale(name, kTempTag)) continue;
      for (const auto& [file, contents] : files) {
        const std::string prefix =
            fmt::format(".{}{}", fs::path(file).filename().string(), kTempTag);
        if ((dir / file).parent_path() == folder && name.compare(0, prefix.size(), prefix) == 0)
          stale.push_back(it->path());
      }
    }
    for (const fs::path& path : stale) fs::remove(path, ec);
  }
}

void sync_directory(const fs::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Hard-links every entry of `old_dir` that the new set does not replace into `staging` (same
// relative path), so that exchanging the directories keeps them. Records what it linked in
// `carried`. False when something cannot be carried (a directory of someone else's, a file
// system without hard links): then the set is put in place file by file instead.
bool carry_over(const fs::path& old_dir, const fs::path& staging, const fs::path& relative,
                std::set<fs::path>& carried) {
  std::error_code ec;
  for (fs::directory_iterator it(old_dir / relative, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path entry = relative / it->path().filename();
    const fs::file_status status = it->symlink_status(ec);
    if (ec) return false;
    const fs::file_status staged = fs::symlink_status(staging / entry, ec);
    if (fs::is_directory(status)) {
      // A directory the set writes into: keep what else is in it. Anything else: not ours.
      if (!fs::is_directory(staged) || !carry_over(old_dir, staging, entry, carried)) return false;
      continue;
    }
    if (fs::exists(staged)) continue;  // the new set replaces it
    if (::link((old_dir / entry).c_str(), (staging / entry).c_str()) != 0) return false;
    carried.insert(entry);
  }
  return !ec;
}

// Moves into `dir` whatever appeared in the old directory (now at `old_dir`) after carry_over
// looked at it, so a file someone wrote there meanwhile is kept; then removes the old directory.
void retire_old(const fs::path& old_dir, const fs::path& dir, const fs::path& relative,
                const std::set<fs::path>& carried, const OutputFiles& files) {
  std::error_code ec;
  for (fs::directory_iterator it(old_dir / relative, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path entry = relative / it->path().filename();
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      retire_old(old_dir, dir, entry, carried, files);
      continue;
    }
    bool replaced = carried.count(entry) > 0;
    for (const auto& [name, contents] : files) replaced = replaced || fs::path(name) == entry;
    if (replaced) continue;
    if (!fs::exists(fs::symlink_status(dir / entry, ec))) {
      std::error_code ignored;
      fs::rename(old_dir / entry, dir / entry, ignored);
    }
  }
  if (relative.empty()) fs::remove_all(old_dir, ec);
}

// Renames each staged file into `dir`: every file whole, the set not atomic.
bool move_one_by_one(const fs::path& staging, const fs::path& dir, const OutputFiles& files,
                     std::string* error) {
  std::error_code ec;
  for (const auto& [name, contents] : files) {
    const fs::path target = dir / name;
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      const std::string reason = ec.message();
      fs::remove_all(staging, ec);
      return fail(error, target.parent_path(), reason);
    }
    if (::rename((staging / name).c_str(), target.c_str()) != 0) {
      const int saved = errno;
      fs::remove_all(staging, ec);
      return fail(error, target, std::strerror(saved));
    }
  }
  fs::remove_all(staging, ec);
  sync_directory(dir);
  return true;
}

// Checks, before anything is written, what would make a later file of the set fail.
bool preflight(const fs::path& dir, const OutputFiles& files, std::string* error) {
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (fs::exists(status) && !fs::is_directory(status))
    return fail(error, dir, "exists and is not a directory");
  for (const auto& [name, contents] : files) {
    const fs::path relative(name);
    const bool escapes = std::any_of(relative.begin(), relative.end(),
                                     [](const fs::path& part) { return part == ".."; });
    if (relative.is_absolute() || relative.empty() || escapes)
      return fail(error, dir / name, "not a file name inside the output directory");
    for (fs::path at = dir / relative; at != dir && !at.empty(); at = at.parent_path()) {
      const fs::file_status found = fs::status(at, ec);
      if (!fs::exists(found)) continue;
      const bool must_be_directory = at != dir / relative;
      if (must_be_directory && !fs::is_directory(found))
        return fail(error, at, "exists and is not a directory");
      if (!must_be_directory && fs::is_directory(found)) return fail(error, at, "is a directory");
    }
  }
  return true;
}

// Whether `dir` may be swapped as a whole: it has a name of its own, is not a symbolic link
// (exchanging would replace the link), and is neither the working directory nor above it.
bool can_exchange(const fs::path& dir) {
  std::error_code ec;
  if (dir.filename().empty() || dir == dir.root_path()) return false;
  if (fs::is_symlink(fs::symlink_status(dir, ec))) return false;
  const fs::path cwd = fs::weakly_canonical(fs::current_path(ec), ec);
  const fs::path target = fs::weakly_canonical(dir, ec);
  const auto [stop, unused] = std::mismatch(target.begin(), target.end(), cwd.begin(), cwd.end());
  return stop != target.end();  // not a prefix of the working directory
}

}  // namespace

bool write_output_set(const fs::path& dir_in, const OutputFiles& files, std::string* error) {
  std::error_code ec;
  fs::path dir = fs::absolute(dir_in, ec).lexically_normal();
  if (dir.has_parent_path() && dir.filename().empty()) dir = dir.parent_path();  // "out/"
  if (!preflight(dir, files, error)) return false;

  const fs::path parent = dir.parent_path();
  const std::string staging_prefix = fmt::format(".{}{}", dir.filename().string(), kStagingTag);
  remove_stale_staging(parent, staging_prefix);
  if (fs::is_directory(dir, ec)) {
    remove_stale_staging(dir, std::string(kStagingTag));
    remove_stale_temp_files(dir, files);
  }

  // Stage beside the directory, so the set can be swapped in; inside it when the parent is not
  // writable (or `dir` is `/`).
  const bool exchange = can_exchange(dir);
  const std::string unique = fmt::format("{}-{}", ::getpid(), g_staging_counter.fetch_add(1));
  fs::path staging = parent / (staging_prefix + unique);
  if (!exchange || ::mkdir(staging.c_str(), 0777) != 0) {
    fs::create_directories(dir, ec);
    if (ec) return fail(error, dir, ec.message());
    staging = dir / (std::string(kStagingTag) + unique);
    if (::mkdir(staging.c_str(), 0777) != 0) return fail(error, staging, std::strerror(errno));
  }
  for (const auto& [name, contents] : files) {
    if (!write_file_atomically(staging / name, contents, error)) {
      fs::remove_all(staging, ec);
      return false;
    }
  }
  if (staging.parent_path() == dir) return move_one_by_one(staging, dir, files, error);

  if (!fs::exists(fs::symlink_status(dir, ec))) {
    if (::rename(staging.c_str(), dir.c_str()) == 0) {
      sync_directory(parent);
      return true;
    }
    return move_one_by_one(staging, dir, files, error);  // created meanwhile
  }
  std::set<fs::path> carried;
  if (!carry_over(dir, staging, fs::path(), carried) ||
      ::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) != 0) {
    // Undo the links (the originals stay where they are), then put the files in one by one.
    for (const fs::path& entry : carried) fs::remove(staging / entry, ec);
    return move_one_by_one(staging, dir, files, error);
  }
  sync_directory(parent);
  retire_old(staging, dir, fs::path(), carried, files);  // `staging` now holds the old set
  return true;
}

}  // namespace reports

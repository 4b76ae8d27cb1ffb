// Whole-or-nothing writes of a command's set of output files (SPEC section 5: "reports are
// written whole or not at all", for the set as much as for each file).
//
// write_output_set renders nothing itself: it takes every file's bytes and
//   1. checks that nothing in the way can make a later file fail (the directory is a file, a
//      target is a directory) before anything is written;
//   2. writes every file into a fresh staging directory beside `dir`
//      (`.<dir>.paysim-staging-<pid>-<n>`), each file fsynced;
//   3. puts the set in place in one step: a new `dir` is the staging directory renamed; an
//      existing one is exchanged with it (renameat2 RENAME_EXCHANGE), after the files of `dir`
//      that are not part of the set were hard-linked into the staging directory so they stay.
// A reader, or a kill -9 at any moment, therefore sees the old set or the new set, never a mix,
// and a failure leaves `dir` as it was. Where one step is impossible (`dir` is `.` or a mount
// point, it holds a subdirectory that is not part of the set, or the file system cannot exchange),
// the staged files are renamed into `dir` one by one after all of them are complete: each file is
// still whole, the set is not atomic against a kill in that short window.
//
// Staging directories and temporary files left by a process that was killed (their pid is no
// longer running) are removed by the next write to the same place.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace reports {

// (path relative to the output directory, contents); paths may name one subdirectory level or
// more ("variant-a/report.json"), never "..".
using OutputFiles = std::vector<std::pair<std::string, std::string>>;

// Returns false, with a message naming the path and the reason in `*error`, when the set cannot
// be written; `dir` is then unchanged and no staging directory is left.
bool write_output_set(const std::filesystem::path& dir, const OutputFiles& files,
                      std::string* error);

}  // namespace reports

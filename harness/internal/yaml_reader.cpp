#include "harness/internal/yaml_reader.h"

#include <algorithm>

namespace harness::internal {

Decoder::Decoder(Origin file_origin, std::vector<ScenarioError>* errors)
    : file_origin_(std::move(file_origin)), errors_(errors) {}

void Decoder::add_origin(const YAML::Node& node, Origin origin) {
  origins_.emplace_back(node, std::move(origin));
}

Cursor Decoder::root(const YAML::Node& document) {
  root_.reset(document);
  Cursor root{document, "", &file_origin_};
  return child(root, document, "");
}

Cursor Decoder::child(const Cursor& parent, const YAML::Node& node, std::string path) const {
  Cursor cursor{node, std::move(path), parent.origin};
  // Search newest first: a --set applied inside a variant's value overrides the variant.
  for (auto it = origins_.rbegin(); it != origins_.rend(); ++it) {
    if (node && it->first && node.is(it->first)) {
      cursor.origin = &it->second;
      break;
    }
  }
  return cursor;
}

void Decoder::error(const Cursor& at, std::string message) {
  error_at(at, at.node, std::move(message));
}

void Decoder::error_at(const Cursor& at, const YAML::Node& mark_node, std::string message) {
  const Origin& origin = at.origin ? *at.origin : file_origin_;
  ScenarioError error;
  error.file = origin.file;
  if (origin.use_marks) {
    YAML::Mark mark = mark_node ? mark_node.Mark() : YAML::Mark::null_mark();
    if (mark.line < 0 || mark.column < 0) mark = origin.written_at;
    const bool at_root = mark_node && root_ && mark_node.is(root_);
    if ((mark.line < 0 || mark.column < 0) && at_root && &origin == &file_origin_) {
      mark.line = 0;  // the whole document: its first line
      mark.column = 0;
    }
    if (mark.line >= 0 && mark.column >= 0) {
      error.line = mark.line + 1;
      error.column = mark.column + 1;
    }
  }
  error.key_path = at.path;
  error.message = std::move(message) + origin.note;
  errors_->push_back(std::move(error));
}

namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  // A typo is a few edits; anything further is a different word and a guess would mislead.
  size_t limit = std::max<size_t>(2, word.size() / 3);
  const std::string* best = nullptr;
  size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = &candidate;
    }
  }
  if (!best && word.size() >= 3) {
    // "alipay" for "alipay-like": a prefix is as good a hint as a typo.
    for (const std::string& candidate : candidates) {
      if (candidate.size() > word.size() && candidate.compare(0, word.size(), word) == 0) {
        best = &candidate;
        break;
      }
    }
  }
  return best ? " (did you mean '" + *best + "'?)" : "";
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) {
    if (!out.empty()) out += ", ";
    out += word;
  }
  return out;
}

std::string describe(const YAML::Node& node) {
  if (!node || node.IsNull()) return "null";
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  return "'" + node.Scalar() + "'";
}

MapReader::MapReader(Decoder& decoder, const Cursor& map) : decoder_(decoder), map_(map) {
  if (!map.node || map.node.IsNull()) return;
  if (!map.node.IsMap()) {
    decoder_.error(map_, "expected a map, got " + describe(map.node));
    return;
  }
  is_map_ = true;
  for (const auto& kv : map.node) {
    Entry entry{"", kv.first, kv.second, false};
    if (kv.first.IsScalar()) {
      entry.key = kv.first.Scalar();
    } else {
      Cursor key_cursor = decoder_.child(map_, kv.first, map_.path);
      decoder_.error(key_cursor, "keys must be plain names, got " + describe(kv.first));
      continue;
    }
    bool duplicate = std::any_of(entries_.begin(), entries_.end(),
                                 [&](const Entry& other) { return other.key == entry.key; });
    if (duplicate) {
      Cursor key_cursor = decoder_.child(
          map_, kv.first, map_.path.empty() ? entry.key : map_.path + "." + entry.key);
      decoder_.error(key_cursor, "duplicate key '" + entry.key + "'");
      continue;
    }
    entries_.push_back(std::move(entry));
  }
}

MapReader::~MapReader() {
  for (const Entry& entry : entries_) {
    if (entry.known) continue;
    std::string path = map_.path.empty() ? entry.key : map_.path + "." + entry.key;
    Cursor key_cursor = decoder_.child(map_, entry.value, std::move(path));
    std::string message = "unknown key '" + entry.key + "'" + did_you_mean(entry.key, allowed_);
    message += "; allowed keys: " + join(allowed_);
    decoder_.error_at(key_cursor, entry.key_node, std::move(message));
  }
}

bool MapReader::has(std::string_view key) {
  allowed_.emplace_back(key);
  for (Entry& entry : entries_) {
    if (entry.key == key) {
      entry.known = true;
      return true;
    }
  }
  return false;
}

std::optional<Cursor> MapReader::get(std::string_view key) {
  allowed_.emplace_back(key);
  for (Entry& entry : entries_) {
    if (entry.key != key) continue;
    entry.known = true;
    if (!entry.value || entry.value.IsNull()) return std::nullopt;
    std::string path = map_.path.empty() ? entry.key : map_.path + "." + entry.key;
    return decoder_.child(map_, entry.value, std::move(path));
  }
  return std::nullopt;
}

}  // namespace harness::internal

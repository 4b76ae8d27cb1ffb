// The machinery the scenario decoders share: where a YAML node came from, how errors are
// recorded, and a reader for one YAML map that reports unknown and duplicate keys.
//
// Internal to harness/; nothing here is part of the loader's API. Nothing here throws: every
// yaml-cpp call that could throw is made on nodes known to be valid, and the loader's entry
// points catch whatever slips through.
#pragma once

#include <yaml-cpp/yaml.h>

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/scenario_loader.h"

namespace harness::internal {

// Where a subtree of the document came from. The file itself is one origin; each value put in
// by --set, a variant or a sweep is another, so its errors point at the right place.
struct Origin {
  std::string file;       // error location: the file path, or "--set"
  bool use_marks = true;  // node marks are positions in `file` (false for --set text)
  std::string note;       // appended to every message, e.g. " (set by variants[fast])"
  // Where the override was written (a variant's `set` key, a sweep axis). Applying a dotted key
  // creates the missing maps and keys along its path; those have no position of their own, so
  // their errors (an unknown key) are reported here.
  YAML::Mark written_at = YAML::Mark::null_mark();
};

// A node being decoded, with its key path and origin. `path` is dotted: system.notify.mq_retry,
// channels[wallet_a].callback.retries[2].
struct Cursor {
  YAML::Node node;
  std::string path;
  const Origin* origin = nullptr;
};

// Records errors and resolves origins. One per decoding pass.
class Decoder {
 public:
  Decoder(Origin file_origin, std::vector<ScenarioError>* errors);

  // Registers `node` (shared with the document) as the root of a subtree that came from
  // somewhere other than the file. Later registrations win for nested subtrees.
  void add_origin(const YAML::Node& node, Origin origin);

  Cursor root(const YAML::Node& document);
  // The cursor for `node`, a child of `parent` reached by `path`.
  Cursor child(const Cursor& parent, const YAML::Node& node, std::string path) const;

  // Reports a problem with the value at `at`.
  void error(const Cursor& at, std::string message);
  // Reports a problem located at `mark_node` (for instance a key), with `at`'s origin and path.
  void error_at(const Cursor& at, const YAML::Node& mark_node, std::string message);

  size_t error_count() const { return errors_->size(); }
  const Origin& file_origin() const { return file_origin_; }

 private:
  Origin file_origin_;
  // The document's root as root() last saw it. A root that overrides built (a --set on an
  // empty file) has no position; errors about it point at the start of the file.
  YAML::Node root_;
  std::deque<std::pair<YAML::Node, Origin>> origins_;  // deque: Origin addresses stay stable
  std::vector<ScenarioError>* errors_;
};

// " (did you mean 'x'?)" for the candidate nearest to `word` by edit distance, or "" when
// nothing is close enough to be a plausible typo.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);
// "a, b, c"
std::string join(const std::vector<std::string>& words);
// A short description of a node for messages: "'text'", "a map", "a sequence", "null".
std::string describe(const YAML::Node& node);

// Reads one YAML map. Keys asked for through get() are the allowed keys at this level; when the
// reader is destroyed, every other key is reported as unknown, with a suggestion. A null node is
// an empty map (so `callback:` with nothing after it means "all defaults"); any other non-map
// is reported once and reads as empty.
class MapReader {
 public:
  MapReader(Decoder& decoder, const Cursor& map);
  ~MapReader();
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  bool is_map() const { return is_map_; }
  const Cursor& cursor() const { return map_; }
  Decoder& decoder() { return decoder_; }

  // The value under `key`, or nullopt when absent or null (null means "the default").
  std::optional<Cursor> get(std::string_view key);
  // Whether `key` is present (even if null); marks it known.
  bool has(std::string_view key);

  // Decodes the value under `key` with `decode(Decoder&, const Cursor&) -> std::optional<T>`
  // and stores it in `out`; leaves `out` unchanged when the key is absent or the value is bad
  // (the decoder has then reported it). Returns whether `out` was assigned.
  template <class T, class Decode>
  bool read(std::string_view key, T& out, Decode&& decode) {
    std::optional<Cursor> at = get(key);
    if (!at) return false;
    auto value = decode(decoder_, *at);
    if (!value) return false;
    out = std::move(*value);
    return true;
  }

 private:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
    bool known = false;
  };

  Decoder& decoder_;
  Cursor map_;
  bool is_map_ = false;
  std::vector<Entry> entries_;
  std::vector<std::string> allowed_;
};

// Calls `each(const Cursor& item)` for every element of a sequence, with paths `base[i]`;
// reports a non-sequence (null reads as empty). Returns the number of elements.
template <class Each>
size_t for_each_item(Decoder& decoder, const Cursor& seq, Each&& each) {
  if (!seq.node || seq.node.IsNull()) return 0;
  if (!seq.node.IsSequence()) {
    decoder.error(seq, "expected a list, got " + describe(seq.node));
    return 0;
  }
  size_t index = 0;
  for (const YAML::Node& item : seq.node) {
    each(decoder.child(seq, item, seq.path + "[" + std::to_string(index) + "]"));
    ++index;
  }
  return index;
}

}  // namespace harness::internal

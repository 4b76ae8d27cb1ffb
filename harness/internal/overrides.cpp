#include "harness/internal/overrides.h"

#include <charconv>

#include "harness/internal/moved_keys.h"

namespace harness::internal {
namespace {

std::string join_path(const std::vector<std::string>& segments, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) {
    if (!out.empty()) out += '.';
    out += segments[i];
  }
  return out;
}

// Maps whose keys are dotted names themselves: the rest of the path is one key.
bool is_dotted_key_map(const std::vector<std::string>& consumed) {
  if (consumed.size() == 1) return consumed[0] == "expect" || consumed[0] == "sweep";
  return consumed.size() == 3 && consumed[0] == "variants" && consumed[2] == "set";
}

// The keys of the maps to create for segments[begin..] under a map reached by `consumed`: one
// per segment, except that below a dotted-key map (`expect:` absent from the file) the rest of
// the path is one key.
std::vector<std::string> keys_to_create(const std::vector<std::string>& segments, size_t begin,
                                        std::vector<std::string> consumed) {
  std::vector<std::string> keys;
  for (size_t k = begin; k < segments.size(); ++k) {
    if (is_dotted_key_map(consumed)) {
      keys.push_back(join_path(segments, k, segments.size()));
      break;
    }
    keys.push_back(segments[k]);
    consumed.push_back(segments[k]);
  }
  return keys;
}

bool has_scalar_key(const YAML::Node& map, const std::string& key) {
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return true;
  }
  return false;
}

std::optional<size_t> parse_index(const std::string& text) {
  size_t index = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return index;
}

// The position of the list entry named `name` (its `name:` key), or by index.
std::optional<size_t> find_entry(const YAML::Node& list, const std::string& segment,
                                 const std::string& list_path, std::string* error) {
  std::vector<std::string> names;
  size_t position = 0;
  for (const YAML::Node& item : list) {
    if (item.IsMap()) {
      for (const auto& kv : item) {
        if (kv.first.IsScalar() && kv.first.Scalar() == "name" && kv.second.IsScalar()) {
          if (kv.second.Scalar() == segment) return position;
          names.push_back(kv.second.Scalar());
        }
      }
    }
    ++position;
  }
  if (std::optional<size_t> index = parse_index(segment)) {
    if (*index < list.size()) return index;
    *error = "index " + segment + " is out of range: " + list_path + " has " +
             std::to_string(list.size()) + " entries";
    return std::nullopt;
  }
  std::string known;
  for (const std::string& name : names) known += (known.empty() ? "" : ", ") + name;
  std::string what = list_path == "channels" ? "no channel named '" + segment + "'"
                                             : "no entry named '" + segment + "' in " + list_path;
  *error = what + (known.empty() ? "" : "; known: " + known);
  return std::nullopt;
}

// Makes `fresh` (a node just created, in memory of its own) live in `document`'s memory. yaml-cpp
// merges the memory of the right-hand node into the left-hand one on every assignment, so a
// fresh node that took a document node would copy the set of all the document's nodes: per
// override, that is the cost of the whole file. The const lookup merges the other way and
// changes nothing.
void adopt(const YAML::Node& document, const YAML::Node& fresh) { (void)document[fresh]; }

// A new map or list whose entries refer to the same nodes as `node`'s: writing an entry of the
// copy rebinds that entry only. Scalars and nulls are returned as they are.
YAML::Node shallow_copy(const YAML::Node& node) {
  if (node.IsMap()) {
    YAML::Node copy(YAML::NodeType::Map);
    adopt(node, copy);
    for (const auto& kv : node) copy[kv.first] = kv.second;
    return copy;
  }
  if (node.IsSequence()) {
    YAML::Node copy(YAML::NodeType::Sequence);
    adopt(node, copy);
    for (size_t i = 0; i < node.size(); ++i) {
      copy.push_back(YAML::Node(YAML::NodeType::Null));
      copy[i] = node[i];
    }
    return copy;
  }
  return node;
}

}  // namespace

std::optional<std::vector<std::string>> split_key_path(std::string_view key, std::string* error) {
  // "a[b].c[d]" reads as "a.b.c.d": brackets are another way to write a segment.
  std::string dotted;
  int depth = 0;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c == '[') {
      ++depth;
      dotted += '.';
    } else if (c == ']') {
      --depth;
      bool next_ok = i + 1 == key.size() || key[i + 1] == '.' || key[i + 1] == '[';
      if (!next_ok) depth = -1;
      if (i + 1 < key.size() && key[i + 1] == '.') ++i;
      if (i + 1 < key.size()) dotted += '.';
    } else {
      dotted += c;
    }
    if (depth < 0 || depth > 1) break;
  }
  if (depth != 0) {
    *error = "malformed key path '" + std::string(key) + "'";
    return std::nullopt;
  }
  std::vector<std::string> segments;
  size_t start = 0;
  while (true) {
    size_t dot = dotted.find('.', start);
    std::string segment =
        dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (segment.empty()) {
      *error =
          key.empty() ? "empty key path" : "empty segment in key path '" + std::string(key) + "'";
      return std::nullopt;
    }
    segments.push_back(std::move(segment));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return segments;
}

std::optional<YAML::Node> apply_override(YAML::Node& document, std::string_view key,
                                         const YAML::Node& value, std::string* error,
                                         bool unshare) {
  std::optional<std::vector<std::string>> segments = split_key_path(key, error);
  if (!segments) return std::nullopt;
  rewrite_moved_path(*segments);
  if (!document || document.IsNull()) document.reset(YAML::Node(YAML::NodeType::Map));
  if (unshare) document.reset(shallow_copy(document));
  // Descends into `parent`'s entry `next`; with `unshare`, into a copy put in its place.
  auto descend = [unshare](YAML::Node& parent, YAML::Node next, auto&& entry) {
    if (unshare && (next.IsMap() || next.IsSequence())) {
      YAML::Node copy = shallow_copy(next);
      parent[entry] = copy;
      next.reset(copy);
    }
    parent.reset(next);
  };

  YAML::Node current;
  current.reset(document);
  std::vector<std::string> consumed;
  for (size_t i = 0; i < segments->size(); ++i) {
    const std::string& segment = (*segments)[i];
    const bool last = i + 1 == segments->size();
    const std::string path_so_far = join_path(*segments, 0, i);
    if (current.IsNull()) current = YAML::Node(YAML::NodeType::Map);  // `key:` with no value
    if (current.IsMap()) {
      if (is_dotted_key_map(consumed)) {
        current[join_path(*segments, i, segments->size())] = value;
        return value;
      }
      if (has_scalar_key(current, segment)) {
        if (last) {
          current[segment] = value;
          return value;
        }
        descend(current, current[segment], segment);
        consumed.push_back(segment);
        continue;
      }
      // Create the missing rest of the path as nested maps, innermost first.
      const std::vector<std::string> keys = keys_to_create(*segments, i, consumed);
      YAML::Node subtree;
      subtree.reset(value);
      for (size_t j = keys.size() - 1; j > 0; --j) {
        YAML::Node map(YAML::NodeType::Map);
        adopt(value, map);
        map[keys[j]] = subtree;
        subtree.reset(map);
      }
      current[keys[0]] = subtree;
      return subtree;
    }
    if (current.IsSequence()) {
      std::optional<size_t> index = find_entry(current, segment, path_so_far, error);
      if (!index) return std::nullopt;
      if (last) {
        current[*index] = value;
        return value;
      }
      descend(current, current[*index], *index);
      consumed.push_back(segment);
      continue;
    }
    *error = "'" + path_so_far + "' is a single value, it has no key '" + segment + "'";
    return std::nullopt;
  }
  *error = "empty key path";
  return std::nullopt;
}

}  // namespace harness::internal

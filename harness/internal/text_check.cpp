#include "harness/internal/text_check.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <sstream>

namespace harness::internal {

std::optional<size_t> invalid_utf8_offset(std::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = byte(i);
    size_t length = 0;
    unsigned char low = 0x80;   // the range of the second byte, narrowed for the lead bytes that
    unsigned char high = 0xbf;  // would otherwise allow overlong forms or surrogates
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead == 0xe0) low = 0xa0;
      if (lead == 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead == 0xf0) low = 0x90;
      if (lead == 0xf4) high = 0x8f;
    } else {
      return i;
    }
    for (size_t k = 1; k < length; ++k) {
      if (i + k >= text.size()) return i;
      const unsigned char next = byte(i + k);
      const unsigned char min = k == 1 ? low : 0x80;
      const unsigned char max = k == 1 ? high : 0xbf;
      if (next < min || next > max) return i;
    }
    i += length;
  }
  return std::nullopt;
}

std::string describe_invalid_utf8(std::string_view text, size_t offset) {
  return fmt::format("byte 0x{:02x} at offset {} is not UTF-8",
                     static_cast<unsigned char>(text[offset]), offset);
}

std::string escape_invalid_utf8(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const std::optional<size_t> bad = invalid_utf8_offset(text);
    out += text.substr(0, bad.value_or(text.size()));
    if (!bad) break;
    out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[*bad]));
    text.remove_prefix(*bad + 1);
  }
  return out;
}

namespace {

// Follows the parser's events and keeps the key path of the node being read.
class Utf8Checker : public YAML::EventHandler {
 public:
  Utf8Checker(const std::string& file, std::vector<ScenarioError>& errors)
      : file_(file), errors_(errors) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override { next_path(); }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { next_path(); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string& value) override {
    const bool is_key = !frames_.empty() && frames_.back().is_map && frames_.back().expecting_key;
    const std::string path = next_path(value);
    if (std::optional<size_t> bad = invalid_utf8_offset(value)) {
      ScenarioError error{file_, mark.line + 1, mark.column + 1, escape_invalid_utf8(path),
                          std::string(is_key ? "the key" : "the value") + " is not valid UTF-8 (" +
                              describe_invalid_utf8(value, *bad) +
                              "); scenario text must be UTF-8"};
      errors_.push_back(std::move(error));
    }
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    frames_.push_back({false, next_path(), 0, false, ""});
  }
  void OnSequenceEnd() override { frames_.pop_back(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    frames_.push_back({true, next_path(), 0, true, ""});
  }
  void OnMapEnd() override { frames_.pop_back(); }

 private:
  struct Frame {
    bool is_map;
    std::string path;
    size_t index;        // sequences: the next entry's index
    bool expecting_key;  // maps: the next node is a key
    std::string key;     // maps: the key of the next value
  };

  // The path of the node that starts now, and moves the enclosing frame past it. `scalar` is
  // the node's text when it is a scalar (a key's text becomes the path of its value).
  std::string next_path(const std::string& scalar = "?") {
    if (frames_.empty()) return "";
    Frame& top = frames_.back();
    if (!top.is_map) return fmt::format("{}[{}]", top.path, top.index++);
    if (top.expecting_key) {
      top.expecting_key = false;
      top.key = scalar;
      return join(top.path, scalar);
    }
    top.expecting_key = true;
    return join(top.path, top.key);
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  const std::string& file_;
  std::vector<ScenarioError>& errors_;
  std::vector<Frame> frames_;
};

// Counts the aliases of a document; nothing else.
class AliasCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { ++aliases; }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  size_t aliases = 0;
};

}  // namespace

bool has_aliases(std::string_view yaml_text) {
  // No '*' at all, no alias: the common case costs one scan, not a second parse.
  if (yaml_text.find('*') == std::string_view::npos) return false;
  std::istringstream stream{std::string(yaml_text)};
  YAML::Parser parser(stream);
  AliasCounter counter;
  parser.HandleNextDocument(counter);
  return counter.aliases > 0;
}

void check_utf8_document(std::string_view yaml_text, const std::string& file,
                         std::vector<ScenarioError>& errors) {
  // Cheap first: most files are UTF-8 throughout, and then no key or value can be otherwise.
  if (!invalid_utf8_offset(yaml_text)) return;
  std::istringstream stream{std::string(yaml_text)};
  YAML::Parser parser(stream);
  Utf8Checker checker(file, errors);
  parser.HandleNextDocument(checker);
}

}  // namespace harness::internal

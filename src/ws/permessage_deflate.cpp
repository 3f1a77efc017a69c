#include "ws/permessage_deflate.h"

#include <vector>

#include "ws/deflate.h"

namespace pushwire::ws {

namespace {

struct Param {
  std::string_view name;
  std::optional<std::string> value;
};

struct Extension {
  std::string_view name;
  std::vector<Param> params;
};

bool is_tchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Reads `extension-list` (RFC 6455 9.1): 1#( token *( ";" token [ "=" ( token
// / quoted-string ) ] ) ), one extension at a time.
class ExtensionReader {
 public:
  explicit ExtensionReader(std::string_view text) : text_(text) {}

  // The next extension; nullopt at the end or at a syntax error (error()).
  std::optional<Extension> next() {
    while (skip_space(), consume(',')) {}
    if (pos_ == text_.size()) return std::nullopt;
    Extension ext{token(), {}};
    if (ext.name.empty()) return fail();
    while (skip_space(), consume(';')) {
      skip_space();
      Param param{token(), std::nullopt};
      if (param.name.empty()) return fail();
      skip_space();
      if (consume('=')) {
        skip_space();
        param.value = pos_ < text_.size() && text_[pos_] == '"' ? quoted() : std::optional<std::string>(token());
        if (!param.value || param.value->empty()) return fail();
      }
      ext.params.push_back(std::move(param));
    }
    if (pos_ < text_.size() && text_[pos_] != ',') return fail();
    return ext;
  }

  bool error() const { return error_; }

 private:
  std::nullopt_t fail() {
    error_ = true;
    return std::nullopt;
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool consume(char c) {
    if (pos_ == text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  std::string_view token() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_tchar(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  std::optional<std::string> quoted() {
    std::string value;
    ++pos_;  // the opening quote
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return value;
      if (c == '\\') {
        if (pos_ == text_.size()) break;
        c = text_[pos_++];
      }
      value += c;
    }
    return std::nullopt;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  bool error_ = false;
};

// A window size parameter: "8" to "15".
std::optional<int> window_bits(const std::string& value) {
  if (value.empty() || value.size() > 2 || value[0] == '0') return std::nullopt;
  int bits = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    bits = bits * 10 + (c - '0');
  }
  if (bits < 8 || bits > 15) return std::nullopt;
  return bits;
}

std::optional<DeflateAgreement> accept(const Extension& offer) {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  bool client_max_window_bits = false;
  std::optional<int> server_max_window_bits;
  for (const Param& p : offer.params) {
    if (p.name == "server_no_context_takeover") {
      if (server_no_context_takeover || p.value) return std::nullopt;
      server_no_context_takeover = true;
    } else if (p.name == "client_no_context_takeover") {
      if (client_no_context_takeover || p.value) return std::nullopt;
      client_no_context_takeover = true;
    } else if (p.name == "server_max_window_bits") {
      if (server_max_window_bits || !p.value) return std::nullopt;
      server_max_window_bits = window_bits(*p.value);
      if (!server_max_window_bits) return std::nullopt;
    } else if (p.name == "client_max_window_bits") {
      // The Inflater's window fits any client window, so a value is checked
      // and otherwise left unanswered.
      if (client_max_window_bits || (p.value && !window_bits(*p.value))) return std::nullopt;
      client_max_window_bits = true;
    } else {
      return std::nullopt;
    }
  }
  if (server_max_window_bits && *server_max_window_bits < kDeflaterWindowBits) return std::nullopt;

  // client_no_context_takeover is answered whether or not the client offered
  // it (RFC 7692 7.1.1.2): the client then compresses each message on its
  // own, and the server frees its inflate state (about 44 KB with a 32 KB
  // window) after every message instead of keeping it for the connection's life.
  DeflateAgreement agreement{{.client_no_context_takeover = true},
                             "permessage-deflate; server_no_context_takeover; client_no_context_takeover"};
  if (server_max_window_bits) agreement.response += "; server_max_window_bits=" + std::to_string(kDeflaterWindowBits);
  return agreement;
}

}  // namespace

std::optional<DeflateAgreement> negotiate_deflate(std::string_view offers) {
  ExtensionReader reader(offers);
  std::vector<Extension> extensions;
  while (auto ext = reader.next()) extensions.push_back(std::move(*ext));
  if (reader.error()) return std::nullopt;
  for (const Extension& ext : extensions) {
    if (ext.name != "permessage-deflate") continue;
    if (auto agreement = accept(ext)) return agreement;
  }
  return std::nullopt;
}

}  // namespace pushwire::ws

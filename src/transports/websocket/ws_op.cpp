#include "transports/websocket/ws_op.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "core/message_id.h"

namespace pushwire::transports {

namespace {
using nlohmann::json;

// Ops are flat objects; refusing deep nesting up front keeps a hostile frame
// from costing more than a linear scan.
bool nesting_at_most(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

// The "ref" of a frame that did not parse, so that its error can still
// carry it: a number or a short string after "ref":, else nothing.
std::string salvage_ref(std::string_view text) {
  const size_t key = text.find("\"ref\"");
  if (key == std::string_view::npos) return {};
  size_t i = key + 5;
  auto skip_space = [&] { while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i; };
  skip_space();
  if (i >= text.size() || text[i] != ':') return {};
  ++i;
  skip_space();
  const size_t start = i;
  if (i < text.size() && text[i] == '"') {
    for (++i; i < text.size() && i - start < 66 && text[i] != '"' && text[i] != '\\'; ++i) {}
    if (i < text.size() && text[i] == '"') return std::string(text.substr(start, i + 1 - start));
    return {};
  }
  if (i < text.size() && text[i] == '-') ++i;
  const size_t digits = i;
  while (i < text.size() && i - start < 20 && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  const bool well_formed = i > digits && !(text[digits] == '0' && i - digits > 1);
  return well_formed ? std::string(text.substr(start, i - start)) : std::string();
}

bool read_string(const json& object, const char* name, std::string& out, bool& present) {
  auto it = object.find(name);
  present = it != object.end() && !it->is_null();
  if (!present) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}
}  // namespace

std::variant<WsOp, WsOpError> parse_ws_op(std::string_view text) {
  if (!nesting_at_most(text, 4)) return WsOpError{"bad_op", "an op is a flat JSON object", ""};
  json value;
  try {
    value = json::parse(text);
  } catch (const json::exception& error) {  // parse_error, and out_of_range for numbers like 1E999
    // A \uD800-style escape without its pair is text that is not UTF-8.
    if (std::string_view(error.what()).find("surrogate") != std::string_view::npos)
      return WsOpError{"bad_utf8", "the op holds an unpaired UTF-16 surrogate escape", salvage_ref(text)};
    return WsOpError{"bad_op", "an op is a JSON object like {\"op\":\"subscribe\",\"channel\":\"news\"}",
                     salvage_ref(text)};
  }
  if (!value.is_object())
    return WsOpError{"bad_op", "an op is a JSON object like {\"op\":\"subscribe\",\"channel\":\"news\"}", ""};

  WsOp op{};
  if (auto ref = value.find("ref"); ref != value.end() && (ref->is_number() || ref->is_string()))
    op.ref = ref->dump();
  auto fail = [&op](std::string code, std::string message) {
    return WsOpError{std::move(code), std::move(message), op.ref};
  };

  auto name = value.find("op");
  if (name == value.end() || !name->is_string()) return fail("bad_op", "the op has no \"op\" name");
  const std::string& kind = name->get_ref<const std::string&>();
  bool present = false;
  if (kind == "subscribe" || kind == "unsubscribe" || kind == "publish") {
    if (!read_string(value, "channel", op.channel, present) || !present)
      return fail("bad_channel", kind + " needs a \"channel\" string");
  }
  if (kind == "subscribe") {
    op.kind = WsOp::Kind::subscribe;
    auto since = value.find("since");
    if (since != value.end() && !since->is_null()) {
      op.has_since = true;
      if (since->is_string() && core::is_valid_since(since->get_ref<const std::string&>())) op.since = since->get<std::string>();
      else if (since->is_number_unsigned() && since->get<uint64_t>() == 0) op.since.push_back('0');  // not = "0": GCC 12 warns wrongly (-Wrestrict)
      else return fail("bad_since", "\"since\" is " + std::string(core::kSinceRule));
    }
  } else if (kind == "unsubscribe") {
    op.kind = WsOp::Kind::unsubscribe;
  } else if (kind == "publish") {
    op.kind = WsOp::Kind::publish;
    if (!read_string(value, "data", op.data, present) || !present)
      return fail("bad_data", "publish needs a \"data\" string");
    if (!read_string(value, "event", op.event, present)) return fail("bad_event", "\"event\" is a string");
  } else if (kind == "auth") {
    op.kind = WsOp::Kind::auth;
    bool has_token = false;
    if (!read_string(value, "key", op.key, present) || !read_string(value, "token", op.token, has_token) ||
        !(present || has_token))
      return fail("bad_op", "auth needs a \"key\" or a \"token\" string");
  } else if (kind == "ping") {
    op.kind = WsOp::Kind::ping;
  } else {
    return fail("bad_op", "unknown op \"" + kind + "\"; ops are subscribe, unsubscribe, publish, auth, ping");
  }
  return op;
}

}  // namespace pushwire::transports

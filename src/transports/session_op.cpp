#include "transports/session_op.h"

#include <nlohmann/json.hpp>

#include "core/message_id.h"
#include "core/names.h"
#include "util/json_escape.h"
#include "util/whole_number.h"

namespace pushwire::transports {

namespace {
using nlohmann::json;

constexpr std::string_view kOpShape =
    "an op is {\"op\":\"subscribe\",\"channel\":C,\"since\":ID,\"ref\":N} or {\"op\":\"unsubscribe\",\"channel\":C,\"ref\":N}";
// An array of objects of strings and numbers: anything deeper is not ops.
constexpr int kMaxDepth = 2;
// A longer ref is not echoed: a result stays small whatever the client sends.
constexpr size_t kMaxRefBytes = 80;

core::SessionOpResult refusal(std::string ref, std::string code, std::string message) {
  return {std::move(ref), std::move(code), std::move(message)};
}

// The checks both forms share, once the fields are read.
ParsedOp check(std::string_view kind, core::SessionOp op) {
  if (kind == "subscribe") op.kind = core::SessionOp::Kind::subscribe;
  else if (kind == "unsubscribe") op.kind = core::SessionOp::Kind::unsubscribe;
  else return refusal(op.ref, "bad_op", std::string(kOpShape));
  if (!core::is_valid_channel(op.channel)) return refusal(op.ref, "bad_channel", std::string(core::kChannelRule));
  if (op.kind == core::SessionOp::Kind::unsubscribe) op.since.reset();
  if (op.since && !core::is_valid_since(*op.since))
    return refusal(op.ref, "bad_since", "since is " + std::string(core::kSinceRule));
  return op;
}

ParsedOp parse_op(const json& value) {
  if (!value.is_object()) return refusal("", "bad_op", std::string(kOpShape));
  core::SessionOp op;
  if (auto ref = value.find("ref"); ref != value.end()) {
    // Re-encoded rather than echoed: results also go inside the iframe's scripts.
    if (ref->is_string()) op.ref = util::json_string(ref->get<std::string>());
    else if (ref->is_number()) op.ref = ref->dump();
    if (op.ref.size() > kMaxRefBytes) op.ref.clear();
  }
  auto name = value.find("op");
  auto channel = value.find("channel");
  if (name == value.end() || !name->is_string()) return refusal(op.ref, "bad_op", std::string(kOpShape));
  if (channel == value.end() || !channel->is_string())
    return refusal(op.ref, "bad_channel", "the op needs a \"channel\" string");
  op.channel = channel->get<std::string>();
  if (auto since = value.find("since"); since != value.end() && !since->is_null()) {
    if (since->is_string()) op.since = since->get<std::string>();
    else if (since->is_number_unsigned() && since->get<uint64_t>() == 0) op.since = std::string(1, '0');
    else return refusal(op.ref, "bad_since", "\"since\" is an id string, or 0");
  }
  return check(name->get_ref<const std::string&>(), std::move(op));
}
}  // namespace

std::variant<std::vector<ParsedOp>, OpsError> parse_session_ops(std::string_view body, size_t max_ops) {
  int deepest = 0;
  json value;
  try {
    value = json::parse(body, [&deepest](int depth, json::parse_event_t, json&) {
      deepest = std::max(deepest, depth);
      return true;
    });
  } catch (const json::exception&) {
    return OpsError{"the body is one JSON op or an array of them; " + std::string(kOpShape)};
  }
  if (deepest > kMaxDepth) return OpsError{"ops are flat JSON objects; " + std::string(kOpShape)};
  std::vector<ParsedOp> ops;
  if (!value.is_array()) {
    ops.push_back(parse_op(value));
    return ops;
  }
  if (value.empty() || value.size() > max_ops)
    return OpsError{"an array of ops holds 1 to " + std::to_string(max_ops) + " ops"};
  for (const json& element : value) ops.push_back(parse_op(element));
  return ops;
}

ParsedOp parse_session_op_query(const http::Request& request) {
  core::SessionOp op;
  if (const std::string* ref = request.query_param("ref")) {
    uint64_t number = 0;
    if (util::parse_whole_number(*ref, number)) op.ref = std::to_string(number);
    else util::append_json_string(op.ref, *ref);
    if (op.ref.size() > kMaxRefBytes) op.ref.clear();
  }
  const std::string* kind = request.query_param("op");
  const std::string* channel = request.query_param("channel");
  if (!kind) return refusal(op.ref, "bad_op", "?op= is subscribe or unsubscribe");
  if (!channel) return refusal(op.ref, "bad_channel", "?channel= is required");
  op.channel = *channel;
  if (const std::string* since = request.query_param("since")) op.since = *since;
  return check(*kind, std::move(op));
}

std::string session_result_json(const core::SessionOpResult& result) {
  std::string out = "{";
  if (!result.ref.empty()) {
    out += "\"ref\":";
    out += result.ref;
    out += ',';
  }
  if (result.code.empty()) {
    out += "\"ok\":true}";
    return out;
  }
  out += "\"error\":";
  util::append_json_string(out, result.code);
  out += ",\"message\":";
  util::append_json_string(out, result.message);
  out += '}';
  return out;
}

}  // namespace pushwire::transports

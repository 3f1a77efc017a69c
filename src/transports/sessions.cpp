#include "transports/sessions.h"

#include <optional>

#include "core/session_id.h"
#include "transports/access_check.h"
#include "transports/broker_wait.h"
#include "transports/request_args.h"
#include "transports/session_op.h"
#include "util/clock.h"

namespace pushwire::transports {

namespace {
constexpr std::string_view kUnknownSession =
    "no such session: it ended or never was; open a new stream, resuming each channel from its own cursor";
constexpr std::string_view kOpSuffix = "/op";

// Enough to swap every channel of a full session for another.
size_t max_ops(const Settings& settings) { return 2 * settings.max_channels_per_client; }

// On the owner's thread: {"results":[...]}, or nothing when the session is not there.
std::optional<std::string> apply_ops(Context& owner, const std::string& id, const std::vector<ParsedOp>& ops) {
  core::Session* session = owner.sessions.find(id);
  if (!session) return std::nullopt;
  std::string out = "{\"results\":[";
  for (size_t i = 0; i < ops.size(); ++i) {
    if (i) out += ',';
    const auto* op = std::get_if<core::SessionOp>(&ops[i]);
    out += session_result_json(op ? session->apply(*op) : std::get<core::SessionOpResult>(ops[i]));
  }
  out += "]}";
  return out;
}

// Each subscribe op is decided here, with the token of the request that
// carries it: a refused one becomes its refusal; an allowed one takes along
// when its permission ends.
void authorize_subscribes(Context& context, http::Exchange& exchange, std::vector<ParsedOp>& ops) {
  const auth::Access& access = context.settings.access;
  if (!access.enabled()) return;
  const int64_t now_ms = util::wall_ms();
  const auth::Credentials credentials = access.present(presented_token(exchange.request()), {}, now_ms);
  for (ParsedOp& parsed : ops) {
    auto* op = std::get_if<core::SessionOp>(&parsed);
    if (!op || op->kind != core::SessionOp::Kind::subscribe) continue;
    const auth::Decision decision = access.may_subscribe(credentials, op->channel, now_ms);
    if (decision.allowed()) {
      op->expires_at_ms = decision.expires_at_ms;
      continue;
    }
    record_refusal(context, decision, "subscribe", op->channel, exchange.connection().peer());
    parsed = core::SessionOpResult{op->ref, std::string(decision.code()), decision.message};
  }
}

// A script tag runs only what comes with 200, so the script form says
// everything in the body.
void answer(http::Exchange& exchange, const std::optional<std::string>& results, const std::string& callback) {
  if (callback.empty()) {
    if (results) exchange.respond_json(200, *results);
    else exchange.respond_error(404, "unknown_session", kUnknownSession);
    return;
  }
  std::string body = results ? *results : "{\"error\":\"unknown_session\",\"message\":\"" + std::string(kUnknownSession) + "\"}";
  exchange.respond(200, "application/javascript; charset=utf-8", callback + "(" + body + ");");
}
}  // namespace

void handle_session(Context& context, http::Exchange& exchange, std::string_view rest) {
  const http::Request& request = exchange.request();
  const bool script_form = request.method == "GET";
  if (script_form != rest.ends_with(kOpSuffix)) {
    exchange.respond_error(404, "not_found", "ops go to POST /session/{id} or GET /session/{id}/op");
    return;
  }
  if (script_form) rest.remove_suffix(kOpSuffix.size());
  std::string callback;
  if (request.query_param("callback") && !read_callback(exchange, callback)) return;

  std::vector<ParsedOp> ops;
  if (script_form) {
    ops.push_back(parse_session_op_query(request));
  } else {
    auto parsed = parse_session_ops(request.body, max_ops(context.settings));
    if (auto* error = std::get_if<OpsError>(&parsed)) {
      exchange.respond_error(400, "bad_request", error->message);
      return;
    }
    ops = std::move(std::get<std::vector<ParsedOp>>(parsed));
  }

  authorize_subscribes(context, exchange, ops);

  std::string id(rest);
  const std::optional<unsigned> owner = core::session_owner(id);
  if (!owner || *owner >= context.peers.size()) {
    answer(exchange, std::nullopt, callback);
    return;
  }
  Context& target = *context.peers[*owner];
  if (&target == &context) {
    answer(exchange, apply_ops(target, id, ops), callback);
    return;
  }
  util::Metrics::add(context.metrics.session_requests_forwarded_total);
  // The owner's thread applies the ops; the answer comes back to this
  // thread, which alone touches the exchange (if the client is still there).
  target.loop.post([&target, &origin = context, &exchange, id = std::move(id), ops = std::move(ops),
                    callback = std::move(callback), token = BrokerWait::hold(exchange)]() mutable {
    origin.loop.post([&exchange, results = apply_ops(target, id, ops), callback = std::move(callback),
                      token = std::move(token)] {
      if (!token.expired()) answer(exchange, results, callback);
    });
  });
}

}  // namespace pushwire::transports

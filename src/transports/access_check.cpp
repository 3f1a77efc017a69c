#include "transports/access_check.h"

#include <algorithm>

#include "auth/bearer.h"
#include "util/clock.h"
#include "util/log.h"

namespace pushwire::transports {

namespace {

void respond_refusal(http::Exchange& exchange, const auth::Decision& decision) {
  // RFC 6750 section 3: a 401 names the scheme it wants.
  http::HeaderList headers;
  if (decision.status == 401) headers.emplace_back("WWW-Authenticate", "Bearer");
  exchange.respond_error(decision.status, decision.code(), decision.message, headers);
}
}  // namespace

std::string_view presented_token(const http::Request& request) {
  if (const std::string* authorization = request.header("authorization"))
    if (auto credential = auth::bearer_credential(*authorization)) return *credential;
  if (const std::string* token = request.query_param("token")) return *token;
  return {};
}

bool allow_subscribe(Context& context, http::Exchange& exchange, std::string_view channel, auth::Decision& decision) {
  const auth::Access& access = context.settings.access;
  if (!access.enabled()) return true;
  return allow_subscribe(context, exchange, channel,
                         access.present(presented_token(exchange.request()), {}, util::wall_ms()), decision);
}

bool allow_subscribe(Context& context, http::Exchange& exchange, std::string_view channel,
                     const auth::Credentials& credentials, auth::Decision& decision) {
  decision = context.settings.access.may_subscribe(credentials, channel, util::wall_ms());
  if (decision.allowed()) return true;
  refuse_access(context, exchange, decision, "subscribe", channel);
  return false;
}

int64_t clamp_to_expiry(int64_t timeout_ms, const auth::Decision& decision) {
  if (!decision.expires_at_ms) return timeout_ms;
  return std::clamp<int64_t>(decision.expires_at_ms - util::wall_ms(), 0, timeout_ms);
}

bool allow_publish(Context& context, http::Exchange& exchange, std::string_view channel) {
  const auth::Access& access = context.settings.access;
  const int64_t now_ms = util::wall_ms();
  const auth::Decision decision =
      access.may_publish(access.present(presented_token(exchange.request()), {}, now_ms), channel, now_ms);
  if (decision.allowed()) return true;
  refuse_access(context, exchange, decision, "publish", channel);
  return false;
}

void refuse_access(Context& context, http::Exchange& exchange, const auth::Decision& decision, std::string_view what,
                   std::string_view channel) {
  record_refusal(context, decision, what, channel, exchange.connection().peer());
  respond_refusal(exchange, decision);
}

void record_refusal(Context& context, const auth::Decision& decision, std::string_view what,
                    std::string_view channel, std::string_view peer) {
  util::Metrics::add(context.metrics.access_refusals[static_cast<size_t>(decision.reason)]);
  PW_LOG_LIMITED("access refusals", info, "refused ", what, " ", channel, " from ", peer, ": ", decision.status, " ",
                 auth::refusal_name(decision.reason));
}

}  // namespace pushwire::transports

#pragma once
#include <string_view>

#include "auth/access.h"
#include "http/exchange.h"
#include "transports/context.h"

namespace pushwire::transports {

// The token a request presents: "Authorization: Bearer T", else ?token=T
// (for EventSource, iframes and JSONP, which cannot set headers); empty
// when there is none.
std::string_view presented_token(const http::Request& request);

// Whether the request may subscribe to `channel`; if not, answers 401 or 403
// itself. `decision` tells the caller until when the permission holds.
bool allow_subscribe(Context& context, http::Exchange& exchange, std::string_view channel, auth::Decision& decision);
// The same with credentials the caller has already read from the request.
bool allow_subscribe(Context& context, http::Exchange& exchange, std::string_view channel,
                     const auth::Credentials& credentials, auth::Decision& decision);
// A long-poll's wait, cut short to end when the permission does.
int64_t clamp_to_expiry(int64_t timeout_ms, const auth::Decision& decision);

// Whether the request may publish on `channel` (a token or the publish key
// as bearer); if not, answers 401 or 403 itself.
bool allow_publish(Context& context, http::Exchange& exchange, std::string_view channel);

// Refuses the request with `decision` (401 or 403), recorded as below.
void refuse_access(Context& context, http::Exchange& exchange, const auth::Decision& decision, std::string_view what,
                   std::string_view channel);

// Counts a refusal in /metrics and logs it, at most --log-rate lines a second,
// so that a flood of bad requests cannot flood the log.
void record_refusal(Context& context, const auth::Decision& decision, std::string_view what,
                    std::string_view channel, std::string_view peer);

}  // namespace pushwire::transports

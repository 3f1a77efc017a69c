#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include <vector>

#include "http/exchange.h"
#include "transports/context.h"

namespace pushwire::transports {

// Each reads one argument of a request and answers 400 itself when it is
// wrong; the caller just returns on false.
bool read_channel(http::Exchange& exchange, std::string_view rest, std::string& channel);
// Every ?channel= of a multi-channel request, each once: at least one, at most --max-channels-per-client.
bool read_channels(Context& context, http::Exchange& exchange, std::vector<std::string>& channels);
bool read_timeout_ms(http::Exchange& exchange, int64_t& timeout_ms);  // ?timeout=S, default 30, at most 120
bool read_callback(http::Exchange& exchange, std::string& callback);  // ?callback=FN for JSONP and iframe
// ?since=: nullptr when absent; 400 bad_since unless core::is_valid_since.
bool read_since(http::Exchange& exchange, const std::string*& since);
// SSE's cursor: a Last-Event-ID header (what a reconnecting EventSource
// sends) wins over ?since=; the one used is checked as read_since does.
bool read_sse_since(http::Exchange& exchange, const std::string*& since);

bool is_valid_callback(std::string_view name);

}  // namespace pushwire::transports

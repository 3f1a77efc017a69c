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
// ?since= of the poll-shaped techniques: nullptr when absent; 400 bad_since
// when empty, "null"/"undefined" (a client's missing cursor) or not id-shaped.
bool read_since(http::Exchange& exchange, const std::string*& since);

// ?since=, or nullptr when absent.
inline const std::string* since_param(const http::Exchange& exchange) {
  return exchange.request().query_param("since");
}

bool is_valid_callback(std::string_view name);
// An id or a cursor as a client sends it back: 1 to 64 of A-Z a-z 0-9 _ . : -,
// and not "null" or "undefined" (a client's missing value).
bool is_cursor(std::string_view text);

}  // namespace pushwire::transports

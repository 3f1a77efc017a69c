#pragma once
#include <string_view>

#include "http/exchange.h"
#include "transports/context.h"

namespace pushwire::transports {

// GET /sse/{channel}[?since=ID]: Server-Sent Events; Last-Event-ID wins over since.
// GET /sse?channel=A&channel=B[&since=ID]: several channels as one session.
void handle_sse(Context& context, http::Exchange& exchange, std::string_view rest);

// GET /stream/{channel}[?since=ID]: chunked NDJSON, one envelope a line.
// GET /stream?channel=A&channel=B[&since=ID]: several channels as one session.
void handle_stream(Context& context, http::Exchange& exchange, std::string_view rest);

// GET /iframe/{channel}?callback=FN[&since=ID]: the forever-iframe.
// GET /iframe?channel=A&channel=B&callback=FN[&since=ID]: several channels as one session.
void handle_iframe(Context& context, http::Exchange& exchange, std::string_view rest);

}  // namespace pushwire::transports

#pragma once
#include <string_view>

#include "http/exchange.h"
#include "transports/context.h"

namespace pushwire::transports {

// GET /poll/{channel}[?since=ID]: what is kept after `since`, at once.
void handle_poll(Context& context, http::Exchange& exchange, std::string_view rest);

// GET /lp/{channel}[?since=ID][&timeout=S]: waits for a message after `since`.
void handle_longpoll(Context& context, http::Exchange& exchange, std::string_view rest);

// GET /jsonp/{channel}?callback=FN[&since=ID][&timeout=S]: long-poll as a script.
void handle_jsonp(Context& context, http::Exchange& exchange, std::string_view rest);

}  // namespace pushwire::transports

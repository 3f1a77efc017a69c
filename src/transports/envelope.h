#pragma once
#include <string>
#include <vector>

#include "core/history.h"
#include "core/message.h"

namespace pushwire::transports {

// {"channel":"news","id":"ID","event":"message","data":"TEXT","time":MS}
std::string envelope_json(const core::Message& message);
extern const core::WireFormat kEnvelope;

// {"messages":[...],"last_id":ID,"gap":false}: the body of poll, long-poll
// and JSONP answers. `last_id` is the last message's id, else `position`
// (the channel's newest id, or where the empty channel stands), so a client
// always has a cursor to send back.
std::string poll_body(const std::vector<core::MessagePtr>& messages, std::string_view position, bool gap);

}  // namespace pushwire::transports

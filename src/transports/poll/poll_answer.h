#pragma once
#include <string>
#include <string_view>

#include "transports/poll/session_buffer.h"

namespace pushwire::transports {

// What a poll session answers with: everything `buffer` holds, up to the
// stream cursor `cursor`. Read on the session's owner thread.
struct PollContent {
  std::string_view session;
  const SessionBuffer& buffer;
  std::string_view cursor;
};

// The answer to a poll of a session in pushwire's JSON:
// {"session":ID,"messages":[ENVELOPE,...],"last_id":CURSOR,"gap":G,
//  "channels":{C:{"last_id":X,"gap":G},...}}
// Messages in publish order; `cursor` is the stream cursor reached.
// `channels` names only the channels the buffer holds something for, in
// name order: each with its newest id held, else its position when it was
// added (no `last_id` when only its gap signal is held), and whether a gap
// signal for it is held; `gap` is whether any is.
std::string poll_answer(const PollContent& content);

}  // namespace pushwire::transports

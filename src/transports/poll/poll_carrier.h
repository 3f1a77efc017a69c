#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "http/exchange.h"
#include "transports/poll/poll_answer.h"

namespace pushwire::transports {

// How a poll-shaped technique carries a session to its client, one request
// at a time: whether a poll with nothing to answer waits, and how answers
// and refusals look on the wire. Long-poll, poll and JSONP are carriers;
// another polling protocol is another carrier, in files of its own, with
// its route (app/routes.cpp). The session itself (PollSession) does not
// know which carrier its polls come by.
class PollCarrier {
 public:
  virtual ~PollCarrier() = default;

  // Whether a poll waits, up to ?timeout=, when nothing is there to answer.
  virtual bool waits() const = 0;
  // The body of an answer, made on the session's owner thread (so a carrier
  // is immutable, shared by threads): pushwire's JSON, unless the carrier
  // speaks another protocol.
  virtual std::string encode(const PollContent& content) const { return poll_answer(content); }
  // Sends what encode() made, on the request's own thread.
  virtual void answer(http::Exchange& exchange, std::string body) const = 0;
  virtual void refuse(http::Exchange& exchange, int status, std::string_view code,
                      std::string_view message) const = 0;
};

// Makes the carrier of one request from what the request says (JSONP: its
// callback); answers 400 itself and returns nullptr when that is wrong.
using PollCarrierFactory = std::shared_ptr<const PollCarrier> (*)(http::Exchange& exchange);

}  // namespace pushwire::transports

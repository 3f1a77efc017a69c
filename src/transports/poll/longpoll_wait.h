#pragma once
#include <cstdint>
#include <string>

#include "transports/channel_listener.h"
#include "http/exchange.h"
#include "net/timer.h"
#include "transports/context.h"

namespace pushwire::transports {

// How a long-poll answer is wrapped: plain JSON, or a JSONP call.
struct PollShape {
  std::string_view content_type;
  std::string callback;  // empty: plain JSON

  static PollShape json() { return {"application/json", {}}; }
  static PollShape jsonp(std::string callback) { return {"application/javascript; charset=utf-8", std::move(callback)}; }
  std::string wrap(std::string body) const;
};

// A long-poll request waiting for its channel's next message. It answers
// with what is kept after `since` at once when there is anything (or a gap to
// report); otherwise with the first message published, or empty at timeout.
class LongpollWait final : public http::ExchangeState, public ChannelListener {
 public:
  static void start(Context& context, http::Exchange& exchange, const std::string& channel, const std::string* since,
                    int64_t timeout_ms, PollShape shape);

  ~LongpollWait() override { stop(); }

  void on_shutdown() override;

 private:
  LongpollWait(Context& context, http::Exchange& exchange, PollShape shape);
  Context& listener_context() const override { return context_; }
  void on_message(const core::MessagePtr& message) override;
  void answer(const std::vector<core::MessagePtr>& messages, std::string_view position, bool gap);

  Context& context_;
  http::Exchange& exchange_;
  PollShape shape_;
  net::Timer timeout_;
  std::string position_;  // the channel's, as of the replay: the cursor of an answer without messages
};

}  // namespace pushwire::transports

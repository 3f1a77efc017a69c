#include "transports/long_poll_wait.h"

#include "transports/envelope.h"
#include "transports/request_args.h"

namespace pushwire::transports {

std::string PollShape::wrap(std::string body) const {
  if (callback.empty()) return body;
  return callback + "(" + body + ");";
}

LongPollWait::LongPollWait(Context& context, http::Exchange& exchange, PollShape shape)
    : exchange_(exchange), shape_(std::move(shape)), timeout_(context.loop) {}

void LongPollWait::start(Context& context, http::Exchange& exchange, const std::string& channel, int64_t timeout_ms,
                         PollShape shape) {
  auto owned = std::unique_ptr<LongPollWait>(new LongPollWait(context, exchange, std::move(shape)));
  LongPollWait* wait = owned.get();
  exchange.hold(std::move(owned));
  wait->listen(context, channel, since_param(exchange), [wait, timeout_ms](core::Replay replay) {
    wait->newest_ = replay.newest;
    if (!replay.messages.empty() || replay.gap || timeout_ms == 0) {
      wait->answer(replay.messages, replay.newest, replay.gap);
      return;
    }
    wait->timeout_.start(timeout_ms, [wait] { wait->answer({}, wait->newest_, false); });
  });
}

void LongPollWait::on_message(const core::MessagePtr& message) { answer({message}, message, false); }

void LongPollWait::on_shutdown() { answer({}, newest_, false); }

void LongPollWait::answer(const std::vector<core::MessagePtr>& messages, const core::MessagePtr& newest, bool gap) {
  if (exchange_.finished()) return;
  // Inert from here on: the exchange (and this) may be freed only later.
  timeout_.stop();
  stop();
  exchange_.respond(200, shape_.content_type, shape_.wrap(poll_body(messages, newest, gap)));
}

}  // namespace pushwire::transports

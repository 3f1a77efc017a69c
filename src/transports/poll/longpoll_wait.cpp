#include "transports/poll/longpoll_wait.h"

#include "transports/envelope.h"
#include "transports/request_args.h"

namespace pushwire::transports {

std::string PollShape::wrap(std::string body) const {
  if (callback.empty()) return body;
  return callback + "(" + body + ");";
}

LongpollWait::LongpollWait(Context& context, http::Exchange& exchange, PollShape shape)
    : context_(context), exchange_(exchange), shape_(std::move(shape)), timeout_(context.loop) {}

void LongpollWait::start(Context& context, http::Exchange& exchange, const std::string& channel,
                         const std::string* since, int64_t timeout_ms, PollShape shape) {
  auto owned = std::unique_ptr<LongpollWait>(new LongpollWait(context, exchange, std::move(shape)));
  LongpollWait* wait = owned.get();
  exchange.hold(std::move(owned));
  wait->listen(channel, since, [wait, timeout_ms](core::Replay replay) {
    wait->position_ = std::move(replay.position);
    if (!replay.messages.empty() || replay.gap || timeout_ms == 0) {
      wait->answer(replay.messages, wait->position_, replay.gap);
      return;
    }
    wait->timeout_.start(timeout_ms, [wait] { wait->answer({}, wait->position_, false); });
  });
}

void LongpollWait::on_message(const core::MessagePtr& message) { answer({message}, message->id, false); }

void LongpollWait::on_shutdown() { answer({}, position_, false); }

void LongpollWait::answer(const std::vector<core::MessagePtr>& messages, std::string_view position, bool gap) {
  if (exchange_.finished()) return;
  // Inert from here on: the exchange (and this) may be freed only later.
  timeout_.stop();
  stop();
  exchange_.respond(200, shape_.content_type, shape_.wrap(poll_body(messages, position, gap)));
}

}  // namespace pushwire::transports

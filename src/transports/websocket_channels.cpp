#include "transports/websocket_channels.h"

#include "transports/channel_listener.h"
#include "transports/websocket_connection.h"
#include "util/slab_pool.h"

namespace pushwire::transports {

class WebSocketChannels::Subscription final : public ChannelListener, public util::SlabAllocated<Subscription> {
 public:
  Subscription(WebSocketConnection& connection, Subscription* next) : connection_(connection), next_(next) {}

  void start(std::string_view channel, const std::string* since, GapFrame gap_frame) {
    listen(connection_.context(), channel, since, [this, gap_frame](core::Replay replay) {
      if (replay.gap) connection_.send_frame(gap_frame(this->channel()));
      for (const core::MessagePtr& message : replay.messages) connection_.send_message(message);
    });
  }
  Subscription*& next() { return next_; }

 private:
  void on_message(const core::MessagePtr& message) override { connection_.send_message(message); }
  void prefetch() const override { connection_.prefetch_for_send(); }

  WebSocketConnection& connection_;
  Subscription* next_;
};

WebSocketChannels::~WebSocketChannels() {
  while (Subscription* s = head_) {
    head_ = s->next();
    delete s;
  }
}

bool WebSocketChannels::contains(std::string_view channel) const {
  for (Subscription* s = head_; s; s = s->next())
    if (s->channel() == channel) return true;
  return false;
}

const std::string& WebSocketChannels::front() const { return head_->channel(); }

void WebSocketChannels::add(std::string_view channel, const std::string* since) {
  head_ = new Subscription(connection_, head_);
  ++count_;
  head_->start(channel, since, gap_frame_);
}

bool WebSocketChannels::remove(std::string_view channel) {
  for (Subscription** link = &head_; *link; link = &(*link)->next()) {
    if ((*link)->channel() != channel) continue;
    Subscription* gone = *link;
    *link = gone->next();
    --count_;
    delete gone;
    return true;
  }
  return false;
}

}  // namespace pushwire::transports

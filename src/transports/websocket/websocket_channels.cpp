#include "transports/websocket/websocket_channels.h"

#include <memory>

#include "transports/channel_listener.h"
#include "transports/websocket/websocket_connection.h"
#include "util/slab_pool.h"

namespace pushwire::transports {

class WebSocketChannels::Subscription final : public ChannelListener, public util::SlabAllocated<Subscription> {
 public:
  Subscription(WebSocketConnection& connection, Subscription* next, bool expiring)
      : connection_(connection), next_(next), place_(expiring ? std::make_unique<Place>() : nullptr) {}
  ~Subscription() override { stop(); }

  void start(std::string_view channel, const std::string* since, GapFrame gap_frame) {
    if (place_) {
      place_->channel = channel;
      place_->cursor = since ? *since : std::string();
    }
    listen(channel, since, [this, gap_frame](core::Replay replay) {
      if (replay.gap) connection_.send_frame(gap_frame(this->channel()));
      for (const core::MessagePtr& message : replay.messages) on_message(message);
      // Nothing new after the cursor: the channel's position is where it stands.
      if (place_ && replay.messages.empty() && !replay.position.empty()) place_->cursor = replay.position;
    });
  }
  Subscription*& next() { return next_; }
  const std::string& name() const { return place_ ? place_->channel : channel(); }
  bool expiring() const { return place_ != nullptr; }
  bool suspended() const { return place_ && !listening(); }

  void suspend() { stop(); }
  void resume(GapFrame gap_frame) {
    // An empty cursor: the channel kept nothing when this began, so all it keeps now is new.
    const std::string since = place_->cursor.empty() ? "0" : place_->cursor;
    start(place_->channel, &since, gap_frame);
  }

 private:
  // Where an expiring subscription stands, to resume it without loss.
  struct Place {
    std::string channel;
    std::string cursor;  // the last id delivered, else where it started; empty: the channel's beginning
  };

  Context& listener_context() const override { return connection_.context(); }
  void on_message(const core::MessagePtr& message) override {
    if (place_) place_->cursor = message->id;
    connection_.send_message(message);
  }
  void prefetch() const override { connection_.prefetch_for_send(); }

  WebSocketConnection& connection_;
  Subscription* next_;
  std::unique_ptr<Place> place_;  // only when expiring: others pay nothing for it
};

WebSocketChannels::~WebSocketChannels() {
  while (Subscription* s = head_) {
    head_ = s->next();
    delete s;
  }
}

bool WebSocketChannels::contains(std::string_view channel) const {
  for (Subscription* s = head_; s; s = s->next())
    if (s->name() == channel) return true;
  return false;
}

const std::string& WebSocketChannels::front() const { return head_->name(); }

void WebSocketChannels::add(std::string_view channel, const std::string* since, bool expiring) {
  head_ = new Subscription(connection_, head_, expiring);
  ++count_;
  head_->start(channel, since, gap_frame_);
}

bool WebSocketChannels::remove(std::string_view channel) {
  for (Subscription** link = &head_; *link; link = &(*link)->next()) {
    if ((*link)->name() != channel) continue;
    Subscription* gone = *link;
    *link = gone->next();
    --count_;
    delete gone;
    return true;
  }
  return false;
}

std::vector<std::string> WebSocketChannels::expiring() const {
  std::vector<std::string> channels;
  for (Subscription* s = head_; s; s = s->next())
    if (s->expiring()) channels.push_back(s->name());
  return channels;
}

std::vector<std::string> WebSocketChannels::suspend_expiring() {
  std::vector<std::string> channels;
  for (Subscription* s = head_; s; s = s->next()) {
    if (!s->expiring() || s->suspended()) continue;
    s->suspend();
    channels.push_back(s->name());
  }
  return channels;
}

void WebSocketChannels::resume(std::string_view channel) {
  for (Subscription* s = head_; s; s = s->next())
    if (s->name() == channel && s->suspended()) s->resume(gap_frame_);
}

}  // namespace pushwire::transports

#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pushwire::transports {

class WebSocketConnection;

// The channels one WebSocket is subscribed to, each a listener on this
// thread's Fanout that sends its messages down the connection in the
// dialect's format. Kept as a list: most connections hold one or none.
// A subscription granted by a token that will expire keeps its place (the
// last id it delivered), so that it can be suspended when the token runs out
// and resumed, without loss, when a fresh one comes.
class WebSocketChannels {
 public:
  // How the dialect tells a client that a resume fell short.
  using GapFrame = std::string (*)(std::string_view channel);

  WebSocketChannels(WebSocketConnection& connection, GapFrame gap_frame)
      : connection_(connection), gap_frame_(gap_frame) {}
  WebSocketChannels(const WebSocketChannels&) = delete;
  WebSocketChannels& operator=(const WebSocketChannels&) = delete;
  ~WebSocketChannels();

  bool contains(std::string_view channel) const;
  uint32_t count() const { return count_; }
  // The channel subscribed last (the only one of a single-channel socket).
  const std::string& front() const;

  // Subscribes from `since` (nullptr: new messages only); the gap frame, if
  // the resume fell short, and the kept messages follow, then live ones.
  // `expiring`: granted by a token that will expire, so its place is kept.
  void add(std::string_view channel, const std::string* since, bool expiring = false);
  // Whether it was subscribed (suspended or not).
  bool remove(std::string_view channel);

  // The channels of the expiring subscriptions, suspended or not.
  std::vector<std::string> expiring() const;
  // Stops the live expiring subscriptions where they are; returns their channels.
  std::vector<std::string> suspend_expiring();
  // Takes a suspended subscription up again after the last id it delivered.
  void resume(std::string_view channel);

 private:
  class Subscription;

  WebSocketConnection& connection_;
  GapFrame gap_frame_;
  Subscription* head_ = nullptr;
  uint32_t count_ = 0;
};

}  // namespace pushwire::transports

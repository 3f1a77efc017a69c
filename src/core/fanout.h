#pragma once
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/message.h"
#include "core/subscriber.h"
#include "util/string_map.h"

namespace pushwire::core {

// The subscribers of one event-loop thread, by channel, and that thread's
// inbox of published messages. Any thread may post(); only the owning thread
// calls drain(), add() and remove(), so delivery to a subscriber takes no lock.
class Fanout {
 public:
  // `wake` is called (from any thread) when the inbox goes from empty to not
  // empty; the owner answers by calling drain() on its own thread.
  explicit Fanout(std::function<void()> wake);
  Fanout(const Fanout&) = delete;
  Fanout& operator=(const Fanout&) = delete;

  void post(MessagePtr message);
  // Delivers what the inbox holds. Besides the owner's wake-up, a subscriber
  // may call it to know that everything posted so far has been delivered.
  void drain();

  // Returns the channel's name as kept here: valid while `subscriber` stays.
  const std::string& add(std::string_view channel, Subscriber* subscriber);
  void remove(std::string_view channel, Subscriber* subscriber);

  // The last message drain() handed out, subscribed or not (null before the
  // first): every message up to it in the publish order has been delivered
  // on this thread, and every later one is still to come.
  const MessagePtr& last_drained() const { return last_drained_; }

  size_t subscriber_count() const { return subscriber_count_; }
  size_t channel_count() const { return channels_.size(); }
  // The channels with a subscriber on this thread (owning thread only).
  std::vector<std::string> channel_names() const;
  // Messages handed to subscribers so far (a subscriber may skip a duplicate).
  uint64_t deliveries() const { return deliveries_; }

 private:
  using List = std::vector<Subscriber*>;
  void deliver(const MessagePtr& message);
  void compact(List& list);

  std::function<void()> wake_;
  std::mutex inbox_mutex_;
  std::vector<MessagePtr> inbox_;
  std::vector<MessagePtr> draining_;

  util::StringMap<List> channels_;
  MessagePtr last_drained_;
  size_t subscriber_count_ = 0;
  uint64_t deliveries_ = 0;
  List* delivering_ = nullptr;     // the list being walked, whose removals wait
  bool delivering_has_holes_ = false;
};

}  // namespace pushwire::core

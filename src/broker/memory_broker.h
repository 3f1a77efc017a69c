#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "broker/broker.h"
#include "core/channel_histories.h"
#include "core/message_id.h"

namespace pushwire::broker {

// The default broker: one process, channels in a map behind one lock. The
// lock is held only to order and keep a message and to post it to the
// threads' inboxes; no subscriber is touched under it.
class MemoryBroker final : public Broker {
 public:
  explicit MemoryBroker(core::HistoryLimits limits, core::IdScheme ids = core::IdScheme());

  void publish(std::string_view channel, std::string_view event, std::string data, PublishDone done) override;
  void replay(std::string_view channel, const std::string* since, ReplayDone done) override;
  void attach(core::Fanout* fanout) override;
  void sweep() override;
  size_t channel_count() override;
  size_t history_bytes() override;

 private:
  core::ChannelHistories channels_;
  core::IdScheme ids_;
  std::mutex mutex_;
  uint64_t last_seq_ = 0;
  std::vector<core::Fanout*> fanouts_;
};

}  // namespace pushwire::broker

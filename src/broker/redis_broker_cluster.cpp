// RedisBroker on a Redis Cluster: finding the master of pushwire's slot,
// and following it when it moves.
#include <utility>

#include "broker/redis_broker.h"
#include "broker/redis_history.h"
#include "broker/redis_key_slot.h"
#include "broker/redis_slot_map.h"
#include "util/clock.h"

namespace pushwire::broker {

void RedisBroker::ask_cluster() {
  const RedisEndpoint::Address address = cluster_nodes_[cluster_turn_++ % cluster_nodes_.size()];
  RedisEndpoint node = endpoint_;  // the credentials are every node's
  node.cluster_nodes.clear();
  node.host = address.host;
  node.port = address.port;
  cluster_node_ = std::make_unique<RedisLink>(loop_, node, *stats_, link_down_handler());
  std::string error;
  if (!cluster_node_->connect(error)) {
    on_link_down("cluster node " + node.display() + ": " + error);
    return;
  }
  cluster_node_->command({"CLUSTER", "SLOTS"}, [this, alive = std::weak_ptr<bool>(alive_), address](redisReply* reply) {
    if (!alive.expired()) on_slot_map(reply, address);
  });
}

void RedisBroker::on_slot_map(redisReply* reply, const RedisEndpoint::Address& asked) {
  if (state_ != State::connecting) return;
  const uint16_t slot = redis_key_slot(keys_.seq());
  const auto map = read_slot_map(reply, asked);
  const RedisSlotMap::Range* owner = map ? map->owner_of(slot) : nullptr;
  if (!owner) {
    on_link_down("the cluster node at " + asked.host + ":" + std::to_string(asked.port) +
                 " names no master for pushwire's slot " + std::to_string(slot) + " (" +
                 (map ? std::string("not served") : redis_error_of(reply)) + ")");
    return;
  }
  cluster_node_->close();
  // Masters the map names are asked too next time: the nodes given may be gone by then.
  for (const RedisEndpoint::Address& master : map->masters()) {
    bool known = false;
    for (const auto& node : cluster_nodes_) known = known || (node.host == master.host && node.port == master.port);
    if (!known) cluster_nodes_.push_back(master);
  }
  master_.host = owner->master.host;
  master_.port = owner->master.port;
  wait_for_replica_ = owner->replicas > 0;
  connect_to_master();
}

void RedisBroker::command(const std::vector<std::string_view>& args, RedisLink::OnReply on_reply) {
  auto on_answer = [this, alive = std::weak_ptr<bool>(alive_), on_reply = std::move(on_reply)](redisReply* reply) {
    const std::string error = reply && reply->type == REDIS_REPLY_ERROR ? redis_error_of(reply) : "";
    const bool elsewhere = redis_slot_elsewhere(error);
    if (elsewhere && !alive.expired()) BrokerStats::add(stats_->slot_moves_total);
    on_reply(reply);
    if (elsewhere && !alive.expired()) follow_slot("pushwire's slot is not served here (" + error + ")");
  };
  commands_->command(args, std::move(on_answer));
}

void RedisBroker::follow_slot(const std::string& why) {
  if (state_ == State::down || state_ == State::stopped) return;
  auto resend = std::exchange(resend_after_sync_, {});
  on_link_down(why);
  if (state_ == State::stopped) {
    for (Resend& publish : resend) publish.done(nullptr);
    return;
  }
  resend_after_sync_ = std::move(resend);  // sent once this thread has caught up where the slot is now
  reconnect_at_ms_ = util::steady_ms();   // at once: the map tells where to go
}

}  // namespace pushwire::broker

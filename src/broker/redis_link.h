#pragma once
#include <hiredis/async.h>
#include <uv.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/broker_stats.h"
#include "broker/redis_url.h"

namespace pushwire::broker {

// One connection to Redis, driven by a libuv loop through hiredis's
// asynchronous API. Replies arrive on the loop's thread. When the connection
// ends, every command still waiting is answered with nullptr, and on_down
// says why (unless close() ended it). Each command's round trip is counted
// in `stats`.
class RedisLink {
 public:
  using OnReply = std::function<void(redisReply* reply)>;  // nullptr: no answer
  using OnDown = std::function<void(const std::string& why)>;

  RedisLink(uv_loop_t* loop, RedisEndpoint endpoint, BrokerStats& stats, OnDown on_down);
  ~RedisLink();
  RedisLink(const RedisLink&) = delete;
  RedisLink& operator=(const RedisLink&) = delete;

  // Starts connecting; AUTH and SELECT go first when the endpoint needs them.
  // Commands may be sent at once: they wait for the connection.
  bool connect(std::string& error);
  void command(const std::vector<std::string_view>& args, OnReply on_reply);
  // SUBSCRIBE: on_reply gets the confirmation, then every message.
  void subscribe(std::string_view channel, OnReply on_reply);
  // Ends the connection now, without on_down: commands still waiting are
  // answered with nullptr (they may or may not have been carried out).
  void close();
  // When the oldest command still waiting for its answer was sent (steady
  // ms), or 0 if none is waiting.
  int64_t waiting_since_ms() const { return sent_us_.empty() ? 0 : sent_us_.front() / 1000; }

 private:
  static void on_connect(const redisAsyncContext* context, int status);
  static void on_disconnect(const redisAsyncContext* context, int status);
  void down(const std::string& why);

  uv_loop_t* loop_;
  RedisEndpoint endpoint_;
  BrokerStats& stats_;
  OnDown on_down_;
  redisAsyncContext* context_ = nullptr;
  bool closing_ = false;
  std::deque<int64_t> sent_us_;  // of the commands waiting, oldest first (replies come in order)
};

}  // namespace pushwire::broker

#pragma once
#include <hiredis/async.h>
#include <uv.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/redis_url.h"

namespace pushwire::broker {

// One connection to Redis, driven by a libuv loop through hiredis's
// asynchronous API. Replies arrive on the loop's thread. When the connection
// ends, every command still waiting is answered with nullptr, and on_down
// says why (unless close() ended it).
class RedisLink {
 public:
  using OnReply = std::function<void(redisReply* reply)>;  // nullptr: no answer
  using OnDown = std::function<void(const std::string& why)>;

  RedisLink(uv_loop_t* loop, RedisEndpoint endpoint, OnDown on_down);
  ~RedisLink();
  RedisLink(const RedisLink&) = delete;
  RedisLink& operator=(const RedisLink&) = delete;

  // Starts connecting; AUTH and SELECT go first when the endpoint needs them.
  // Commands may be sent at once: they wait for the connection.
  bool connect(std::string& error);
  void command(const std::vector<std::string_view>& args, OnReply on_reply);
  // SUBSCRIBE: on_reply gets the confirmation, then every message.
  void subscribe(std::string_view channel, OnReply on_reply);
  // Ends the connection after the replies already asked for, without on_down.
  void close();

 private:
  static void on_connect(const redisAsyncContext* context, int status);
  static void on_disconnect(const redisAsyncContext* context, int status);
  void down(const std::string& why);

  uv_loop_t* loop_;
  RedisEndpoint endpoint_;
  OnDown on_down_;
  redisAsyncContext* context_ = nullptr;
  bool closing_ = false;
};

}  // namespace pushwire::broker

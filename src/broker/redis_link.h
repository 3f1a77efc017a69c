#pragma once
#include <hiredis/hiredis.h>
#include <uv.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "broker/broker_stats.h"
#include "broker/redis_url.h"
#include "tls/client_context.h"

namespace pushwire::broker {

// One connection to Redis on a libuv loop. Commands go out in RESP (hiredis's
// formatter) and replies are parsed by hiredis's reply reader; the bytes
// travel over TCP or, for rediss://, over pushwire's own TLS client (hiredis
// 0.14 has none). Replies arrive on the loop's thread. When the connection
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
  struct Socket;  // the libuv handle, freed when libuv has let go of it
  struct Waiting {
    std::shared_ptr<OnReply> on_reply;  // shared: it may end the link while it runs
    bool every_reply;                   // a subscription: it stays for what follows
  };

  void send(const std::vector<std::string_view>& args, OnReply on_reply, bool every_reply);
  void on_connected(int status);
  void on_read(std::string_view bytes);
  void take_replies(std::string_view bytes);
  void flush();
  void write(std::string wire);
  void on_written(int status);
  // The connection failed: answers what waits, then says why.
  void fail(const std::string& why);
  // Closes the socket and answers every command still waiting with nullptr.
  void end();
  void down(const std::string& why);

  uv_loop_t* loop_;
  RedisEndpoint endpoint_;
  BrokerStats& stats_;
  OnDown on_down_;
  redisReader* reader_;
  Socket* socket_ = nullptr;
  std::unique_ptr<tls::ClientContext> tls_context_;  // with rediss://
  std::unique_ptr<tls::ClientStream> tls_;
  bool ready_ = false;  // connected, and the TLS handshake (if any) done
  size_t writes_in_flight_ = 0;
  std::string unsent_;  // commands in RESP, written when ready and no write is in flight (one write for many)
  std::deque<Waiting> waiting_;  // in the order the commands went out: replies come in that order
  bool closing_ = false;
  std::deque<int64_t> sent_us_;  // of the commands waiting, oldest first (replies come in order)
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // expires when the link is destroyed
};

}  // namespace pushwire::broker

// A publisher connection: HTTP POST with keep-alive (requests pipelined when
// more than one is in flight), or a WebSocket sending publish ops whose
// replies carry the op's "ref". Each publish takes the channel's next
// sequence number and embeds it, with the send time, in the payload.
#pragma once

#include <deque>
#include <string>
#include <unordered_map>

#include "http_response.h"
#include "net.h"
#include "run.h"

class Publisher : public Conn {
 public:
  Publisher(Run& run, const sockaddr_in& source);

  void start();
  // Connected, and for WebSocket publishers the handshake is done.
  bool ready() const { return is_connected() && (!websocket_ || upgraded_); }
  int in_flight() const { return int(pending_.size() + pending_refs_.size()); }
  void publish(int channel);

 protected:
  void on_connected() override;
  size_t on_data(const char* p, size_t n) override;
  void on_closed(const std::string& why) override;

 private:
  struct Pending {
    int channel;
    uint64_t seq;
    int64_t sent_ns;
    std::string request;  // HTTP: the request, to resend on a new connection
  };

  size_t on_http_responses(const char* p, size_t n);
  size_t on_frames(const char* p, size_t n);
  void on_reply(std::string_view text);
  void fail_pending(const std::string& why);
  void reconnect_later();

  Run& run_;
  const sockaddr_in source_;
  const bool websocket_;
  bool upgraded_ = false;
  HttpResponse response_;
  std::string ws_key_;
  std::deque<Pending> pending_;                         // HTTP, in request order
  std::unordered_map<uint64_t, Pending> pending_refs_;  // WebSocket, by ref
  uint64_t next_ref_ = 1;
};

// One subscriber connection of any technique: WebSocket (RFC 6455 client),
// SSE, HTTP streaming (chunked NDJSON or raw chunks) or long-polling (with a
// cursor from the JSON body's last_id, or from Last-Modified/Etag headers as
// nchan sends them, or as a pushwire poll session). It holds one channel, or
// several on the one connection (a multi-channel stream or poll session). Every technique ends in the same place: the bytes of a
// message are scanned for benchmark markers, and each marker is checked
// against this subscriber's set of sequence numbers already seen.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "http_response.h"
#include "marker.h"
#include "net.h"
#include "run.h"
#include "sse.h"

class Subscriber : public Conn {
 public:
  enum class Phase { kWaiting, kConnecting, kReady, kFailed, kLost };

  Subscriber(Run& run, std::vector<int> channels, const Url& server, const sockaddr_in& source);

  void start();
  // Gives up on a subscriber that did not become ready in time.
  void drop(const std::string& why);
  Phase phase() const { return phase_; }
  std::vector<int> channels() const;
  bool participant() const { return participant_; }
  void set_participant() { participant_ = true; }
  uint64_t unique() const { return unique_; }
  uint64_t duplicates() const { return duplicates_; }
  // Acknowledged publishes of this subscriber's channels it never received.
  uint64_t missing() const;

 protected:
  void on_connected() override;
  size_t on_data(const char* p, size_t n) override;
  void on_closed(const std::string& why) override;

 private:
  void send_request();
  size_t on_upgrade_response(const char* p, size_t n);
  size_t on_frames(const char* p, size_t n);
  void on_frame(uint8_t opcode, bool fin, const char* p, size_t n);
  size_t on_http(const char* p, size_t n);
  void on_body(const char* p, size_t n);
  void on_poll_response();
  void on_message(const char* p, size_t n);
  void deliver(const marker::Mark& m);
  void become_ready();
  void fail_setup(const std::string& why);
  void lose(const std::string& why);
  void poll_again(int64_t delay_ns);
  std::string poll_target() const;

  // One of this subscriber's channels and the sequence numbers it had of it.
  struct Held {
    int channel;
    SeqSet seen;
  };

  Run& run_;
  const Technique technique_;
  std::vector<Held> held_;
  const std::string target_;      // the request target, every channel filled in
  const bool poll_session_;       // long-poll as a session: channels in the query
  const Url& server_;  // of run.opt.sub_urls
  const sockaddr_in source_;
  Phase phase_ = Phase::kWaiting;
  bool participant_ = false;
  bool upgraded_ = false;
  bool connected_once_ = false;  // this socket's connect succeeded
  uint32_t responses_on_connection_ = 0;
  bool fragmented_ = false;
  HttpResponse response_;
  std::string ws_key_;       // until the handshake is checked
  std::string buffer_;       // long-poll body, or a fragmented WebSocket message
  std::string stream_tail_;  // streaming: bytes of a marker cut by a read
  std::unique_ptr<SseParser> sse_;
  std::string cursor_, last_modified_, etag_;  // long-poll position
  std::string session_;                        // the poll session's id, once opened
  uint32_t unique_ = 0;
  uint32_t duplicates_ = 0;
  int64_t now_ = 0;
};

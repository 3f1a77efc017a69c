#pragma once
#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "http/cors.h"
#include "http/router.h"
#include "http2/frame_output.h"
#include "http2/http2_stream.h"
#include "net/connection.h"

namespace pushwire::http2 {

struct Http2Settings {
  uint32_t max_concurrent_streams = 128;  // RFC 9113 asks for at least 100
  size_t max_header_bytes = 16 * 1024;    // a request's header fields, as HTTP/1.1's limit counts them
  size_t max_body_bytes = 65536;
  int64_t idle_timeout_ms = 60'000;       // with no stream open
};

// HTTP/2 (nghttp2) on one connection, after TLS chose "h2" or a cleartext
// client sent the preface. Each request stream feeds the same Router and
// Exchange as HTTP/1.1. nghttp2's output of a whole loop turn is made in one
// go, just before the connection flushes: one write however many streams
// sent something.
class Http2Session final : public net::Connection::Handler {
 public:
  Http2Session(net::Connection& connection, const http::Router& router, const http::CorsPolicy& cors,
               const Http2Settings& settings);
  ~Http2Session() override;

  void on_read(std::string_view bytes) override;
  void on_closed() override;
  void on_tick(int64_t now_ms) override;
  void on_shutdown() override;

  // For streams.
  net::Connection& connection() { return connection_; }
  const http::CorsPolicy& cors() const { return cors_; }
  const http::Router& router() const { return router_; }
  const Http2Settings& settings() const { return settings_; }
  nghttp2_session* nghttp2() { return session_; }
  // Frames are waiting: they are made at the end of this loop turn.
  void schedule_send();

 private:
  void send_now();
  void close_if_done();
  Http2Stream* stream(int32_t id);

  static nghttp2_session_callbacks* make_callbacks();
  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, size_t name_length,
                       const uint8_t* value, size_t value_length, uint8_t flags, void* self);
  static int on_data_chunk(nghttp2_session*, uint8_t flags, int32_t stream_id, const uint8_t* data, size_t length,
                           void* self);
  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t error_code, void* self);
  static int on_send_data(nghttp2_session*, nghttp2_frame* frame, const uint8_t* frame_head, size_t length,
                          nghttp2_data_source* source, void* self);

  net::Connection& connection_;
  const http::Router& router_;
  const http::CorsPolicy& cors_;
  const Http2Settings& settings_;
  nghttp2_session* session_ = nullptr;
  FrameOutput output_;
  std::unordered_map<int32_t, std::unique_ptr<Http2Stream>> streams_;
  int64_t last_activity_ms_;
  std::shared_ptr<bool> alive_;  // lets the deferred send see that this session is gone
  bool send_scheduled_ = false;
  bool shutting_down_ = false;
};

}  // namespace pushwire::http2

#include "http2/http2_session.h"

#include <array>

#include "net/event_loop.h"
#include "util/log.h"

namespace pushwire::http2 {

namespace {
Http2Session& session_of(void* self) { return *static_cast<Http2Session*>(self); }
}  // namespace

Http2Session::Http2Session(net::Connection& connection, const http::Router& router, const http::CorsPolicy& cors,
                           const Http2Settings& settings)
    : connection_(connection),
      router_(router),
      cors_(cors),
      settings_(settings),
      output_(connection),
      last_activity_ms_(connection.loop().now_ms()),
      alive_(std::make_shared<bool>(true)) {
  static nghttp2_session_callbacks* const callbacks = make_callbacks();
  nghttp2_session_server_new(&session_, callbacks, this);
  const std::array<nghttp2_settings_entry, 3> ours = {{
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, settings.max_concurrent_streams},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, static_cast<uint32_t>(settings.max_header_bytes)},
      {NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 1},  // WebSockets over HTTP/2 (RFC 8441)
  }};
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, ours.data(), ours.size());
  schedule_send();
}

Http2Session::~Http2Session() {
  streams_.clear();  // their exchanges end before the session they use
  nghttp2_session_del(session_);
}

Http2Stream* Http2Session::stream(int32_t id) {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : it->second.get();
}

void Http2Session::on_read(std::string_view bytes) {
  last_activity_ms_ = connection_.loop().now_ms();
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  const ssize_t used = nghttp2_session_mem_recv(session_, data, bytes.size());
  if (used < 0) {
    PW_LOG(debug, connection_.peer(), " HTTP/2 error: ", nghttp2_strerror(static_cast<int>(used)));
    send_now();  // the GOAWAY nghttp2 queued, if any
    connection_.close();
    return;
  }
  schedule_send();
}

void Http2Session::schedule_send() {
  if (send_scheduled_) return;
  send_scheduled_ = true;
  connection_.loop().defer([this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.expired()) return;
    send_scheduled_ = false;
    send_now();
  });
}

void Http2Session::send_now() {
  if (connection_.closing()) return;
  for (;;) {
    const uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n < 0) {
      PW_LOG(debug, connection_.peer(), " HTTP/2 error: ", nghttp2_strerror(static_cast<int>(n)));
      output_.flush();
      connection_.abort();
      return;
    }
    if (n == 0) break;
    output_.copy({reinterpret_cast<const char*>(data), static_cast<size_t>(n)});
  }
  output_.flush();
  close_if_done();
}

void Http2Session::close_if_done() {
  const bool finished = shutting_down_ && streams_.empty();
  if (finished || (!nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_)))
    connection_.close();
}

void Http2Session::on_closed() {
  shutting_down_ = true;
  streams_.clear();
}

void Http2Session::on_tick(int64_t now_ms) {
  for (auto& [id, stream] : streams_) stream->on_tick(now_ms);
  if (streams_.empty() && now_ms - last_activity_ms_ > settings_.idle_timeout_ms) {
    PW_LOG(debug, connection_.peer(), " HTTP/2 idle, closing");
    on_shutdown();
  }
}

void Http2Session::on_shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  // Streams already begun are answered; the client opens no more.
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(session_),
                        NGHTTP2_NO_ERROR, nullptr, 0);
  for (auto& [id, stream] : streams_) stream->on_shutdown();
  schedule_send();
}

int Http2Session::on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* self) {
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
  Http2Session& session = session_of(self);
  const int32_t id = frame->hd.stream_id;
  session.streams_[id] = std::make_unique<Http2Stream>(session, id);
  return 0;
}

int Http2Session::on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, size_t name_length,
                            const uint8_t* value, size_t value_length, uint8_t, void* self) {
  if (Http2Stream* stream = session_of(self).stream(frame->hd.stream_id))
    stream->add_header({reinterpret_cast<const char*>(name), name_length},
                       {reinterpret_cast<const char*>(value), value_length});
  return 0;
}

int Http2Session::on_data_chunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data, size_t length,
                                void* self) {
  if (Http2Stream* stream = session_of(self).stream(stream_id))
    stream->add_body({reinterpret_cast<const char*>(data), length});
  return 0;
}

int Http2Session::on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* self) {
  Http2Session& session = session_of(self);
  Http2Stream* stream = session.stream(frame->hd.stream_id);
  if (!stream) return 0;
  const bool request_ends = (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
                            (frame->hd.flags & NGHTTP2_FLAG_END_STREAM);
  if (stream->dispatched()) {
    if (request_ends) stream->client_ended();
    return 0;
  }
  // A CONNECT's request goes on as the tunnel's data: it is answered once its head is in.
  const bool connect_head = frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST &&
                            stream->is_connect();
  if (request_ends || connect_head) {
    if (session.shutting_down_) stream->abort();
    else stream->dispatch();
  }
  return 0;
}

int Http2Session::on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t, void* self) {
  Http2Session& session = session_of(self);
  auto it = session.streams_.find(stream_id);
  if (it == session.streams_.end()) return 0;
  std::unique_ptr<Http2Stream> closed = std::move(it->second);
  session.streams_.erase(it);
  return 0;  // `closed` goes, and with it its exchange and what that held
}

int Http2Session::on_send_data(nghttp2_session*, nghttp2_frame*, const uint8_t* frame_head, size_t length,
                               nghttp2_data_source* source, void* self) {
  constexpr size_t kFrameHeadBytes = 9;  // no padding is ever asked for, so the payload follows it directly
  FrameOutput& output = session_of(self).output_;
  output.copy({reinterpret_cast<const char*>(frame_head), kFrameHeadBytes});
  static_cast<Http2Stream*>(source->ptr)->send_body_bytes(length, output);
  return 0;
}

nghttp2_session_callbacks* Http2Session::make_callbacks() {
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data_chunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_recv);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_stream_close);
  nghttp2_session_callbacks_set_send_data_callback(callbacks, on_send_data);
  return callbacks;
}

}  // namespace pushwire::http2

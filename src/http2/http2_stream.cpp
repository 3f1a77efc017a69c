#include "http2/http2_stream.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "http/url.h"
#include "http2/frame_output.h"
#include "http2/http2_session.h"
#include "util/log.h"

namespace pushwire::http2 {

namespace {
ssize_t read_body(nghttp2_session*, int32_t, uint8_t*, size_t length, uint32_t* flags, nghttp2_data_source* source,
                  void*) {
  bool done = false;
  const long ready = static_cast<Http2Stream*>(source->ptr)->body_ready(length, done);
  if (ready < 0) return NGHTTP2_ERR_DEFERRED;
  // The bytes go out from where they are, through the session's send_data callback.
  *flags |= NGHTTP2_DATA_FLAG_NO_COPY;
  if (done) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return ready;
}

nghttp2_nv field(std::string_view name, std::string_view value) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
          NGHTTP2_NV_FLAG_NONE};
}
}  // namespace

Http2Stream::~Http2Stream() {
  if (tunnel_) tunnel_->on_closed();
}

net::Connection& Http2Stream::connection() { return session_.connection(); }
const http::CorsPolicy& Http2Stream::cors() const { return session_.cors(); }
net::EventLoop& Http2Stream::loop() { return session_.connection().loop(); }
std::string Http2Stream::peer() const { return session_.connection().peer(); }
std::string Http2Stream::peer_ip() const { return session_.connection().peer_ip(); }

void Http2Stream::on_tick(int64_t now_ms) {
  if (tunnel_) tunnel_->on_tick(now_ms);
  else if (exchange_ && exchange_->state()) exchange_->state()->on_tick(now_ms);
}

void Http2Stream::on_shutdown() {
  if (tunnel_) tunnel_->on_shutdown();
  else if (exchange_ && exchange_->state()) exchange_->state()->on_shutdown();
}

net::ByteStream* Http2Stream::open_tunnel(http::ResponseHead head) {
  submit(head, "", true);
  return this;
}

void Http2Stream::add_header(std::string_view name, std::string_view value) {
  header_bytes_ += name.size() + value.size() + 4;  // counted as HTTP/1.1's "name: value\r\n"
  if (header_bytes_ > session_.settings().max_header_bytes) return;  // refused at dispatch
  if (name == ":method") connect_ = value == "CONNECT";
  if (name == ":method") request_.method = value;
  else if (name == ":path") request_.target = value;
  else if (name == ":authority") request_.headers.push_back({"host", std::string(value)});
  else if (name == ":protocol") request_.protocol = value;
  else if (!name.starts_with(':')) request_.headers.push_back({std::string(name), std::string(value)});
}

void Http2Stream::add_body(std::string_view bytes) {
  if (tunnel_) {
    tunnel_->on_read(bytes);
    return;
  }
  if (exchange_) return;  // answered already (a refused CONNECT): the rest is dropped
  if (request_.body.size() + bytes.size() > session_.settings().max_body_bytes) body_too_large_ = true;
  else request_.body.append(bytes);
}

std::string Http2Stream::request_problem(int& status, std::string_view& code) {
  status = 400;
  code = "bad_request";
  if (header_bytes_ > session_.settings().max_header_bytes) {
    status = 431;
    code = "headers_too_large";
    return "the request's header fields are over " + std::to_string(session_.settings().max_header_bytes) + " bytes";
  }
  if (body_too_large_) {
    status = 413;
    code = "too_large";
    return "the request body is over " + std::to_string(session_.settings().max_body_bytes) + " bytes";
  }
  if (request_.method == "CONNECT" && request_.protocol.empty()) {
    status = 405;
    code = "method_not_allowed";
    return "CONNECT is only for RFC 8441 tunnels (:protocol)";
  }
  if (request_.target == "*") {
    request_.path = "*";
    return request_.method == "OPTIONS" ? "" : ":path * is only for OPTIONS";
  }
  const auto parts = http::split_target(request_.target);
  if (!parts || !request_.target.starts_with('/')) return ":path is not an absolute path";
  auto path = http::decode_path(parts->path);
  auto query = http::parse_query(parts->query);
  if (!path || !query) return ":path has a malformed percent-escape";
  request_.path = std::move(*path);
  request_.query = std::move(*query);
  return "";
}

void Http2Stream::dispatch() {
  request_.http_major = 2;
  request_.http_minor = 0;
  int status = 0;
  std::string_view code;
  const std::string problem = request_problem(status, code);
  exchange_ = std::make_unique<http::Exchange>(*this, std::move(request_));
  if (!problem.empty()) {
    PW_LOG_LIMITED("refused requests", info, connection().peer(), " HTTP/2 request refused (", status, "): ", problem);
    exchange_->respond_error(status, code, problem);
    return;
  }
  PW_LOG(debug, connection().peer(), " ", exchange_->request().method, " ", http::redacted_target(exchange_->request().target),
         " (HTTP/2)");
  session_.router().dispatch(*exchange_);
}

long Http2Stream::body_ready(size_t length, bool& done) const {
  const size_t ready = std::min(length, pending_bytes_);
  done = body_ended_ && ready == pending_bytes_;
  if (ready == 0 && !done) return -1;
  return static_cast<long>(ready);
}

void Http2Stream::send_body_bytes(size_t length, FrameOutput& out) {
  pending_bytes_ -= length;
  while (length > 0) {
    net::OutChunk& front = body_.front();
    const size_t n = std::min(length, front.size - body_offset_);
    out.share({front.owner, front.data + body_offset_, n});
    length -= n;
    body_offset_ += n;
    if (body_offset_ == front.size) {
      body_.pop_front();
      body_offset_ = 0;
    }
  }
}

void Http2Stream::submit(const http::ResponseHead& head, std::string_view content_length, bool with_body) {
  const std::string status = std::to_string(head.status());
  const auto fields = head.fields();
  std::vector<std::string> names;  // HTTP/2 field names are lower-case
  names.reserve(fields.size());
  std::vector<nghttp2_nv> nv;
  nv.reserve(fields.size() + 2);
  nv.push_back(field(":status", status));
  for (const auto& [name, value] : fields) {
    std::string& lower = names.emplace_back(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    nv.push_back(field(lower, value));
  }
  if (!content_length.empty()) nv.push_back(field("content-length", content_length));
  nghttp2_data_provider provider{};
  provider.source.ptr = this;
  provider.read_callback = read_body;
  nghttp2_submit_response(session_.nghttp2(), id_, nv.data(), nv.size(), with_body ? &provider : nullptr);
  session_.schedule_send();
}

void Http2Stream::send_response(http::ResponseHead head, http::BodyFraming framing, size_t content_length,
                                std::string body, bool) {
  body_ended_ = true;
  const bool with_body = !body.empty();
  if (with_body) send_body(net::OutChunk::take(std::move(body)));
  submit(head, framing == http::BodyFraming::content_length ? std::to_string(content_length) : "", with_body);
}

void Http2Stream::start_body(http::ResponseHead head, http::BodyFraming framing, size_t content_length, bool) {
  submit(head, framing == http::BodyFraming::content_length ? std::to_string(content_length) : "", true);
}

void Http2Stream::send_body(net::OutChunk bytes) {
  if (bytes.size == 0) return;
  pending_bytes_ += bytes.size;
  body_.push_back(std::move(bytes));
  nghttp2_session_resume_data(session_.nghttp2(), id_);
  session_.schedule_send();
}

void Http2Stream::end_body(http::BodyFraming, bool) {
  body_ended_ = true;
  nghttp2_session_resume_data(session_.nghttp2(), id_);
  session_.schedule_send();
}

void Http2Stream::abort() {
  // What body_ready offers must stay what send_body_bytes can send.
  body_.clear();
  body_offset_ = 0;
  pending_bytes_ = 0;
  nghttp2_submit_rst_stream(session_.nghttp2(), NGHTTP2_FLAG_NONE, id_, NGHTTP2_CANCEL);
  session_.schedule_send();
}

}  // namespace pushwire::http2

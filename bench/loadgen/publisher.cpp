#include "publisher.h"

#include <cstdlib>

#include "marker.h"
#include "websocket.h"

namespace {

constexpr int64_t kReconnectDelayNs = 100 * 1000000LL;

std::string replace_all(std::string text, const std::string& key, const std::string& value) {
  for (size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + value.size()))
    text.replace(pos, key.size(), value);
  return text;
}

}  // namespace

Publisher::Publisher(Run& run, const sockaddr_in& source)
    : Conn(run.loop), run_(run), source_(source), websocket_(run.opt.pub_url.scheme == "ws") {}

void Publisher::start() {
  upgraded_ = false;
  response_.reset();
  std::string error;
  if (!start_connect(run_.opt.pub_url.addr, &source_, run_.opt.pub_url.tls, error)) {
    run_.note_pub_error("publisher: " + error);
    reconnect_later();
  }
}

void Publisher::reconnect_later() {
  if (run_.stopping) return;
  run_.defer(mono_ns() + kReconnectDelayNs, [this] {
    if (!run_.stopping && !is_open()) {
      run_.stats.reconnects++;
      start();
    }
  });
}

void Publisher::on_connected() {
  if (!websocket_) {
    // Requests the server never answered before it ended the keep-alive
    // connection: it did not process them, so they go out again.
    for (const Pending& p : pending_) send_bytes(p.request);
    return;
  }
  const Options& opt = run_.opt;
  ws_key_ = ws::make_key();
  std::string req = "GET " + expand(opt.pub_url.target, run_.channels[0].name) +
                    " HTTP/1.1\r\nHost: " + opt.pub_url.host_port +
                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    "Sec-WebSocket-Key: " +
                    ws_key_ + "\r\n";
  for (const std::string& h : opt.pub_headers) req += h + "\r\n";
  req += "\r\n";
  send_bytes(req);
}

void Publisher::on_closed(const std::string& why) {
  fail_pending(why);
  if (!run_.stopping) run_.note_pub_error("publisher connection: " + why);
  reconnect_later();
}

void Publisher::fail_pending(const std::string& why) {
  for (const Pending& p : pending_) run_.ack(p.channel, p.seq, p.sent_ns, false, "unacknowledged, " + why);
  for (const auto& [ref, p] : pending_refs_) run_.ack(p.channel, p.seq, p.sent_ns, false, "unacknowledged, " + why);
  pending_.clear();
  pending_refs_.clear();
}

void Publisher::publish(int channel) {
  const Options& opt = run_.opt;
  ChannelState& ch = run_.channels[size_t(channel)];
  uint64_t seq = ch.next_seq++;
  int64_t now = mono_ns();
  std::string payload = marker::make_payload(channel, seq, uint64_t(now), size_t(opt.size));
  run_.stats.published++;
  run_.in_flight++;
  if (!websocket_) {
    std::string req;
    req.reserve(200 + payload.size());
    req += "POST " + ch.pub_target + " HTTP/1.1\r\nHost: " + opt.pub_url.host_port +
           "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(payload.size()) + "\r\n";
    for (const std::string& h : opt.pub_headers) req += h + "\r\n";
    req += "\r\n";
    req += payload;
    send_bytes(req);
    pending_.push_back({channel, seq, now, std::move(req)});
    return;
  }
  uint64_t ref = next_ref_++;
  std::string text = replace_all(opt.pub_ws_template, "{channel}", ch.name);
  text = replace_all(std::move(text), "{ref}", std::to_string(ref));
  text = replace_all(std::move(text), "{data}", payload);
  std::string frame;
  ws::append_frame(frame, ws::kText, text.data(), text.size(), run_.mask_key());
  if (opt.pub_ack_ref) pending_refs_[ref] = {channel, seq, now, {}};
  send_bytes(frame);
  if (!opt.pub_ack_ref) run_.ack(channel, seq, now, true, "");
}

size_t Publisher::on_data(const char* p, size_t n) {
  if (!websocket_) return on_http_responses(p, n);
  size_t used = 0;
  if (!upgraded_) {
    auto r = response_.feed(p, n, used, [](const char*, size_t) {});
    if (r == HttpResponse::Result::kNeedMore && !response_.headers_done()) return used;
    std::string problem;
    if (r == HttpResponse::Result::kError)
      problem = response_.error();
    else if (response_.status() != 101)
      problem = "HTTP " + std::to_string(response_.status());
    else if (response_.ws_accept() != ws::accept_for(ws_key_))
      problem = "wrong Sec-WebSocket-Accept";
    if (!problem.empty()) {
      close_now();
      on_closed("WebSocket handshake: " + problem);
      return n;
    }
    upgraded_ = true;
  }
  return used + on_frames(p + used, n - used);
}

size_t Publisher::on_http_responses(const char* p, size_t n) {
  size_t pos = 0;
  while (pos < n && is_open()) {
    size_t used = 0;
    auto r = response_.feed(p + pos, n - pos, used, [](const char*, size_t) {});
    pos += used;
    if (r == HttpResponse::Result::kNeedMore) break;
    if (r == HttpResponse::Result::kError || pending_.empty()) {
      std::string why = r == HttpResponse::Result::kError ? "bad response: " + response_.error()
                                                          : "response without a request";
      close_now();
      on_closed(why);
      return n;
    }
    Pending done = pending_.front();
    pending_.pop_front();
    int status = response_.status();
    run_.ack(done.channel, done.seq, done.sent_ns, status >= 200 && status < 300,
             "HTTP " + std::to_string(status) + " from " + run_.channels[size_t(done.channel)].pub_target);
    bool keep_alive = response_.keep_alive();
    response_.reset();
    if (!keep_alive) {
      // A normal end of a keep-alive connection: reopen at once (on the
      // next loop iteration) and resend what is still pending.
      close_now();
      run_.defer(mono_ns(), [this] {
        if (!run_.stopping && !is_open()) {
          run_.stats.reconnects++;
          start();
        }
      });
      return n;
    }
  }
  return pos;
}

size_t Publisher::on_frames(const char* p, size_t n) {
  auto handle = [this](const ws::FrameHeader& h, std::string_view payload) {
    if (h.opcode == ws::kText || h.opcode == ws::kBinary) {
      on_reply(payload);
    } else if (h.opcode == ws::kPing) {
      std::string frame;
      ws::append_frame(frame, ws::kPong, payload.data(), payload.size(), run_.mask_key());
      send_bytes(frame);
      return is_open();  // a failed send closed the connection and freed the input
    } else if (h.opcode == ws::kClose) {
      close_now();
      on_closed("server closed the WebSocket");
      return false;
    }
    return true;
  };
  size_t used = 0;
  ws::Frames r = ws::read_frames(p, n, 1u << 24, used, handle);
  if (r == ws::Frames::kError) {
    close_now();
    on_closed("WebSocket protocol error from server");
  }
  return r == ws::Frames::kNeedMore ? used : n;
}

void Publisher::on_reply(std::string_view text) {
  size_t at = text.find("\"ref\":");
  if (at == std::string_view::npos) return;
  uint64_t ref = std::strtoull(std::string(text.substr(at + 6, 24)).c_str(), nullptr, 10);
  auto it = pending_refs_.find(ref);
  if (it == pending_refs_.end()) return;
  Pending done = it->second;
  pending_refs_.erase(it);
  bool ok = text.find("\"op\":\"ok\"") != std::string_view::npos;
  run_.ack(done.channel, done.seq, done.sent_ns, ok, std::string(text.substr(0, 200)));
}

#include "subscriber.h"

#include <cctype>
#include <cstring>

#include "url.h"
#include "websocket.h"

namespace {

constexpr uint64_t kMaxMessage = 64 * 1024 * 1024;
constexpr int64_t kRetryDelayNs = 100 * 1000000LL;

// `target` with query parameter `name` set to `value` (replacing it if present).
std::string with_query_param(const std::string& target, const std::string& name, const std::string& value) {
  size_t q = target.find('?');
  std::string out = target.substr(0, q);
  char sep = '?';
  if (q != std::string::npos) {
    size_t pos = q + 1;
    while (pos <= target.size()) {
      size_t amp = target.find('&', pos);
      if (amp == std::string::npos) amp = target.size();
      std::string pair = target.substr(pos, amp - pos);
      if (!pair.empty() && pair.compare(0, name.size() + 1, name + "=") != 0 && pair != name) {
        out += sep;
        out += pair;
        sep = '&';
      }
      pos = amp + 1;
    }
  }
  out += sep;
  out += name;
  out += '=';
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':') {
      out += char(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The string value of "key": in a JSON text, "" for null, false if absent.
bool json_string_field(std::string_view body, std::string_view key, std::string& out) {
  size_t at = body.find(key);
  if (at == std::string_view::npos) return false;
  size_t i = at + key.size();
  while (i < body.size() && (body[i] == ' ' || body[i] == ':')) i++;
  if (i < body.size() && body[i] == '"') {
    size_t end = body.find('"', i + 1);
    if (end == std::string_view::npos) return false;
    out.assign(body.substr(i + 1, end - i - 1));
    return true;
  }
  out.clear();
  return body.compare(i, 4, "null") == 0;
}

// The request target of a subscriber of `channels`.
std::string target_for(const Run& run, const std::vector<int>& channels) {
  if (channels.size() == 1) return run.channels[size_t(channels[0])].sub_target;
  std::vector<std::string> names;
  for (int channel : channels) names.push_back(run.channels[size_t(channel)].name);
  return expand_each(run.opt.sub_url.target, names);
}

}  // namespace

Subscriber::Subscriber(Run& run, std::vector<int> channels, const Url& server, const sockaddr_in& source)
    : Conn(run.loop),
      run_(run),
      technique_(run.opt.technique),
      target_(target_for(run, channels)),
      poll_session_(technique_ == Technique::kLongPoll &&
                    run.opt.sub_url.target.find('?') < run.opt.sub_url.target.find("{channel}")),
      server_(server),
      source_(source) {
  for (int channel : channels) held_.push_back(Held{channel, {}});
}

std::vector<int> Subscriber::channels() const {
  std::vector<int> out;
  for (const Held& h : held_) out.push_back(h.channel);
  return out;
}

uint64_t Subscriber::missing() const {
  uint64_t missing = 0;
  for (const Held& h : held_) missing += h.seen.missing_from(run_.channels[size_t(h.channel)].acked);
  return missing;
}

void Subscriber::start() {
  if (phase_ == Phase::kWaiting) {
    phase_ = Phase::kConnecting;
    run_.subs_connecting++;
  }
  upgraded_ = false;
  fragmented_ = false;
  connected_once_ = false;
  response_.reset();
  buffer_.clear();
  stream_tail_.clear();
  if (technique_ == Technique::kSse) sse_ = std::make_unique<SseParser>();
  std::string error;
  if (!start_connect(server_.addr, &source_, server_.tls, error)) {
    if (phase_ == Phase::kConnecting)
      fail_setup(error);
    else
      lose(error);
  }
}

void Subscriber::drop(const std::string& why) {
  if (phase_ == Phase::kWaiting) {  // never started: counts as failed
    phase_ = Phase::kConnecting;
    run_.subs_connecting++;
  }
  if (phase_ == Phase::kConnecting) fail_setup(why);
}

void Subscriber::become_ready() {
  if (phase_ != Phase::kConnecting) return;
  phase_ = Phase::kReady;
  run_.subs_connecting--;
  run_.subs_ready++;
}

void Subscriber::fail_setup(const std::string& why) {
  close_now();
  if (phase_ != Phase::kConnecting) return;
  phase_ = Phase::kFailed;
  run_.subs_connecting--;
  run_.subs_failed++;
  run_.stats.connect_failures++;
  run_.note_sub_error("subscriber: " + why);
}

void Subscriber::lose(const std::string& why) {
  close_now();
  if (phase_ == Phase::kConnecting) {
    fail_setup(why);
    return;
  }
  if (phase_ != Phase::kReady) return;
  phase_ = Phase::kLost;
  run_.subs_ready--;
  run_.subs_lost++;
  if (!run_.stopping) {
    run_.stats.disconnects++;
    run_.note_sub_error("subscriber lost: " + why);
  }
}

void Subscriber::on_connected() {
  connected_once_ = true;
  responses_on_connection_ = 0;
  send_request();
  if (technique_ == Technique::kLongPoll) become_ready();
}

void Subscriber::send_request() {
  const Options& opt = run_.opt;
  std::string req;
  req.reserve(256);
  req += "GET " + (technique_ == Technique::kLongPoll ? poll_target() : target_) + " HTTP/1.1\r\nHost: " +
         server_.host_port + "\r\n";
  switch (technique_) {
    case Technique::kWebSocket:
      ws_key_ = ws::make_key();
      req += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ";
      req += ws_key_;
      req += "\r\n";
      break;
    case Technique::kSse:
      req += "Accept: text/event-stream\r\nCache-Control: no-cache\r\n";
      break;
    case Technique::kStream:
      req += "Accept: */*\r\n";
      break;
    case Technique::kLongPoll:
      req += "Accept: */*\r\n";
      if (!last_modified_.empty()) req += "If-Modified-Since: " + last_modified_ + "\r\n";
      if (!etag_.empty()) req += "If-None-Match: " + etag_ + "\r\n";
      run_.stats.poll_requests++;
      break;
  }
  for (const std::string& h : opt.sub_headers) req += h + "\r\n";
  req += "\r\n";
  send_bytes(req);
}

// A poll session's next poll acknowledges the last answer received; the
// first poll (or one after the session ended) opens it, from the stream
// cursor reached. A poll of one channel sends that channel's cursor.
std::string Subscriber::poll_target() const {
  if (poll_session_ && !session_.empty())
    return target_.substr(0, target_.find('?')) + "?session=" + session_ + "&ack=" + cursor_;
  return cursor_.empty() ? target_ : with_query_param(target_, run_.opt.since_param, cursor_);
}

void Subscriber::on_closed(const std::string& why) {
  if (technique_ == Technique::kLongPoll && phase_ == Phase::kReady && connected_once_) {
    if (response_.headers_done() && response_.body_until_close()) {
      on_poll_response();  // the close ended the body
    } else if (!run_.stopping) {
      // Closed while a poll was pending. After earlier responses this is a
      // keep-alive connection the server ended: poll again at once; on a
      // connection that never answered, wait a little, so that a server
      // that refuses every request is not hammered.
      run_.stats.reconnects++;
      poll_again(responses_on_connection_ ? 0 : kRetryDelayNs);
    }
    return;
  }
  lose(why);
}

void Subscriber::poll_again(int64_t delay_ns) {
  run_.defer(mono_ns() + delay_ns, [this] {
    if (run_.stopping || phase_ != Phase::kReady) return;
    if (is_connected()) {
      send_request();
    } else {
      std::string error;
      response_.reset();
      connected_once_ = false;
      if (!start_connect(server_.addr, &source_, server_.tls, error)) lose(error);
    }
  });
}

size_t Subscriber::on_data(const char* p, size_t n) {
  now_ = mono_ns();
  if (technique_ == Technique::kWebSocket) {
    size_t used = 0;
    if (!upgraded_) {
      used = on_upgrade_response(p, n);
      if (!upgraded_ || !is_open()) return used;
    }
    return used + on_frames(p + used, n - used);
  }
  return on_http(p, n);
}

size_t Subscriber::on_upgrade_response(const char* p, size_t n) {
  size_t used = 0;
  auto r = response_.feed(p, n, used, [](const char*, size_t) {});
  if (r == HttpResponse::Result::kError) {
    fail_setup("handshake: " + response_.error());
    return n;
  }
  if (!response_.headers_done()) return used;
  if (response_.status() != 101) {
    fail_setup("handshake: HTTP " + std::to_string(response_.status()) + " from " +
               target_);
    return n;
  }
  if (response_.ws_accept() != ws::accept_for(ws_key_)) {
    fail_setup("handshake: wrong Sec-WebSocket-Accept");
    return n;
  }
  ws_key_.clear();
  ws_key_.shrink_to_fit();
  upgraded_ = true;
  become_ready();
  return used;
}

size_t Subscriber::on_frames(const char* p, size_t n) {
  auto handle = [this](const ws::FrameHeader& h, std::string_view payload) {
    on_frame(h.opcode, h.fin, payload.data(), payload.size());
    return is_open();
  };
  size_t used = 0;
  ws::Frames r = ws::read_frames(p, n, kMaxMessage, used, handle);
  if (r == ws::Frames::kError) lose("WebSocket protocol error from server");
  return r == ws::Frames::kNeedMore ? used : n;
}

void Subscriber::on_frame(uint8_t opcode, bool fin, const char* p, size_t n) {
  switch (opcode) {
    case ws::kText:
    case ws::kBinary:
      if (fragmented_) {
        lose("WebSocket: new message inside a fragmented one");
        return;
      }
      if (fin) {
        on_message(p, n);
      } else {
        buffer_.assign(p, n);
        fragmented_ = true;
      }
      return;
    case ws::kContinuation:
      if (!fragmented_) {
        lose("WebSocket: continuation without a first fragment");
        return;
      }
      buffer_.append(p, n);
      if (buffer_.size() > kMaxMessage) {
        lose("WebSocket: message too large");
        return;
      }
      if (fin) {
        fragmented_ = false;
        on_message(buffer_.data(), buffer_.size());
        buffer_.clear();
      }
      return;
    case ws::kPing: {
      std::string frame;
      ws::append_frame(frame, ws::kPong, p, n, run_.mask_key());
      send_bytes(frame);
      return;
    }
    case ws::kPong:
      return;
    case ws::kClose: {
      std::string frame;
      ws::append_frame(frame, ws::kClose, p, n >= 2 ? 2 : 0, run_.mask_key());
      send_bytes(frame);
      int code = n >= 2 ? (uint8_t(p[0]) << 8 | uint8_t(p[1])) : 1005;
      lose("server closed the WebSocket, code " + std::to_string(code));
      return;
    }
  }
}

size_t Subscriber::on_http(const char* p, size_t n) {
  size_t pos = 0;
  while (pos < n && is_open()) {
    size_t used = 0;
    bool was_head = !response_.headers_done();
    auto r = response_.feed(p + pos, n - pos, used, [this](const char* b, size_t len) { on_body(b, len); });
    pos += used;
    if (r == HttpResponse::Result::kError) {
      lose("bad HTTP response: " + response_.error());
      return n;
    }
    if (was_head && response_.headers_done() && technique_ != Technique::kLongPoll) {
      if (response_.status() != 200) {
        fail_setup("HTTP " + std::to_string(response_.status()) + " from " +
                   target_);
        return n;
      }
      become_ready();
    }
    if (r == HttpResponse::Result::kNeedMore) break;
    // A complete response.
    if (technique_ != Technique::kLongPoll) {
      lose("the server ended the stream");
      return n;
    }
    on_poll_response();
  }
  return pos;
}

void Subscriber::on_body(const char* p, size_t n) {
  switch (technique_) {
    case Technique::kLongPoll:
      buffer_.append(p, n);
      return;
    case Technique::kSse:
      sse_->feed(p, n, [this](const std::string& event, const std::string& data) {
        if (!event.empty() && event[0] == '_') {
          if (event == "_gap") run_.stats.gap_signals++;
          return;
        }
        on_message(data.data(), data.size());
      });
      return;
    case Technique::kStream: {
      auto on_mark = [this](const marker::Mark& m) { deliver(m); };
      size_t keep;
      if (stream_tail_.empty()) {
        keep = marker::scan(p, n, on_mark);
        if (keep) stream_tail_.assign(p + n - keep, keep);
      } else {
        stream_tail_.append(p, n);
        keep = marker::scan(stream_tail_.data(), stream_tail_.size(), on_mark);
        stream_tail_.erase(0, stream_tail_.size() - keep);
      }
      return;
    }
    case Technique::kWebSocket:
      return;
  }
}

void Subscriber::on_poll_response() {
  responses_on_connection_++;
  bool keep_alive = response_.keep_alive() && is_open();
  int status = response_.status();
  bool ok = (status >= 200 && status < 300) || status == 304 || status == 408;
  if (poll_session_ && status == 404 && !session_.empty()) {
    // The session ended (no poll within its grace): open a new one from the cursor.
    session_.clear();
    run_.stats.reconnects++;
    ok = true;
  } else if (ok) {
    if (!response_.last_modified().empty()) last_modified_ = response_.last_modified();
    if (!response_.etag().empty()) etag_ = response_.etag();
    std::string last_id;
    // A null last_id means an empty channel: everything from its start.
    if (json_string_field(buffer_, "\"last_id\"", last_id)) cursor_ = last_id.empty() ? "0" : last_id;
    if (poll_session_) json_string_field(buffer_, "\"session\"", session_);
    if (buffer_.find("\"gap\":true") != std::string::npos) run_.stats.gap_signals++;
    marker::scan(buffer_.data(), buffer_.size(), [this](const marker::Mark& m) { deliver(m); });
  } else {
    run_.stats.http_errors++;
    run_.note_sub_error("long-poll: HTTP " + std::to_string(status) + " from " +
                        target_);
  }
  buffer_.clear();
  response_.reset();
  if (run_.stopping) return;
  if (!keep_alive) {
    close_now();
    run_.stats.reconnects++;
  }
  if (ok && keep_alive)
    send_request();
  else
    poll_again(ok ? 0 : kRetryDelayNs);
}

void Subscriber::on_message(const char* p, size_t n) {
  bool any = false;
  marker::scan(p, n, [&](const marker::Mark& m) {
    any = true;
    deliver(m);
  });
  if (!any && technique_ == Technique::kWebSocket &&
      std::string_view(p, n).find("\"op\":\"gap\"") != std::string_view::npos)
    run_.stats.gap_signals++;
}

void Subscriber::deliver(const marker::Mark& m) {
  Stats& stats = run_.stats;
  stats.delivered++;
  Held* held = nullptr;
  for (Held& h : held_)
    if (uint64_t(h.channel) == m.channel) held = &h;
  if (!held || m.seq >= run_.channels[size_t(held->channel)].next_seq) {
    stats.unknown++;
    return;
  }
  if (!held->seen.insert(m.seq)) {
    duplicates_++;
    stats.duplicates++;
    return;
  }
  unique_++;
  stats.unique++;
  int64_t latency = now_ - int64_t(m.sent_ns);
  stats.latency_ns.record(latency > 0 ? uint64_t(latency) : 0);
  stats.interval_latency_ns.record(latency > 0 ? uint64_t(latency) : 0);
  stats.last_delivery_ns = now_;
}

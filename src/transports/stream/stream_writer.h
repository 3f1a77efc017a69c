#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/message.h"
#include "http/exchange.h"
#include "net/out_chunk.h"
#include "transports/context.h"
#include "transports/stream/stream_style.h"

namespace pushwire::transports {

// The writing half of a held-open streamed response in one StreamStyle,
// shared by single- and multi-channel streams: headers and opening, each
// message's shared bytes (after the per-response prefix of the iframe),
// control events, heartbeats after --heartbeat seconds of silence, and the
// cut-off of a client whose unsent bytes pass --max-pending-bytes (it
// resumes from history when it comes back, and nobody else waits for it).
class StreamWriter {
 public:
  // `prefix` goes before every message and control event (the iframe's "<script>parent.FN(").
  StreamWriter(Context& context, http::Exchange& exchange, const StreamStyle& style, std::string prefix);

  void open();  // the headers and the style's opening
  void message(const core::MessagePtr& message);
  void control(std::string_view event, std::string_view fields);
  void cursor(std::string_view id);
  void on_tick(int64_t now_ms);
  // What the log calls this stream when it is cut off (kept by reference).
  // `label` (NUL-terminated) outlives the writer.
  void set_label(const char* label) { label_ = label; }

  bool finished() const { return exchange_.finished(); }
  Context& context() const { return context_; }
  http::Exchange& exchange() const { return exchange_; }

 private:
  void send_framed(std::string bytes);
  void send_prefix();
  void after_send();

  Context& context_;
  http::Exchange& exchange_;
  const StreamStyle& style_;
  std::unique_ptr<const net::OutChunk> prefix_;  // shared bytes, sent again and again; null when none
  const char* label_ = nullptr;
  // Loop-clock milliseconds wrapped to 32 bits: only its distance to now is
  // read, always far under the 49 days a wrap takes.
  uint32_t last_send_ms_;
  bool chunked_;
};

}  // namespace pushwire::transports

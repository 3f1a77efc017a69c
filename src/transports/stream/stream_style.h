#pragma once
#include <string>
#include <string_view>

#include "core/message.h"
#include "http/response_head.h"

namespace pushwire::transports {

// What makes one streaming technique (SSE, NDJSON, forever-iframe) differ
// from another: its content type, how a message, a control event (a gap, a
// session announcement, ...) and a heartbeat look, and what goes first. Each message format comes twice, chunk-framed for
// HTTP/1.1 and bare for bodies that end with the connection; both are
// encoded once per message and shared by every subscriber.
struct StreamStyle {
  std::string_view name;           // for logs
  std::string_view content_type;
  http::HeaderList headers;
  const core::WireFormat* chunked;  // the message, chunk-framed
  const core::WireFormat* bare;     // the message as is
  // One of the server's own events (`_gap`, `_session`, ...), whose fields
  // are the JSON object `fields`.
  std::string (*control)(std::string_view event, std::string_view fields);
  // Marks how far a multi-channel stream has come (SSE: an id-only block).
  std::string (*cursor)(std::string_view id);
  std::string_view heartbeat;
  std::string heartbeat_chunk;      // the same, chunk-framed, made once
  std::string opening;              // sent right after the headers
  bool always_until_close = false;  // a per-subscriber prefix rules out shared chunks
};

const StreamStyle& sse_style();
// SSE on a multi-channel stream: the same, but `data:` is the message's JSON
// envelope, which names its channel.
const StreamStyle& sse_session_style();
const StreamStyle& stream_style();
const StreamStyle& iframe_style();

// {"channel":C}: the fields of a gap signal.
std::string channel_fields(std::string_view channel);

// Exposed for tests: one message in each format, without chunk framing.
std::string sse_event(const core::Message& message);
std::string sse_envelope_event(const core::Message& message);
std::string stream_line(const core::Message& message);
std::string iframe_call_tail(const core::Message& message);  // "ENVELOPE);</script>\n"

}  // namespace pushwire::transports

#include "transports/stream/stream_style.h"

#include "transports/envelope.h"
#include "util/json_escape.h"

namespace pushwire::transports {

namespace {

// SSE: "id:", "event:" unless it is "message", one "data:" line per line of
// `data` (CR, LF and CRLF all end a line), and a blank line.
std::string sse_block(const core::Message& message, const std::string& data) {
  std::string out;
  out.reserve(data.size() + message.id.size() + 32);
  out += "id: ";
  out += message.id;
  out += '\n';
  if (message.event != "message") {
    out += "event: ";
    out += message.event;
    out += '\n';
  }
  size_t start = 0;
  while (true) {
    size_t end = data.find_first_of("\r\n", start);
    out += "data: ";
    out.append(data, start, end == std::string::npos ? std::string::npos : end - start);
    out += '\n';
    if (end == std::string::npos) break;
    start = end + ((data[end] == '\r' && end + 1 < data.size() && data[end + 1] == '\n') ? 2 : 1);
  }
  out += '\n';
  return out;
}

// The fields with "event" added last: {"channel":"news","event":"_gap"}.
std::string control_json(std::string_view event, std::string_view fields) {
  std::string out(fields.substr(0, fields.size() - 1));
  if (out.size() > 1) out += ',';
  out += "\"event\":\"";
  out += event;
  out += "\"}";
  return out;
}

std::string sse_control(std::string_view event, std::string_view fields) {
  std::string out = "event: ";
  out += event;
  out += "\ndata: ";
  out += fields;
  out += "\n\n";
  return out;
}

std::string stream_control(std::string_view event, std::string_view fields) {
  return control_json(event, fields) + "\n";
}
std::string iframe_control(std::string_view event, std::string_view fields) {
  return control_json(event, fields) + ");</script>\n";
}

std::string id_fields(std::string_view id) {
  std::string out = "{\"id\":";
  util::append_json_string(out, id);
  out += '}';
  return out;
}

// The HTML standard sets lastEventId from an id-only block too, but some
// clients (the npm eventsource package) do so only for a block with data.
// A named event reaches no onmessage handler, only a listener for its name.
std::string sse_cursor(std::string_view id) {
  return "id: " + std::string(id) + "\n" + sse_control("_cursor", id_fields(id));
}
std::string stream_cursor(std::string_view id) { return stream_control("_cursor", id_fields(id)); }
std::string iframe_cursor(std::string_view id) { return iframe_control("_cursor", id_fields(id)); }

std::string sse_event_impl(const core::Message& message) { return sse_block(message, message.data); }
// An envelope is one line: JSON escapes every line break.
std::string sse_envelope_impl(const core::Message& message) {
  return sse_block(message, message.encoded(kEnvelope));
}

std::string sse_chunk(const core::Message& m) { return http::chunk(sse_event_impl(m)); }
std::string sse_envelope_chunk(const core::Message& m) { return http::chunk(sse_envelope_impl(m)); }
std::string stream_chunk(const core::Message& m) { return http::chunk(stream_line(m)); }

const core::WireFormat kSse(sse_event_impl);
const core::WireFormat kSseChunked(sse_chunk);
const core::WireFormat kSseEnvelope(sse_envelope_impl);
const core::WireFormat kSseEnvelopeChunked(sse_envelope_chunk);
const core::WireFormat kStream(stream_line);
const core::WireFormat kStreamChunked(stream_chunk);
const core::WireFormat kIframeTail(iframe_call_tail);

// Browsers start running a streamed document only after a first kilobyte or
// so; the padding makes the first message appear at once.
std::string iframe_opening() {
  std::string out =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>pushwire stream</title></head><body>\n<!-- ";
  out.append(1024, ' ');
  out += " -->\n";
  return out;
}

}  // namespace

std::string channel_fields(std::string_view channel) {
  std::string out = "{\"channel\":";
  util::append_json_string(out, channel);
  out += '}';
  return out;
}

std::string sse_event(const core::Message& message) { return sse_event_impl(message); }
std::string sse_envelope_event(const core::Message& message) { return sse_envelope_impl(message); }
std::string stream_line(const core::Message& message) { return envelope_json(message) + "\n"; }
std::string iframe_call_tail(const core::Message& message) { return envelope_json(message) + ");</script>\n"; }

const StreamStyle& sse_style() {
  static const StreamStyle style{
      "sse", "text/event-stream; charset=utf-8",
      {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}},
      &kSseChunked, &kSse, sse_control, sse_cursor, ": heartbeat\n\n", http::chunk(": heartbeat\n\n"), "retry: 2000\n\n", false};
  return style;
}

const StreamStyle& sse_session_style() {
  static const StreamStyle style = [] {
    StreamStyle made = sse_style();
    made.chunked = &kSseEnvelopeChunked;
    made.bare = &kSseEnvelope;
    return made;
  }();
  return style;
}

const StreamStyle& stream_style() {
  static const StreamStyle style{
      "stream", "application/x-ndjson; charset=utf-8",
      {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}},
      &kStreamChunked, &kStream, stream_control, stream_cursor, "\n", http::chunk("\n"), "", false};
  return style;
}

const StreamStyle& iframe_style() {
  static const StreamStyle style{
      "iframe", "text/html; charset=utf-8",
      {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}},
      &kIframeTail, &kIframeTail, iframe_control, iframe_cursor, "<!-- heartbeat -->\n", "", iframe_opening(), true};
  return style;
}

}  // namespace pushwire::transports

#include "transports/stream_style.h"

#include "transports/envelope.h"
#include "util/json_escape.h"

namespace pushwire::transports {

namespace {

// SSE: "id:", "event:" unless it is "message", one "data:" line per line of
// the text (CR, LF and CRLF all end a line), and a blank line.
std::string sse_event_impl(const core::Message& message) {
  std::string out;
  out.reserve(message.data.size() + message.id.size() + 32);
  out += "id: ";
  out += message.id;
  out += '\n';
  if (message.event != "message") {
    out += "event: ";
    out += message.event;
    out += '\n';
  }
  const std::string& data = message.data;
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

// A control signal (_gap, _expired) for a channel.
std::string control_json(std::string_view event, std::string_view channel) {
  std::string out = "{\"channel\":";
  util::append_json_string(out, channel);
  out += ",\"event\":\"";
  out += event;
  out += "\"}";
  return out;
}

std::string sse_control(std::string_view event, std::string_view channel) {
  std::string out = "event: ";
  out += event;
  out += "\ndata: {\"channel\":";
  util::append_json_string(out, channel);
  out += "}\n\n";
  return out;
}

std::string ndjson_control(std::string_view event, std::string_view channel) {
  return control_json(event, channel) + "\n";
}
std::string iframe_control(std::string_view event, std::string_view channel) {
  return control_json(event, channel) + ");</script>\n";
}

std::string sse_chunk(const core::Message& m) { return http::chunk(sse_event_impl(m)); }
std::string ndjson_chunk(const core::Message& m) { return http::chunk(ndjson_line(m)); }

const core::WireFormat kSse(sse_event_impl);
const core::WireFormat kSseChunked(sse_chunk);
const core::WireFormat kNdjson(ndjson_line);
const core::WireFormat kNdjsonChunked(ndjson_chunk);
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

std::string sse_event(const core::Message& message) { return sse_event_impl(message); }
std::string ndjson_line(const core::Message& message) { return envelope_json(message) + "\n"; }
std::string iframe_call_tail(const core::Message& message) { return envelope_json(message) + ");</script>\n"; }

const StreamStyle& sse_style() {
  static const StreamStyle style{
      "sse", "text/event-stream; charset=utf-8",
      {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}},
      &kSseChunked, &kSse, sse_control, ": heartbeat\n\n", http::chunk(": heartbeat\n\n"), "retry: 2000\n\n", false};
  return style;
}

const StreamStyle& ndjson_style() {
  static const StreamStyle style{
      "stream", "application/x-ndjson; charset=utf-8",
      {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}, {"X-Content-Type-Options", "nosniff"}},
      &kNdjsonChunked, &kNdjson, ndjson_control, "\n", http::chunk("\n"), "", false};
  return style;
}

const StreamStyle& iframe_style() {
  static const StreamStyle style{
      "iframe", "text/html; charset=utf-8",
      {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}},
      &kIframeTail, &kIframeTail, iframe_control, "<!-- heartbeat -->\n", "", iframe_opening(), true};
  return style;
}

}  // namespace pushwire::transports

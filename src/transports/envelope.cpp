#include "transports/envelope.h"

#include "util/json_escape.h"

namespace pushwire::transports {

std::string envelope_json(const core::Message& message) {
  std::string out;
  out.reserve(message.data.size() + message.channel.size() + message.id.size() + 80);
  out += "{\"channel\":";
  util::append_json_string(out, message.channel);
  out += ",\"id\":";
  util::append_json_string(out, message.id);
  out += ",\"event\":";
  util::append_json_string(out, message.event);
  out += ",\"data\":";
  util::append_json_string(out, message.data);
  out += ",\"time\":";
  out += std::to_string(message.time_ms);
  out += '}';
  return out;
}

const core::WireFormat kEnvelope(envelope_json);

std::string poll_body(const std::vector<core::MessagePtr>& messages, std::string_view position, bool gap) {
  std::string out = "{\"messages\":[";
  for (size_t i = 0; i < messages.size(); ++i) {
    if (i) out += ',';
    out += messages[i]->encoded(kEnvelope);
  }
  out += "],\"last_id\":";
  util::append_json_string(out, messages.empty() ? position : std::string_view(messages.back()->id));
  out += gap ? ",\"gap\":true}" : ",\"gap\":false}";
  return out;
}

}  // namespace pushwire::transports

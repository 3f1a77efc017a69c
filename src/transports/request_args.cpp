#include "transports/request_args.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "transports/channel_limit.h"
#include "core/message_id.h"
#include "core/names.h"

namespace pushwire::transports {

namespace {
constexpr double kDefaultTimeoutS = 30;
constexpr double kMaxTimeoutS = 120;

bool is_identifier_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '$'; }
bool is_identifier_char(char c) { return is_identifier_start(c) || (c >= '0' && c <= '9') || c == '.'; }
}  // namespace

bool is_valid_callback(std::string_view name) {
  if (name.empty() || name.size() > 64 || !is_identifier_start(name[0])) return false;
  for (char c : name.substr(1))
    if (!is_identifier_char(c)) return false;
  return true;
}

bool read_channel(http::Exchange& exchange, std::string_view rest, std::string& channel) {
  if (!core::is_valid_channel(rest)) {
    exchange.respond_error(400, "bad_channel", core::kChannelRule);
    return false;
  }
  channel = rest;
  return true;
}

bool read_channels(Context& context, http::Exchange& exchange, std::vector<std::string>& channels) {
  for (const auto& [name, value] : exchange.request().query) {
    if (name != "channel") continue;
    if (!core::is_valid_channel(value)) {
      exchange.respond_error(400, "bad_channel", core::kChannelRule);
      return false;
    }
    if (std::find(channels.begin(), channels.end(), value) != channels.end()) continue;
    if (over_channel_limit(context, channels.size())) {
      exchange.respond_error(400, "too_many_channels", channel_limit_message(context.settings));
      return false;
    }
    channels.push_back(value);
  }
  if (channels.empty()) {
    exchange.respond_error(400, "bad_channel", "name the stream's channels as ?channel=A&channel=B");
    return false;
  }
  return true;
}

bool read_timeout_ms(http::Exchange& exchange, int64_t& timeout_ms) {
  const std::string* text = exchange.request().query_param("timeout");
  double seconds = kDefaultTimeoutS;
  if (text) {
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), seconds);
    if (error != std::errc() || end != text->data() + text->size() || !std::isfinite(seconds) || seconds < 0) {
      exchange.respond_error(400, "bad_timeout", "timeout is a number of seconds, 0 to 120");
      return false;
    }
  }
  timeout_ms = static_cast<int64_t>(std::min(seconds, kMaxTimeoutS) * 1000);
  return true;
}

bool read_since(http::Exchange& exchange, const std::string*& since) {
  since = exchange.request().query_param("since");
  if (!since || core::is_valid_since(*since)) return true;
  exchange.respond_error(400, "bad_since", "since is " + std::string(core::kSinceRule));
  return false;
}

bool read_sse_since(http::Exchange& exchange, const std::string*& since) {
  // An EventSource sends no Last-Event-ID until it has seen an id; an empty one is absent too.
  since = exchange.request().header("last-event-id");
  if (!since || since->empty()) return read_since(exchange, since);
  if (core::is_valid_since(*since)) return true;
  exchange.respond_error(400, "bad_since", "Last-Event-ID is " + std::string(core::kSinceRule));
  return false;
}

bool read_callback(http::Exchange& exchange, std::string& callback) {
  const std::string* name = exchange.request().query_param("callback");
  if (!name || !is_valid_callback(*name)) {
    exchange.respond_error(400, "bad_callback", "callback is required and matches [A-Za-z_$][A-Za-z0-9_$.]{0,63}");
    return false;
  }
  callback = *name;
  return true;
}

}  // namespace pushwire::transports

#include "broker/redis_entry.h"

#include "util/whole_number.h"

namespace pushwire::broker {

namespace {
// The text up to the next '|', which is consumed; nullopt if there is none.
std::optional<std::string_view> next_field(std::string_view& rest) {
  const size_t bar = rest.find('|');
  if (bar == std::string_view::npos) return std::nullopt;
  const std::string_view field = rest.substr(0, bar);
  rest.remove_prefix(bar + 1);
  return field;
}

template <typename Number>
bool parse_number(std::optional<std::string_view> text, Number& out) {
  return text && util::parse_whole_number(*text, out);
}
}  // namespace

std::optional<RedisEntry> decode_history_entry(std::string_view bytes) {
  RedisEntry entry;
  if (!parse_number(next_field(bytes), entry.seq) || entry.seq == 0) return std::nullopt;
  if (!parse_number(next_field(bytes), entry.time_ms)) return std::nullopt;
  const auto event = next_field(bytes);
  if (!event || event->empty()) return std::nullopt;
  entry.event = *event;
  entry.data = bytes;
  return entry;
}

std::optional<RedisEntry> decode_announcement(std::string_view bytes) {
  const auto epoch = next_field(bytes);
  const auto channel = next_field(bytes);
  if (!epoch || epoch->empty() || !channel || channel->empty()) return std::nullopt;
  auto entry = decode_history_entry(bytes);
  if (entry) {
    entry->epoch = *epoch;
    entry->channel = *channel;
  }
  return entry;
}

}  // namespace pushwire::broker

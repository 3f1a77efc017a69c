#include "broker/redis_history.h"

#include "util/whole_number.h"

namespace pushwire::broker {

namespace {
std::string_view text_of(const redisReply* reply) { return {reply->str, reply->len}; }

bool is_text(const redisReply* reply) {
  return reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS;
}

std::optional<uint64_t> number_of(const redisReply* reply) {
  uint64_t value = 0;
  if (!is_text(reply) || !util::parse_whole_number(text_of(reply), value)) return std::nullopt;
  return value;
}
}  // namespace

std::string redis_error_of(const redisReply* reply) {
  if (!reply) return "no answer (connection lost)";
  if (reply->type == REDIS_REPLY_ERROR) return std::string(text_of(reply));
  return "an answer pushwire did not expect";
}

std::optional<RedisState> read_state(const redisReply* reply) {
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) return std::nullopt;
  const auto seq = number_of(reply->element[1]);
  if (!is_text(reply->element[0]) || reply->element[0]->len == 0 || !seq) return std::nullopt;
  return RedisState{text_of(reply->element[0]), *seq};
}

std::optional<RedisChannelHistory> read_channel_history(const redisReply* reply) {
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 5) return std::nullopt;
  const auto seq = number_of(reply->element[1]);
  const auto evicted = number_of(reply->element[2]);
  const bool known = !(is_text(reply->element[3]) && reply->element[3]->len == 0);
  const auto last = known ? number_of(reply->element[3]) : seq;
  const redisReply* list = reply->element[4];
  if (!is_text(reply->element[0]) || !seq || !evicted || !last || *last > *seq || list->type != REDIS_REPLY_ARRAY)
    return std::nullopt;
  RedisChannelHistory history{text_of(reply->element[0]), *seq, *evicted, *last, known, {}};
  history.entries.reserve(list->elements);
  for (size_t i = 0; i < list->elements; ++i) {
    if (!is_text(list->element[i])) return std::nullopt;
    auto entry = decode_history_entry(text_of(list->element[i]));
    if (!entry) return std::nullopt;
    history.entries.push_back(*entry);
  }
  return history;
}

core::MessagePtr make_message(std::string_view channel, const RedisEntry& entry, const core::IdScheme& ids) {
  auto message = std::make_shared<core::Message>();
  message->channel = channel;
  message->event = entry.event;
  message->data = entry.data;
  message->time_ms = entry.time_ms;
  message->seq = entry.seq;
  message->id = ids.make_id(entry.seq);
  return message;
}

core::Replay replay_from(const ReplaySource& source, const core::Cursor& cursor, int64_t wall_now_ms,
                         int64_t steady_now_ms) {
  uint64_t evicted = source.fetched.evicted;
  std::vector<core::MessagePtr> kept;
  for (const RedisEntry& entry : source.fetched.entries) {
    if (entry.seq > source.heard_through) break;
    if (entry.time_ms + source.limits.ttl_ms <= wall_now_ms) evicted = std::max(evicted, entry.seq);
    else kept.push_back(make_message(source.channel, entry, source.ids));
  }
  const uint64_t read_through = kept.empty() ? 0 : kept.back()->seq;
  for (const core::MessagePtr& message : source.heard_later)
    if (message->seq > read_through && message->seq > source.fetched.seq) kept.push_back(message);
  // A stream's cursor is a place in the one sequence, not a message of this
  // channel: what this channel lost after it is what Redis says it let go.
  const bool stream_place = cursor.scope == core::CursorScope::stream && cursor.kind == core::Cursor::Kind::after;
  if (kept.empty() && stream_place) {
    core::History empty(source.limits, evicted);
    return empty.replay_after_place(cursor.seq, evicted, steady_now_ms);
  }
  if (kept.empty()) {  // what the channel had up to its last seq is gone, and nothing after it
    core::History empty(source.limits, std::min(source.fetched.last, source.heard_through), source.heard_through);
    return empty.replay(cursor, steady_now_ms);
  }
  core::History history(source.limits, std::max(evicted, kept.front()->seq - 1));
  for (core::MessagePtr& message : kept) {
    const int64_t age_ms = wall_now_ms - message->time_ms;
    history.append(std::move(message), steady_now_ms - age_ms);
  }
  if (stream_place) return history.replay_after_place(cursor.seq, evicted, steady_now_ms);
  return history.replay(cursor, steady_now_ms);
}

}  // namespace pushwire::broker

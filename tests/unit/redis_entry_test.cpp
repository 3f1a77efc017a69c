#include "broker/redis_entry.h"

#include <gtest/gtest.h>

using pushwire::broker::decode_announcement;
using pushwire::broker::decode_history_entry;

TEST(RedisEntry, HistoryEntryKeepsTheDataWhole) {
  const auto entry = decode_history_entry("42|1795266309793|update|a|b\nc||");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->seq, 42u);
  EXPECT_EQ(entry->time_ms, 1795266309793);
  EXPECT_EQ(entry->event, "update");
  EXPECT_EQ(entry->data, "a|b\nc||");
  EXPECT_EQ(entry->channel, "");

  const auto empty_data = decode_history_entry("1|0|message|");
  ASSERT_TRUE(empty_data);
  EXPECT_EQ(empty_data->data, "");
}

TEST(RedisEntry, AnnouncementNamesEpochAndChannel) {
  const auto entry = decode_announcement("k3x9q2ab|news.eu|7|1000|message|hello");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->epoch, "k3x9q2ab");
  EXPECT_EQ(entry->channel, "news.eu");
  EXPECT_EQ(entry->seq, 7u);
  EXPECT_EQ(entry->data, "hello");
}

TEST(RedisEntry, RefusesMalformedInput) {
  for (const char* bad : {"", "|", "1|2|", "1|2|message", "x|2|message|d", "0|2|message|d", "1|t|message|d",
                          "1|2||d", "-1|2|message|d", "18446744073709551616|2|message|d", "1 |2|message|d"})
    EXPECT_FALSE(decode_history_entry(bad)) << bad;
  for (const char* bad : {"", "e|c", "e|c|1|2|message", "|c|1|2|message|d", "e||1|2|message|d"})
    EXPECT_FALSE(decode_announcement(bad)) << bad;
}

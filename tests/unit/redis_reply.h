#pragma once
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <memory>
#include <string>

// Redis replies for tests of pushwire's readers, made by hiredis from the
// RESP bytes Redis would send.
namespace pushwire::test {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

inline Reply parse(const std::string& resp) {
  redisReader* reader = redisReaderCreate();
  redisReaderFeed(reader, resp.data(), resp.size());
  void* reply = nullptr;
  EXPECT_EQ(redisReaderGetReply(reader, &reply), REDIS_OK);
  redisReaderFree(reader);
  return Reply(static_cast<redisReply*>(reply));
}

inline std::string bulk(const std::string& text) {
  return "$" + std::to_string(text.size()) + "\r\n" + text + "\r\n";
}

}  // namespace pushwire::test

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "test_message.h"
#include "transports/envelope.h"
#include "transports/poll/session_buffer.h"

using pushwire::core::MessagePtr;
using pushwire::transports::kEnvelope;
using pushwire::transports::SessionBuffer;

namespace {

MessagePtr message(const std::string& channel, uint64_t seq) {
  auto m = std::const_pointer_cast<pushwire::core::Message>(test_message(channel, seq));
  m->id = "r-" + std::to_string(seq);
  m->data = std::string(100, 'x');
  return m;
}

// What the buffer holds: "channel:seq" for a message, "gap:channel" for a gap
// signal, "channel@position" for an added channel's position.
std::vector<std::string> held(const SessionBuffer& buffer) {
  using Kind = SessionBuffer::Entry::Kind;
  std::vector<std::string> out;
  for (const auto& entry : buffer.entries()) {
    if (entry.kind == Kind::message) out.push_back(entry.channel() + ":" + std::to_string(entry.message->seq));
    else if (entry.kind == Kind::gap) out.push_back("gap:" + entry.channel());
    else out.push_back(entry.channel() + "@" + entry.position);
  }
  return out;
}

}  // namespace

TEST(SessionBuffer, AnAckDropsWhatTheAnswerWithThatCursorCarried) {
  SessionBuffer buffer(1 << 20);
  buffer.answered("r-0");
  buffer.add_message(message("a", 1));
  buffer.add_message(message("b", 2));
  buffer.answered("r-2");
  buffer.add_message(message("a", 3));
  buffer.ack("r-2");
  EXPECT_EQ(held(buffer), std::vector<std::string>{"a:3"});
  EXPECT_EQ(buffer.bytes(), message("a", 3)->encoded(kEnvelope).size());
}

TEST(SessionBuffer, AfterALostAnswerTheOlderAckDropsOnlyWhatCameBeforeIt) {
  SessionBuffer buffer(1 << 20);
  buffer.answered("r-0");
  buffer.add_message(message("a", 1));
  buffer.answered("r-1");  // lost on its way
  buffer.add_message(message("a", 2));
  buffer.ack("r-0");
  EXPECT_EQ(held(buffer), (std::vector<std::string>{"a:1", "a:2"}));
  buffer.answered("r-2");
  buffer.ack("r-2");
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.bytes(), 0u);
}

TEST(SessionBuffer, AnUnknownAckDropsNothing) {
  SessionBuffer buffer(1 << 20);
  buffer.add_message(message("a", 1));
  buffer.answered("r-1");
  buffer.ack("r-7");
  buffer.ack("other-1");
  EXPECT_EQ(held(buffer), std::vector<std::string>{"a:1"});
}

TEST(SessionBuffer, PastItsBoundTheOldestGoAndTheirChannelGetsOneGap) {
  const size_t one = message("a", 1)->encoded(kEnvelope).size();
  SessionBuffer buffer(3 * one);
  EXPECT_EQ(buffer.add_message(message("a", 1)), 0u);
  buffer.add_message(message("b", 2));
  buffer.add_message(message("a", 3));
  EXPECT_EQ(buffer.add_message(message("a", 4)), 1u);
  EXPECT_EQ(buffer.add_message(message("b", 5)), 1u);
  EXPECT_EQ(buffer.add_message(message("a", 6)), 1u);
  EXPECT_EQ(held(buffer), (std::vector<std::string>{"a:4", "gap:a", "b:5", "gap:b", "a:6"}));
  EXPECT_LE(buffer.bytes(), 3 * one);
}

TEST(SessionBuffer, AGapStaysUntilTheAnswerThatCarriedItIsAcked) {
  SessionBuffer buffer(1 << 20);
  buffer.add_gap("a");
  buffer.add_gap("a");
  EXPECT_EQ(held(buffer), std::vector<std::string>{"gap:a"});
  buffer.answered("r-0");
  buffer.add_message(message("a", 1));
  buffer.ack("r-0");
  EXPECT_EQ(held(buffer), std::vector<std::string>{"a:1"});
}

TEST(SessionBuffer, AnAddedChannelsPositionIsSentAgainAfterALostAnswer) {
  SessionBuffer buffer(1 << 20);
  buffer.answered("r-0");
  buffer.add_position("a", "r-0");
  buffer.add_message(message("a", 1));
  buffer.answered("r-1");  // lost on its way
  buffer.ack("r-0");
  EXPECT_EQ(held(buffer), (std::vector<std::string>{"a@r-0", "a:1"}));
  buffer.answered("r-1");
  buffer.ack("r-1");
  EXPECT_TRUE(buffer.empty());
}

TEST(SessionBuffer, APositionStaysWhenOlderMessagesGo) {
  const size_t one = message("a", 1)->encoded(kEnvelope).size();
  SessionBuffer buffer(2 * one);
  buffer.add_position("b", "r-0");
  buffer.add_message(message("a", 1));
  buffer.add_message(message("a", 2));
  buffer.add_message(message("a", 3));
  EXPECT_EQ(held(buffer), (std::vector<std::string>{"a:2", "a:3", "b@r-0", "gap:a"}));
}

TEST(SessionBuffer, ARemovedChannelsEntriesGo) {
  SessionBuffer buffer(1 << 20);
  buffer.add_position("a", "r-0");
  buffer.add_message(message("a", 1));
  buffer.add_message(message("b", 2));
  buffer.add_gap("a");
  buffer.forget("a");
  EXPECT_EQ(held(buffer), std::vector<std::string>{"b:2"});
  EXPECT_EQ(buffer.bytes(), message("b", 2)->encoded(kEnvelope).size());
}

#include <gtest/gtest.h>

#include "transports/websocket/ws_op.h"

using namespace pushwire::transports;

namespace {
WsOp op(std::string_view text) {
  auto result = parse_ws_op(text);
  EXPECT_TRUE(std::holds_alternative<WsOp>(result)) << text;
  return std::holds_alternative<WsOp>(result) ? std::get<WsOp>(result) : WsOp{};
}

WsOpError error(std::string_view text) {
  auto result = parse_ws_op(text);
  EXPECT_TRUE(std::holds_alternative<WsOpError>(result)) << text;
  return std::holds_alternative<WsOpError>(result) ? std::get<WsOpError>(result) : WsOpError{};
}
}  // namespace

TEST(WsOp, ReadsEachOp) {
  WsOp s = op(R"({"op":"subscribe","channel":"news","since":"abc-1","ref":7})");
  EXPECT_EQ(s.kind, WsOp::Kind::subscribe);
  EXPECT_EQ(s.channel, "news");
  EXPECT_TRUE(s.has_since);
  EXPECT_EQ(s.since, "abc-1");
  EXPECT_EQ(s.ref, "7");
  EXPECT_EQ(op(R"({"op":"subscribe","channel":"n","since":0})").since, "0");
  EXPECT_FALSE(op(R"({"op":"subscribe","channel":"n"})").has_since);
  WsOp p = op(R"({"op":"publish","channel":"c","data":"hi","event":"e","ref":"r1"})");
  EXPECT_EQ(p.kind, WsOp::Kind::publish);
  EXPECT_EQ(p.data, "hi");
  EXPECT_EQ(p.event, "e");
  EXPECT_EQ(p.ref, "\"r1\"");
  EXPECT_EQ(op(R"({"op":"auth","key":"k"})").key, "k");
  EXPECT_EQ(op(R"({"op":"auth","token":"t.t.t","ref":2})").token, "t.t.t");
  EXPECT_EQ(op(R"({"op":"auth","token":"t","key":"k"})").key, "k");
  EXPECT_EQ(op(R"({"op":"ping"})").kind, WsOp::Kind::ping);
  EXPECT_EQ(op(R"({"op":"unsubscribe","channel":"c"})").kind, WsOp::Kind::unsubscribe);
}

TEST(WsOp, RefusesWhatIsNotAnOpWithACode) {
  EXPECT_EQ(error("not json").code, "bad_op");
  EXPECT_EQ(error("[1,2]").code, "bad_op");
  EXPECT_EQ(error(R"({"op":"dance"})").code, "bad_op");
  EXPECT_EQ(error(R"({"op":"subscribe"})").code, "bad_channel");
  EXPECT_EQ(error(R"({"op":"subscribe","channel":"c","since":5})").code, "bad_since");
  for (const char* since : {"", "null", "undefined", "a b", "a/b"})
    EXPECT_EQ(error(std::string(R"({"op":"subscribe","channel":"c","since":")") + since + "\"}").code, "bad_since")
        << since;
  EXPECT_EQ(error(R"({"op":"subscribe","channel":"c","since":")" + std::string(65, 'x') + "\"}").code, "bad_since");
  EXPECT_EQ(error(R"({"op":"publish","channel":"c"})").code, "bad_data");
  EXPECT_EQ(error(R"({"op":"publish","channel":"c","data":"x","event":3})").code, "bad_event");
  EXPECT_EQ(error(R"({"op":"auth"})").code, "bad_op");
  EXPECT_EQ(error(R"({"op":"auth","token":42})").code, "bad_op");
}

TEST(WsOp, NumbersOutOfRangeAreABadOpNotAnException) {
  EXPECT_EQ(error("44E844.4344").code, "bad_op");
  EXPECT_EQ(error(R"({"op":"ping","ref":1E999})").code, "bad_op");
}

TEST(WsOp, DeepNestingIsRefusedBeforeParsing) {
  EXPECT_EQ(error(std::string(100000, '[')).code, "bad_op");
}

TEST(WsOp, ErrorsKeepTheRefWhenTheyCan) {
  EXPECT_EQ(error(R"({"op":"dance","ref":12})").ref, "12");
  EXPECT_EQ(error(R"({"op":"publish","channel":"c","data":"\ud800","ref":"x"})").ref, "\"x\"");
  EXPECT_EQ(error(R"({"op":"publish","channel":"c","data":"\ud800","ref":"x"})").code, "bad_utf8");
  EXPECT_EQ(error(R"({"ref":007,)").ref, "");  // never echo something that is not JSON
}

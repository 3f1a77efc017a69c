#include <gtest/gtest.h>

#include "transports/session_op.h"

using namespace pushwire;
using transports::ParsedOp;

namespace {
std::vector<ParsedOp> ops(std::string_view body, size_t max = 10) {
  auto parsed = transports::parse_session_ops(body, max);
  EXPECT_TRUE(std::holds_alternative<std::vector<ParsedOp>>(parsed)) << body;
  if (auto* list = std::get_if<std::vector<ParsedOp>>(&parsed)) return *list;
  return {};
}

std::string refused(std::string_view body, size_t max = 10) {
  auto parsed = transports::parse_session_ops(body, max);
  auto* error = std::get_if<transports::OpsError>(&parsed);
  return error ? error->message : "";
}

std::string code_of(const ParsedOp& op) {
  auto* result = std::get_if<core::SessionOpResult>(&op);
  return result ? result->code : "";
}
}  // namespace

TEST(SessionOp, ReadsOneOpOrAnArray) {
  auto one = ops(R"({"op":"subscribe","channel":"news","since":"run-4","ref":7})");
  ASSERT_EQ(one.size(), 1u);
  const auto& op = std::get<core::SessionOp>(one[0]);
  EXPECT_EQ(op.kind, core::SessionOp::Kind::subscribe);
  EXPECT_EQ(op.channel, "news");
  EXPECT_EQ(op.since, "run-4");
  EXPECT_EQ(op.ref, "7");

  auto two = ops(R"([{"op":"unsubscribe","channel":"a","ref":"x"},{"op":"subscribe","channel":"b","since":0}])");
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(std::get<core::SessionOp>(two[0]).kind, core::SessionOp::Kind::unsubscribe);
  EXPECT_EQ(std::get<core::SessionOp>(two[0]).ref, "\"x\"");
  EXPECT_EQ(std::get<core::SessionOp>(two[1]).since, "0");
  EXPECT_EQ(std::get<core::SessionOp>(two[1]).ref, "");
}

TEST(SessionOp, ABadOpIsRefusedInItsPlaceWithItsRef) {
  struct Case {
    const char* body;
    const char* code;
  } cases[] = {
      {R"({"op":"publish","channel":"a","ref":1})", "bad_op"},
      {R"({"channel":"a"})", "bad_op"},
      {R"({"op":"subscribe","ref":1})", "bad_channel"},
      {R"({"op":"subscribe","channel":"no spaces"})", "bad_channel"},
      {R"({"op":"subscribe","channel":"a","since":5})", "bad_since"},
      {R"({"op":"subscribe","channel":"a","since":{}})", "bad_since"},
      {R"({"op":"subscribe","channel":"a","since":""})", "bad_since"},
      {R"({"op":"subscribe","channel":"a","since":"null"})", "bad_since"},
      {R"({"op":"subscribe","channel":"a","since":"not an id"})", "bad_since"},
      {R"(["not an op"])", "bad_op"},
  };
  for (const Case& c : cases) {
    auto parsed = ops(c.body);
    ASSERT_EQ(parsed.size(), 1u) << c.body;
    EXPECT_EQ(code_of(parsed[0]), c.code) << c.body;
  }
  auto mixed = ops(R"([{"op":"subscribe","channel":"a"},{"op":"nope","channel":"b","ref":3}])");
  EXPECT_EQ(code_of(mixed[0]), "");
  EXPECT_EQ(std::get<core::SessionOpResult>(mixed[1]).ref, "3");
}

TEST(SessionOp, ABodyThatIsNotOpsIsRefusedWhole) {
  EXPECT_NE(refused(""), "");
  EXPECT_NE(refused("{"), "");
  EXPECT_NE(refused("[]"), "");
  EXPECT_NE(refused(R"([[{"op":"subscribe","channel":"a"}]])"), "");
  EXPECT_NE(refused(std::string(10000, '[')), "");
  EXPECT_NE(refused(std::string(30000, '[') + std::string(30000, ']')), "");
  EXPECT_NE(refused(R"([{"op":"subscribe","channel":"a"},{"op":"subscribe","channel":"b"}])", 1), "");
}

TEST(SessionOp, RefsAreReencodedSoThatTheyAreSafeInAScript) {
  auto parsed = ops(R"({"op":"subscribe","channel":"a","ref":"</script>"})");
  EXPECT_EQ(std::get<core::SessionOp>(parsed[0]).ref, R"("\u003c/script\u003e")");
  auto long_ref = ops(R"({"op":"subscribe","channel":"a","ref":")" + std::string(200, 'r') + R"("})");
  EXPECT_EQ(std::get<core::SessionOp>(long_ref[0]).ref, "");
}

TEST(SessionOp, ResultsAreJson) {
  EXPECT_EQ(transports::session_result_json({"7", "", ""}), R"({"ref":7,"ok":true})");
  EXPECT_EQ(transports::session_result_json({"", "not_subscribed", "no"}),
            R"({"error":"not_subscribed","message":"no"})");
}

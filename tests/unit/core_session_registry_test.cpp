#include <gtest/gtest.h>

#include <set>

#include "core/session_id.h"
#include "core/session_registry.h"

using namespace pushwire::core;

namespace {
struct TestSession : Session {
  SessionOpResult apply(const SessionOp& op) override { return {op.ref, {}, {}}; }
};
}  // namespace

TEST(SessionId, NamesItsOwnerThreadAndIsBase64url) {
  for (unsigned thread : {0u, 1u, 63u, 64u, 255u, kMaxSessionThreads - 1}) {
    const std::string id = make_session_id(thread);
    EXPECT_EQ(id.size(), kSessionIdLength);
    EXPECT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_EQ(session_owner(id), thread);
  }
}

TEST(SessionId, IsDrawnAfreshEachTime) {
  std::set<std::string> random_parts;
  for (int i = 0; i < 1000; ++i) random_parts.insert(make_session_id(3).substr(2));
  EXPECT_EQ(random_parts.size(), 1000u);
}

TEST(SessionId, AnythingElseNamesNoOwner) {
  const std::string good = make_session_id(7);
  EXPECT_FALSE(session_owner(""));
  EXPECT_FALSE(session_owner(good.substr(1)));
  EXPECT_FALSE(session_owner(good + "A"));
  std::string bad = good;
  bad[10] = '.';
  EXPECT_FALSE(session_owner(bad));
  bad[10] = '=';
  EXPECT_FALSE(session_owner(bad));
}

TEST(SessionRegistry, AddsFindsAndRemoves) {
  SessionCount count(10);
  SessionRegistry registry(5, count);
  TestSession a, b;
  ASSERT_TRUE(registry.add(a));
  ASSERT_TRUE(registry.add(b));
  EXPECT_NE(a.id(), b.id());
  EXPECT_EQ(session_owner(a.id()), 5u);
  EXPECT_EQ(registry.find(a.id()), &a);
  EXPECT_EQ(registry.find(b.id()), &b);
  EXPECT_EQ(count.open.load(), 2u);

  const std::string gone(a.id());
  registry.remove(a);
  EXPECT_EQ(registry.find(gone), nullptr);
  EXPECT_TRUE(a.id().empty());
  EXPECT_EQ(count.open.load(), 1u);
  registry.remove(a);  // a second time changes nothing
  EXPECT_EQ(count.open.load(), 1u);
  EXPECT_EQ(registry.size(), 1u);
}

TEST(SessionRegistry, TheLimitCountsEveryThreadsSessions) {
  SessionCount count(2);
  SessionRegistry one(0, count), two(1, count);
  TestSession a, b, c;
  ASSERT_TRUE(one.add(a));
  ASSERT_TRUE(two.add(b));
  EXPECT_FALSE(one.add(c));
  EXPECT_TRUE(c.id().empty());
  EXPECT_EQ(one.find(a.id()), &a);
  EXPECT_EQ(one.find(b.id()), nullptr);  // the other thread's
  two.remove(b);
  EXPECT_TRUE(one.add(c));
}

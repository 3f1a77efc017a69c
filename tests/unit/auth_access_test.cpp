#include <gtest/gtest.h>

#include "auth/access.h"
#include "auth/channel_pattern.h"
#include "jwt_signer.h"

using namespace pushwire::auth;

namespace {
constexpr int64_t kNowMs = 1'800'000'000'000;
const int64_t kExpS = kNowMs / 1000 + 600;

Access jwt_access(std::string publish_key = {}, std::vector<std::string> public_channels = {}) {
  auto verifier = std::make_shared<JwtVerifier>(VerificationKey::from_secret("s3cret"), ClaimRules{},
                                                kDefaultMaxTokenBytes);
  return Access(std::move(verifier), std::move(publish_key), std::move(public_channels));
}

std::string token() {
  return test_jwt::sign_hmac("s3cret", "HS256",
                             R"({"sub":"u42","exp":)" + std::to_string(kExpS) +
                                 R"(,"subscribe":["news","user.u42.*"],"publish":["chat.*"]})");
}
}  // namespace

TEST(ChannelPattern, NamesAndPrefixes) {
  EXPECT_TRUE(pattern_matches("news", "news"));
  EXPECT_FALSE(pattern_matches("news", "news2"));
  EXPECT_TRUE(pattern_matches("chat.*", "chat.x"));
  EXPECT_FALSE(pattern_matches("chat.*", "chat"));
  EXPECT_TRUE(pattern_matches("*", "anything"));
  EXPECT_TRUE(is_valid_channel_pattern("user.u42.*"));
  EXPECT_FALSE(is_valid_channel_pattern("a*b"));
  EXPECT_FALSE(is_valid_channel_pattern("**"));
  EXPECT_FALSE(is_valid_channel_pattern(""));
}

TEST(Access, WithoutJwtSubscribingIsOpenAndPublishingFollowsTheKey) {
  const Access open(nullptr, "", {});
  EXPECT_FALSE(open.enabled());
  EXPECT_TRUE(open.may_subscribe({}, "news", kNowMs).allowed());
  EXPECT_TRUE(open.may_publish({}, "news", kNowMs).allowed());
  const Access keyed(nullptr, "k3y", {});
  EXPECT_TRUE(keyed.may_publish(keyed.present("k3y", {}, kNowMs), "news", kNowMs).allowed());
  const Decision wrong = keyed.may_publish(keyed.present("k3z", {}, kNowMs), "news", kNowMs);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.code(), "unauthorized");
  EXPECT_EQ(keyed.may_publish({}, "news", kNowMs).status, 401);
}

TEST(Access, TokenGrantsSubscribeAndPublishByPattern) {
  const Access access = jwt_access();
  const Credentials credentials = access.present(token(), {}, kNowMs);
  const Decision news = access.may_subscribe(credentials, "news", kNowMs);
  EXPECT_TRUE(news.allowed());
  EXPECT_EQ(news.expires_at_ms, kExpS * 1000);
  EXPECT_EQ(news.sub, "u42");
  EXPECT_TRUE(access.may_subscribe(credentials, "user.u42.inbox", kNowMs).allowed());
  const Decision other = access.may_subscribe(credentials, "user.u43.inbox", kNowMs);
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.code(), "forbidden");
  EXPECT_TRUE(access.may_publish(credentials, "chat.room", kNowMs).allowed());
  EXPECT_EQ(access.may_publish(credentials, "news", kNowMs).status, 403);
}

TEST(Access, MissingBadAndExpiredTokensAre401) {
  const Access access = jwt_access();
  const Decision missing = access.may_subscribe({}, "news", kNowMs);
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.reason, Refusal::token_missing);
  const Decision bad = access.may_subscribe(access.present("a.b.c", {}, kNowMs), "news", kNowMs);
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.reason, Refusal::token_malformed);
  // A grant held past its exp (a WebSocket's) no longer counts.
  const Credentials held = access.present(token(), {}, kNowMs);
  const Decision later = access.may_subscribe(held, "news", kExpS * 1000);
  EXPECT_EQ(later.status, 401);
  EXPECT_EQ(later.reason, Refusal::token_expired);
}

TEST(Access, PublicChannelsNeedNoToken) {
  const Access access = jwt_access({}, {"public.*", "lobby"});
  EXPECT_TRUE(access.may_subscribe({}, "public.news", kNowMs).allowed());
  EXPECT_TRUE(access.may_subscribe({}, "lobby", kNowMs).allowed());
  EXPECT_EQ(access.may_subscribe({}, "lobby2", kNowMs).status, 401);
  // Reading only: publishing on them still needs a grant.
  EXPECT_EQ(access.may_publish({}, "lobby", kNowMs).status, 401);
}

TEST(Access, ThePublishKeyStillPublishesWithJwtOn) {
  const Access access = jwt_access("k3y");
  EXPECT_TRUE(access.may_publish(access.present("k3y", {}, kNowMs), "news", kNowMs).allowed());
  EXPECT_TRUE(access.may_publish(access.present({}, "k3y", kNowMs), "news", kNowMs).allowed());
  EXPECT_EQ(access.may_publish(access.present({}, "k3z", kNowMs), "news", kNowMs).status, 401);
  // The key grants publishing only.
  EXPECT_EQ(access.may_subscribe(access.present("k3y", {}, kNowMs), "news", kNowMs).status, 401);
}

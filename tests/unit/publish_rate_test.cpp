#include <gtest/gtest.h>

#include "transports/publish/publish_rate.h"

using pushwire::transports::PublishRate;

TEST(PublishRate, ABurstOfRThenOneEvery1OverR) {
  PublishRate rate(2);
  EXPECT_EQ(rate.take("10.0.0.1", 0), 0);
  EXPECT_EQ(rate.take("10.0.0.1", 0), 0);
  EXPECT_EQ(rate.take("10.0.0.1", 0), 1);  // wait a second (rounded up)
  EXPECT_EQ(rate.take("10.0.0.1", 499), 1);
  EXPECT_EQ(rate.take("10.0.0.1", 500), 0);
  EXPECT_EQ(rate.take("10.0.0.1", 500), 1);
}

TEST(PublishRate, EachAddressHasItsOwnBucket) {
  PublishRate rate(1);
  EXPECT_EQ(rate.take("10.0.0.1", 0), 0);
  EXPECT_EQ(rate.take("10.0.0.1", 0), 1);
  EXPECT_EQ(rate.take("::1", 0), 0);
}

TEST(PublishRate, ARateUnderOneStillLetsOnePublishThrough) {
  PublishRate rate(0.25);
  EXPECT_TRUE(rate.enabled());
  EXPECT_EQ(rate.take("a", 0), 0);
  EXPECT_EQ(rate.take("a", 0), 4);
  EXPECT_EQ(rate.take("a", 4000), 0);
}

TEST(PublishRate, ZeroIsOff) { EXPECT_FALSE(PublishRate(0).enabled()); }

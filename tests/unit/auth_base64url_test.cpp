#include <gtest/gtest.h>

#include "auth/base64url.h"

using pushwire::auth::decode_base64url;

TEST(Base64Url, DecodesUnpaddedUrlSafeText) {
  EXPECT_EQ(decode_base64url(""), "");
  EXPECT_EQ(decode_base64url("Zg"), "f");
  EXPECT_EQ(decode_base64url("Zm8"), "fo");
  EXPECT_EQ(decode_base64url("Zm9v"), "foo");
  EXPECT_EQ(decode_base64url("-_8"), "\xfb\xff");
}

TEST(Base64Url, RefusesEverythingElse) {
  EXPECT_FALSE(decode_base64url("Zg=="));   // padding
  EXPECT_FALSE(decode_base64url("+/8"));    // the standard alphabet
  EXPECT_FALSE(decode_base64url("Zm 9v"));  // whitespace
  EXPECT_FALSE(decode_base64url("Z"));      // a lone character is no byte
  EXPECT_FALSE(decode_base64url("Zh"));     // stray bits: a second spelling of "f"
  EXPECT_FALSE(decode_base64url(std::string_view("Zm\0v", 4)));
}

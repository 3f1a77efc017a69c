#include "auth/bearer.h"

#include <gtest/gtest.h>

#include "auth/secret_compare.h"

namespace pushwire::auth {
namespace {

std::string credential_of(const char* authorization) {
  const auto credential = bearer_credential(authorization);
  return credential ? std::string(*credential) : "<none>";
}

TEST(BearerCredential, TheSchemeInAnyCaseThenOneOrMoreSpaces) {
  EXPECT_EQ(credential_of("Bearer k"), "k");
  EXPECT_EQ(credential_of("bearer k"), "k");
  EXPECT_EQ(credential_of("BEARER k"), "k");
  EXPECT_EQ(credential_of("bEaReR   k.with-dots"), "k.with-dots");
}

TEST(BearerCredential, AnythingElseIsNoCredential) {
  for (const char* value : {"", "Bearer", "Bearer ", "Bearerk", "Basic k", "Bearer\tk", "Bear k", "k"})
    EXPECT_EQ(credential_of(value), "<none>") << value;
}

TEST(SecretEquals, EqualOnlyWhenEveryByteAndTheLengthAgree) {
  EXPECT_TRUE(secret_equals("s3cret", "s3cret"));
  EXPECT_FALSE(secret_equals("s3cre", "s3cret"));
  EXPECT_FALSE(secret_equals("s3cret!", "s3cret"));
  EXPECT_FALSE(secret_equals("S3cret", "s3cret"));
  EXPECT_FALSE(secret_equals("", "s3cret"));
}

}  // namespace
}  // namespace pushwire::auth

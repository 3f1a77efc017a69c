#include "http/bearer.h"

#include <gtest/gtest.h>

#include "util/secret_equal.h"

namespace pushwire::http {
namespace {

std::string token_of(const char* authorization) {
  Request request;
  if (authorization) request.headers.push_back({"authorization", authorization});
  const auto token = bearer_token(request);
  return token ? std::string(*token) : "<none>";
}

TEST(BearerToken, TheSchemeInAnyCaseThenOneOrMoreSpaces) {
  EXPECT_EQ(token_of("Bearer k"), "k");
  EXPECT_EQ(token_of("bearer k"), "k");
  EXPECT_EQ(token_of("BEARER k"), "k");
  EXPECT_EQ(token_of("bEaReR   k.with-dots"), "k.with-dots");
}

TEST(BearerToken, AnythingElseIsNoToken) {
  for (const char* value : {"Bearer", "Bearer ", "Bearerk", "Basic k", "Bearer\tk", "Bear k", "k"})
    EXPECT_EQ(token_of(value), "<none>") << value;
  EXPECT_EQ(token_of(nullptr), "<none>");
}

TEST(SecretEqual, EqualOnlyWhenEveryByteAndTheLengthAgree) {
  EXPECT_TRUE(util::secret_equal("s3cret", "s3cret"));
  EXPECT_FALSE(util::secret_equal("s3cre", "s3cret"));
  EXPECT_FALSE(util::secret_equal("s3cret!", "s3cret"));
  EXPECT_FALSE(util::secret_equal("S3cret", "s3cret"));
  EXPECT_FALSE(util::secret_equal("", "s3cret"));
}

}  // namespace
}  // namespace pushwire::http

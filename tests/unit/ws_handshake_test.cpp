#include "ws/handshake.h"

#include <gtest/gtest.h>

namespace pushwire::ws {
namespace {

UpgradeRequest good_request() {
  return {"GET", "websocket", "Upgrade", "13", "dGhlIHNhbXBsZSBub25jZQ=="};
}

TEST(Handshake, ComputesTheRfc6455AcceptKeyExample) {
  EXPECT_EQ(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(Handshake, ValidatesClientKeys) {
  EXPECT_TRUE(is_valid_client_key("dGhlIHNhbXBsZSBub25jZQ=="));
  EXPECT_TRUE(is_valid_client_key("AAAAAAAAAAAAAAAAAAAAAA=="));
  EXPECT_TRUE(is_valid_client_key("+/+/+/+/+/+/+/+/+/+/+w=="));
  EXPECT_FALSE(is_valid_client_key(""));
  EXPECT_FALSE(is_valid_client_key("dGhlIHNhbXBsZSBub25jZQ="));     // 23 characters
  EXPECT_FALSE(is_valid_client_key("dGhlIHNhbXBsZSBub25jZQ==="));   // 25 characters
  EXPECT_FALSE(is_valid_client_key("dGhlIHNhbXBsZSBub25jZQAA"));    // 18 bytes
  EXPECT_FALSE(is_valid_client_key("dGhlIHNhbXBsZSBub25jZ-=="));    // not base64
  EXPECT_FALSE(is_valid_client_key("dGhlIHNhbXBsZSBub25j ZQ="));
  EXPECT_FALSE(is_valid_client_key("dGhlIHNhbXBsZSBub25jZQ=a"));
}

TEST(Handshake, AcceptsAGoodUpgrade) {
  const UpgradeCheck check = check_upgrade(good_request());
  EXPECT_TRUE(check.ok());
  EXPECT_EQ(check.status, 101);
  EXPECT_EQ(check.error, "");
}

TEST(Handshake, ReadsTokenListsWithoutRegardToCase) {
  UpgradeRequest request = good_request();
  request.upgrade = "WebSocket";
  request.connection = "keep-alive, UPGRADE";
  EXPECT_TRUE(check_upgrade(request).ok());
  request.upgrade = "h2c,\twebsocket ";
  request.connection = "Upgrade,keep-alive";
  EXPECT_TRUE(check_upgrade(request).ok());
}

TEST(Handshake, RefusesOtherMethodsWith405) {
  UpgradeRequest request = good_request();
  request.method = "POST";
  EXPECT_EQ(check_upgrade(request).status, 405);
  request.method = "get";
  EXPECT_EQ(check_upgrade(request).status, 405);
}

TEST(Handshake, RefusesAMissingUpgradeWith400) {
  UpgradeRequest request = good_request();
  for (std::string_view upgrade : {"", "h2c", "websockets", "web socket", "websocket/13"}) {
    request.upgrade = upgrade;
    const UpgradeCheck check = check_upgrade(request);
    EXPECT_EQ(check.status, 400) << upgrade;
    EXPECT_FALSE(check.ok());
    EXPECT_NE(check.error, "");
  }
  request = good_request();
  for (std::string_view connection : {"", "keep-alive", "upgrades", "close, up grade"}) {
    request.connection = connection;
    EXPECT_EQ(check_upgrade(request).status, 400) << connection;
  }
}

TEST(Handshake, RefusesOtherVersionsWith426) {
  UpgradeRequest request = good_request();
  for (std::string_view version : {"8", "12", "14", "13, 8", "013"}) {
    request.version = version;
    EXPECT_EQ(check_upgrade(request).status, 426) << version;
  }
  request.version = "";
  EXPECT_EQ(check_upgrade(request).status, 400);
}

TEST(Handshake, RefusesABadKeyWith400) {
  UpgradeRequest request = good_request();
  request.key = "";
  EXPECT_EQ(check_upgrade(request).status, 400);
  request.key = "not a key";
  EXPECT_EQ(check_upgrade(request).status, 400);
}

}  // namespace
}  // namespace pushwire::ws

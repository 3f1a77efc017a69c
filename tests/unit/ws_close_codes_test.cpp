#include "ws/close_codes.h"

#include <gtest/gtest.h>

namespace pushwire::ws {
namespace {

TEST(CloseCodes, NamesTheRfcCodes) {
  EXPECT_EQ(kCloseNormal, 1000);
  EXPECT_EQ(kCloseGoingAway, 1001);
  EXPECT_EQ(kCloseProtocolError, 1002);
  EXPECT_EQ(kCloseUnsupportedData, 1003);
  EXPECT_EQ(kCloseNoStatus, 1005);
  EXPECT_EQ(kCloseInvalidPayload, 1007);
  EXPECT_EQ(kClosePolicyViolation, 1008);
  EXPECT_EQ(kCloseMessageTooBig, 1009);
  EXPECT_EQ(kCloseInternalError, 1011);
}

TEST(CloseCodes, KnowsWhichCodesAPeerMaySend) {
  int valid = 0;
  for (int code = 0; code <= 0xffff; ++code) valid += is_valid_close_code(static_cast<std::uint16_t>(code));
  EXPECT_EQ(valid, 4 + 8 + 2000);
  for (std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999})
    EXPECT_TRUE(is_valid_close_code(code)) << code;
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
    EXPECT_FALSE(is_valid_close_code(code)) << code;
}

}  // namespace
}  // namespace pushwire::ws

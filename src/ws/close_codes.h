#pragma once
#include <cstdint>

namespace pushwire::ws {

// RFC 6455 section 7.4.1.
inline constexpr std::uint16_t kCloseNormal = 1000;
inline constexpr std::uint16_t kCloseGoingAway = 1001;
inline constexpr std::uint16_t kCloseProtocolError = 1002;
inline constexpr std::uint16_t kCloseUnsupportedData = 1003;
// Reported for a close frame without a body; never sent.
inline constexpr std::uint16_t kCloseNoStatus = 1005;
inline constexpr std::uint16_t kCloseInvalidPayload = 1007;
inline constexpr std::uint16_t kClosePolicyViolation = 1008;
inline constexpr std::uint16_t kCloseMessageTooBig = 1009;
inline constexpr std::uint16_t kCloseInternalError = 1011;

// Whether a peer may send `code` in a close frame: the codes defined by RFC
// 6455 and registered with IANA since (1012-1014), and the ranges left to
// libraries (3000-3999) and applications (4000-4999). 1004, 1005, 1006 and
// 1015 are reserved and never go on the wire.
constexpr bool is_valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

}  // namespace pushwire::ws

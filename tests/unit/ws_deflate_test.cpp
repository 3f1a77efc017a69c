#include "ws/deflate.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace pushwire::ws {
namespace {

using namespace std::string_literals;

const std::string kHello = "\xf2\x48\xcd\xc9\xc9\x07\x00"s;  // RFC 7692 7.2.3.1

std::string inflate_ok(Inflater& inflater, std::string_view compressed) {
  std::string out = "stale";
  EXPECT_EQ(inflater.inflate(compressed, out), Inflater::Result::ok);
  return out;
}

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(size, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

TEST(Deflater, CompressesTheRfc7692HelloExample) {
  Deflater deflater;
  EXPECT_EQ(deflater.compress("Hello"), kHello);
  // No context is taken over: the same message compresses the same again.
  EXPECT_EQ(deflater.compress("Hello"), kHello);
}

TEST(Deflater, CompressesAnEmptyMessageToOneZeroByte) {
  Deflater deflater;
  EXPECT_EQ(deflater.compress(""), "\x00"s);  // RFC 7692 7.2.3.6
}

TEST(Deflater, RoundTripsThroughAnInflater) {
  Deflater deflater;
  Inflater inflater(true, 1 << 22);
  const std::string json = [] {
    std::string s;
    for (int i = 0; i < 3000; ++i) s += "{\"channel\":\"news\",\"id\":\"" + std::to_string(i) + "\"}\n";
    return s;
  }();
  for (const std::string& message : {std::string(), std::string("a"), json, random_bytes(200000, 1),
                                     std::string(1 << 20, 'x')}) {
    const std::string compressed = deflater.compress(message);
    EXPECT_EQ(inflate_ok(inflater, compressed), message) << message.size();
  }
  EXPECT_LT(deflater.compress(json).size(), json.size() / 4);
}

TEST(Inflater, KeepsContextBetweenMessagesWhenAsked) {
  // RFC 7692 7.2.3.2: the second message refers to the first.
  const std::string second = "\xf2\x00\x11\x00\x00"s;
  Inflater with_context(true, 100);
  EXPECT_EQ(inflate_ok(with_context, kHello), "Hello");
  EXPECT_EQ(inflate_ok(with_context, second), "Hello");

  Inflater without_context(false, 100);
  EXPECT_EQ(inflate_ok(without_context, kHello), "Hello");
  std::string out;
  EXPECT_EQ(without_context.inflate(second, out), Inflater::Result::corrupt);
}

TEST(Inflater, ReadsTheOtherRfc7692Examples) {
  Inflater inflater(true, 100);
  EXPECT_EQ(inflate_ok(inflater, "\x00\x05\x00\xfa\xff\x48\x65\x6c\x6c\x6f\x00"s), "Hello");  // stored block
  EXPECT_EQ(inflate_ok(inflater, "\xf2\x48\x05\x00\x00\x00\xff\xff\xca\xc9\xc9\x07\x00"s), "Hello");  // two blocks
  EXPECT_EQ(inflate_ok(inflater, "\x00"s), "");  // empty message
}

TEST(Inflater, StartsOverAfterAFinalBlock) {
  // RFC 7692 7.2.3.4: a message ended with BFINAL set instead of a flush.
  Inflater inflater(true, 100);
  EXPECT_EQ(inflate_ok(inflater, "\xf3\x48\xcd\xc9\xc9\x07\x00\x00"s), "Hello");
  EXPECT_EQ(inflate_ok(inflater, kHello), "Hello");
}

TEST(Inflater, LimitsTheInflatedSize) {
  Deflater deflater;
  const std::string message(100000, 'a');
  const std::string compressed = deflater.compress(message);
  std::string out;
  EXPECT_EQ(Inflater(true, 99999).inflate(compressed, out), Inflater::Result::too_big);
  EXPECT_LE(out.size(), 100000u);
  EXPECT_EQ(Inflater(true, 100000).inflate(compressed, out), Inflater::Result::ok);
  EXPECT_EQ(out, message);
  EXPECT_EQ(Inflater(false, 0).inflate(deflater.compress(""), out), Inflater::Result::ok);
  EXPECT_EQ(Inflater(false, 0).inflate(deflater.compress("a"), out), Inflater::Result::too_big);
}

TEST(Inflater, RefusesCorruptData) {
  std::string out;
  EXPECT_EQ(Inflater(true, 1000).inflate("\xff\xff\xff\xff", out), Inflater::Result::corrupt);
  EXPECT_EQ(Inflater(true, 1000).inflate("\x07", out), Inflater::Result::corrupt);  // reserved block type
}

TEST(Inflater, IsUsableAgainWithoutContextAfterAnError) {
  Inflater inflater(false, 1000);
  std::string out;
  EXPECT_EQ(inflater.inflate("\xff\xff\xff\xff", out), Inflater::Result::corrupt);
  EXPECT_EQ(inflate_ok(inflater, kHello), "Hello");
}

}  // namespace
}  // namespace pushwire::ws

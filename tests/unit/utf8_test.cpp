#include "util/utf8.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace pushwire::util {
namespace {

using namespace std::string_literals;

// The shortest encoding of a code point, surrogates included.
std::string encode(std::uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xc0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xe0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    s += static_cast<char>(0xf0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  }
  return s;
}

// The encoding of `cp` in `length` bytes, longer than needed (overlong).
std::string encode_overlong(std::uint32_t cp, int length) {
  std::string s(length, '\0');
  for (int i = length - 1; i > 0; --i, cp >>= 6) s[i] = static_cast<char>(0x80 | (cp & 0x3f));
  const unsigned lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
  s[0] = static_cast<char>(lead[length] | cp);
  return s;
}

TEST(Utf8, AcceptsAsciiAndTheEmptyString) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("hello, world"));
  EXPECT_TRUE(is_valid_utf8("\0\x7f"s));
}

TEST(Utf8, AcceptsEveryScalarValueAndNoSurrogate) {
  for (std::uint32_t cp = 0; cp <= 0x10ffff; ++cp) {
    const bool surrogate = cp >= 0xd800 && cp <= 0xdfff;
    ASSERT_EQ(is_valid_utf8(encode(cp)), !surrogate) << std::hex << cp;
  }
}

TEST(Utf8, RejectsOverlongForms) {
  for (std::uint32_t cp : {0x0u, 0x2fu, 0x7fu}) EXPECT_FALSE(is_valid_utf8(encode_overlong(cp, 2))) << cp;
  for (std::uint32_t cp : {0x0u, 0x2fu, 0x7ffu}) EXPECT_FALSE(is_valid_utf8(encode_overlong(cp, 3))) << cp;
  for (std::uint32_t cp : {0x0u, 0x2fu, 0xffffu}) EXPECT_FALSE(is_valid_utf8(encode_overlong(cp, 4))) << cp;
  EXPECT_FALSE(is_valid_utf8("\xc0\x80"));
  EXPECT_FALSE(is_valid_utf8("\xc1\xbf"));
  EXPECT_FALSE(is_valid_utf8("\xe0\x9f\xbf"));
  EXPECT_FALSE(is_valid_utf8("\xf0\x8f\xbf\xbf"));
  EXPECT_TRUE(is_valid_utf8("\xc2\x80"));
  EXPECT_TRUE(is_valid_utf8("\xe0\xa0\x80"));
  EXPECT_TRUE(is_valid_utf8("\xf0\x90\x80\x80"));
}

TEST(Utf8, RejectsSurrogates) {
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));  // U+D800
  EXPECT_FALSE(is_valid_utf8("\xed\xbf\xbf"));  // U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\xbd\xed\xb8\x80"));  // a CESU-8 pair
  EXPECT_TRUE(is_valid_utf8("\xed\x9f\xbf"));   // U+D7FF
  EXPECT_TRUE(is_valid_utf8("\xee\x80\x80"));   // U+E000
}

TEST(Utf8, RejectsCodePointsAboveTheLast) {
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // U+110000
  for (int lead = 0xf5; lead <= 0xff; ++lead)
    EXPECT_FALSE(is_valid_utf8(std::string(1, static_cast<char>(lead)) + "\x80\x80\x80")) << lead;
}

TEST(Utf8, RejectsStrayAndTruncatedSequences) {
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_FALSE(is_valid_utf8("a\xbf" "b"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));
  EXPECT_FALSE(is_valid_utf8("\xf0\x9f\x98"));
  EXPECT_FALSE(is_valid_utf8("\xe2\x82" "a"));
  EXPECT_FALSE(is_valid_utf8("\xc3\xa9\xa9"));
}

TEST(Utf8, FindsABadByteAtEveryPositionOfALongAsciiRun) {
  for (std::size_t pos = 0; pos < 40; ++pos) {
    std::string text(40, 'a');
    EXPECT_TRUE(is_valid_utf8(text));
    text[pos] = '\xff';
    EXPECT_FALSE(is_valid_utf8(text)) << pos;
    text[pos] = '\xe9';  // a lead byte followed by ASCII
    EXPECT_FALSE(is_valid_utf8(text)) << pos;
  }
}

TEST(Utf8Validator, AcceptsASequenceSplitAnywhere) {
  const std::string text = "a\xc3\xa9" "b\xe2\x82\xac" "c\xf0\x9f\x98\x80" "d";
  for (std::size_t i = 0; i <= text.size(); ++i) {
    for (std::size_t j = i; j <= text.size(); ++j) {
      Utf8Validator v;
      ASSERT_TRUE(v.feed(std::string_view(text).substr(0, i)));
      ASSERT_TRUE(v.feed(std::string_view(text).substr(i, j - i)));
      ASSERT_TRUE(v.feed(std::string_view(text).substr(j)));
      EXPECT_TRUE(v.complete()) << i << " " << j;
    }
  }
}

TEST(Utf8Validator, ATruncatedSequenceIsIncompleteNotInvalid) {
  Utf8Validator v;
  EXPECT_TRUE(v.feed("ok\xe2\x82"));
  EXPECT_FALSE(v.complete());
  EXPECT_TRUE(v.feed("\xac"));
  EXPECT_TRUE(v.complete());
}

TEST(Utf8Validator, FailsAtTheFirstInvalidByteEvenMidSequence) {
  Utf8Validator v;
  EXPECT_TRUE(v.feed("\xe0"));
  EXPECT_FALSE(v.feed("\x80"));  // E0 80 can only start an overlong form
  Utf8Validator w;
  EXPECT_TRUE(w.feed("\xed"));
  EXPECT_FALSE(w.feed("\xa0"));  // a surrogate
  Utf8Validator x;
  EXPECT_TRUE(x.feed("\xf4"));
  EXPECT_FALSE(x.feed("\x90"));  // above U+10FFFF
}

TEST(Utf8Validator, StaysInvalidUntilReset) {
  Utf8Validator v;
  EXPECT_FALSE(v.feed("\xff"));
  EXPECT_FALSE(v.feed("a"));
  EXPECT_FALSE(v.complete());
  v.reset();
  EXPECT_TRUE(v.complete());
  EXPECT_TRUE(v.feed("a\xc3"));
  v.reset();
  EXPECT_TRUE(v.complete());
  EXPECT_TRUE(v.feed("\xc3\xa9"));
  EXPECT_TRUE(v.complete());
}

// A byte at a time agrees with all at once, on every two-byte string.
TEST(Utf8Validator, AgreesWithTheWholeStringCheckOnAllTwoByteStrings) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const char bytes[2] = {static_cast<char>(a), static_cast<char>(b)};
      Utf8Validator v;
      const bool ok = v.feed(std::string_view(bytes, 1)) && v.feed(std::string_view(bytes + 1, 1)) && v.complete();
      ASSERT_EQ(ok, is_valid_utf8(std::string_view(bytes, 2))) << a << " " << b;
      const bool two_byte_char = a >= 0xc2 && a <= 0xdf && b >= 0x80 && b <= 0xbf;
      ASSERT_EQ(ok, (a < 0x80 && b < 0x80) || two_byte_char) << a << " " << b;
    }
  }
}

}  // namespace
}  // namespace pushwire::util

#include <gtest/gtest.h>

#include <set>

#include "core/message_id.h"

using namespace pushwire::core;

TEST(IdScheme, RoundTripsItsOwnIds) {
  IdScheme ids("abc123");
  EXPECT_EQ(ids.make_id(42), "abc123-42");
  EXPECT_EQ(ids.parse("abc123-42"), 42u);
}

TEST(IdScheme, RefusesIdsOfAnotherRunOrMalformedOnes) {
  IdScheme ids("abc123");
  for (const char* bad : {"zzz999-42", "abc123-", "abc123", "abc123-00", "abc123-042", "abc123-4x", "abc123--4", "",
                          "abc123-99999999999999999999999"})
    EXPECT_FALSE(ids.parse(bad).has_value()) << bad;
}

TEST(IdScheme, TheRunsStartIsPositionZero) {
  IdScheme ids("abc123");
  EXPECT_EQ(ids.make_id(0), "abc123-0");
  EXPECT_EQ(ids.parse("abc123-0"), 0u);
}

TEST(IdScheme, EachRunDrawsADifferentTokenOfIdCharacters) {
  std::set<std::string> tokens;
  for (int i = 0; i < 50; ++i) {
    IdScheme ids;
    for (char c : ids.run_token()) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
    tokens.insert(ids.run_token());
  }
  EXPECT_EQ(tokens.size(), 50u);
}

TEST(Cursor, ReadsSinceParameter) {
  IdScheme ids("r");
  const std::string zero = "0", mine = "r-7", other = "q-7";
  EXPECT_EQ(Cursor::parse(nullptr, ids).kind, Cursor::Kind::newest);
  EXPECT_EQ(Cursor::parse(&zero, ids).kind, Cursor::Kind::oldest);
  Cursor c = Cursor::parse(&mine, ids);
  EXPECT_EQ(c.kind, Cursor::Kind::after);
  EXPECT_EQ(c.seq, 7u);
  EXPECT_EQ(Cursor::parse(&other, ids).kind, Cursor::Kind::unknown);
}

TEST(Since, EveryIdTheServerGivesOutIsAValidSince) {
  IdScheme ids;
  for (uint64_t seq : {uint64_t{0}, uint64_t{1}, uint64_t{18446744073709551615u}})
    EXPECT_TRUE(is_valid_since(ids.make_id(seq))) << ids.make_id(seq);
  EXPECT_TRUE(is_valid_since("0"));
  EXPECT_TRUE(is_valid_since("otherrun-5"));  // another run's id: a gap, not an error
}

TEST(Since, AMissingCursorAsTextOrAnythingNotIdShapedIsNot) {
  for (const char* bad : {"", "null", "undefined", "a b", "a/b", "<script>", "caf\xc3\xa9"})
    EXPECT_FALSE(is_valid_since(bad)) << bad;
  EXPECT_FALSE(is_valid_since(std::string(65, 'x')));
  EXPECT_TRUE(is_valid_since(std::string(64, 'x')));
}

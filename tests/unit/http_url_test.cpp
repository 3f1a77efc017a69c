#include "http/url.h"

#include <gtest/gtest.h>

namespace pushwire::http {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

TEST(PercentDecode, DecodesEscapesOfEitherCase) {
  EXPECT_EQ(percent_decode("a%20b%2fc%2Fd", false), "a b/c/d");
  EXPECT_EQ(percent_decode("%E2%82%AC", false), "\xE2\x82\xAC");
  EXPECT_EQ(percent_decode("", false), "");
}

TEST(PercentDecode, PlusIsASpaceOnlyWhenAsked) {
  EXPECT_EQ(percent_decode("a+b%2B", true), "a b+");
  EXPECT_EQ(percent_decode("a+b%2B", false), "a+b+");
}

TEST(PercentDecode, RejectsMalformedEscapes) {
  for (std::string_view bad : {"%", "%4", "a%", "%zz", "%4g", "%g4", "ab%2", "% 20"}) {
    EXPECT_EQ(percent_decode(bad, false), std::nullopt) << bad;
  }
}

TEST(DecodePath, RejectsAnEncodedNul) {
  EXPECT_EQ(decode_path("/pub/a%00b"), std::nullopt);
  EXPECT_EQ(decode_path("/pub/%zz"), std::nullopt);
  EXPECT_EQ(decode_path("/pub/a+b%40c"), "/pub/a+b@c");
}

TEST(ParseQuery, SplitsAndDecodesInOrder) {
  EXPECT_EQ(parse_query("since=0&callback=cb&since=5"),
            (Params{{"since", "0"}, {"callback", "cb"}, {"since", "5"}}));
  EXPECT_EQ(parse_query("q=a+b%26c&x%3Dy=1=2"), (Params{{"q", "a b&c"}, {"x=y", "1=2"}}));
}

TEST(ParseQuery, SkipsEmptyPiecesAndAllowsMissingValues) {
  EXPECT_EQ(parse_query(""), Params{});
  EXPECT_EQ(parse_query("&&a&b=&&"), (Params{{"a", ""}, {"b", ""}}));
  EXPECT_EQ(parse_query("=v"), (Params{{"", "v"}}));
}

TEST(ParseQuery, RejectsMalformedEscapes) {
  EXPECT_EQ(parse_query("a=%zz"), std::nullopt);
  EXPECT_EQ(parse_query("a%=1"), std::nullopt);
}

TEST(SplitTarget, OriginForm) {
  auto parts = split_target("/poll/news?since=3");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->path, "/poll/news");
  EXPECT_EQ(parts->query, "since=3");

  parts = split_target("/a?");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->path, "/a");
  EXPECT_EQ(parts->query, "");
}

TEST(SplitTarget, DropsTheFragment) {
  auto parts = split_target("/a?b=1#frag?x");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->path, "/a");
  EXPECT_EQ(parts->query, "b=1");
}

TEST(SplitTarget, ReducesAbsoluteFormToItsPath) {
  auto parts = split_target("http://example.com:8080/sse/x?since=1");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->path, "/sse/x");
  EXPECT_EQ(parts->query, "since=1");

  parts = split_target("HTTPS://example.com");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->path, "/");

  parts = split_target("http://example.com?a=1");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->path, "/");
  EXPECT_EQ(parts->query, "a=1");
}

TEST(SplitTarget, RejectsOtherForms) {
  for (std::string_view bad : {"", "*", "example.com:443", "ftp://h/x", "http:///x", "http:/x",
                               "pub/news", "#/a"}) {
    EXPECT_EQ(split_target(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace pushwire::http

TEST(RedactedTarget, HidesTheValuesOfKeyAndTokenParameters) {
  using pushwire::http::redacted_target;
  EXPECT_EQ(redacted_target("/ws?key=s3cret"), "/ws?key=***");
  EXPECT_EQ(redacted_target("/sse/a?since=0&token=eyJ.x.y&x=1"), "/sse/a?since=0&token=***&x=1");
  EXPECT_EQ(redacted_target("/ws?KEY=a&%6bey=b&Token=c"), "/ws?KEY=***&%6bey=***&Token=***");
  EXPECT_EQ(redacted_target("/poll/a?since=1&monkey=banana&key"), "/poll/a?since=1&monkey=banana&key");
  EXPECT_EQ(redacted_target("/healthz"), "/healthz");
}

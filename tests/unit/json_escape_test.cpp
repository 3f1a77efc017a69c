#include <gtest/gtest.h>

#include "util/json_escape.h"

using pushwire::util::json_string;

TEST(JsonEscape, PlainTextIsQuoted) { EXPECT_EQ(json_string("hello"), "\"hello\""); }

TEST(JsonEscape, EscapesWhatJsonRequires) {
  EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_string("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(json_string(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(json_string(std::string("a\0b", 3)), "\"a\\u0000b\"");
}

TEST(JsonEscape, IsSafeInsideAScriptElement) {
  EXPECT_EQ(json_string("</script><!--&"), "\"\\u003c/script\\u003e\\u003c!--\\u0026\"");
}

TEST(JsonEscape, EscapesJavaScriptLineSeparators) {
  EXPECT_EQ(json_string("a\xE2\x80\xA8" "b\xE2\x80\xA9"), "\"a\\u2028b\\u2029\"");
}

TEST(JsonEscape, LeavesOtherUnicodeAlone) {
  EXPECT_EQ(json_string("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"), "\"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80\"");
  EXPECT_EQ(json_string("\xE2\x80"), "\"\xE2\x80\"");  // a truncated sequence is copied, not read past
}

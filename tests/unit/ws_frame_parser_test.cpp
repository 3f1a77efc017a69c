#include "ws/frame_parser.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ws/close_codes.h"
#include "ws/deflate.h"
#include "ws/frame_writer.h"

namespace pushwire::ws {
namespace {

using namespace std::string_literals;
using Events = std::vector<std::string>;

// Records what the parser reports as short strings, e.g. "text:Hello".
class RecordingSink : public FrameParser::Sink {
 public:
  Events events;
  std::string error_reason;

  void on_text(std::string_view m) override { events.push_back("text:" + std::string(m)); }
  void on_binary(std::string_view m) override { events.push_back("binary:" + std::string(m)); }
  void on_ping(std::string_view p) override { events.push_back("ping:" + std::string(p)); }
  void on_pong(std::string_view p) override { events.push_back("pong:" + std::string(p)); }
  void on_close(std::uint16_t code, std::string_view reason) override {
    events.push_back("close:" + std::to_string(code) + ":" + std::string(reason));
  }
  void on_protocol_error(std::uint16_t code, std::string_view reason) override {
    events.push_back("error:" + std::to_string(code));
    error_reason = reason;
  }
};

constexpr std::size_t kMax = 1 << 20;

// A frame as a client sends it: `first_byte` (FIN, RSV and opcode) as given,
// the length in the shortest form, and the payload masked.
std::string raw_frame(std::uint8_t first_byte, std::string_view payload, bool masked = true) {
  const std::uint8_t key[4] = {0x37, 0xfa, 0x21, 0x3d};
  std::string frame(frame_header(Opcode::continuation, payload.size()).view());
  frame[0] = static_cast<char>(first_byte);
  if (masked) {
    frame[1] = static_cast<char>(frame[1] | 0x80);
    frame.append(reinterpret_cast<const char*>(key), 4);
  }
  for (std::size_t i = 0; i < payload.size(); ++i)
    frame += masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i];
  return frame;
}

std::string client_frame(Opcode op, std::string_view payload, bool fin = true, bool rsv1 = false) {
  return raw_frame(static_cast<std::uint8_t>((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | static_cast<std::uint8_t>(op)),
                   payload);
}

std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
  std::string p{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  return p.append(reason);
}

Events parse(std::string_view bytes, std::size_t max = kMax, std::optional<DeflateParams> deflate = std::nullopt) {
  RecordingSink sink;
  FrameParser parser(sink, max, deflate);
  parser.feed(bytes);
  return sink.events;
}

Events parse_byte_at_a_time(std::string_view bytes, std::size_t max = kMax,
                            std::optional<DeflateParams> deflate = std::nullopt) {
  RecordingSink sink;
  FrameParser parser(sink, max, deflate);
  for (char c : bytes) parser.feed(std::string_view(&c, 1));
  return sink.events;
}

std::uint16_t error_code(std::string_view bytes, std::size_t max = kMax,
                         std::optional<DeflateParams> deflate = std::nullopt) {
  RecordingSink sink;
  FrameParser parser(sink, max, deflate);
  parser.feed(bytes);
  EXPECT_TRUE(parser.failed());
  if (sink.events.empty() || sink.events.back().rfind("error:", 0) != 0) return 0;
  return static_cast<std::uint16_t>(std::stoi(sink.events.back().substr(6)));
}

TEST(FrameParser, ReadsTheRfcMaskedHelloExample) {
  const std::string frame = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  EXPECT_EQ(parse(frame), Events{"text:Hello"});
}

TEST(FrameParser, ReadsTextAndBinaryMessages) {
  const std::string bytes = client_frame(Opcode::text, "héllo") + client_frame(Opcode::binary, "\0\xff"s) +
                            client_frame(Opcode::text, "");
  EXPECT_EQ(parse(bytes), (Events{"text:héllo", "binary:\0\xff"s, "text:"}));
}

TEST(FrameParser, AnySplitOfTheStreamGivesTheSameEvents) {
  const std::string bytes = client_frame(Opcode::text, "first") + client_frame(Opcode::ping, "p") +
                            client_frame(Opcode::text, "ab\xe2\x82", false) + client_frame(Opcode::pong, "") +
                            client_frame(Opcode::continuation, "\xac" "cd", true) +
                            client_frame(Opcode::binary, std::string(300, 'b')) +
                            client_frame(Opcode::close, close_payload(1000, "bye"));
  const Events expected{"text:first", "ping:p", "pong:", "text:ab€cd", "binary:" + std::string(300, 'b'),
                        "close:1000:bye"};
  EXPECT_EQ(parse(bytes), expected);
  EXPECT_EQ(parse_byte_at_a_time(bytes), expected);
  for (std::size_t split = 0; split <= bytes.size(); ++split) {
    RecordingSink sink;
    FrameParser parser(sink, kMax);
    parser.feed(std::string_view(bytes).substr(0, split));
    parser.feed(std::string_view(bytes).substr(split));
    ASSERT_EQ(sink.events, expected) << "split at " << split;
  }
}

TEST(FrameParser, ReadsSixteenAndSixtyFourBitLengths) {
  for (std::size_t size : {125u, 126u, 200u, 65535u, 65536u, 70000u}) {
    const std::string payload(size, 'x');
    const std::string frame = client_frame(Opcode::binary, payload);
    const std::size_t header = size < 126 ? 6 : size <= 65535 ? 8 : 14;
    EXPECT_EQ(frame.size(), header + size);
    EXPECT_EQ(parse(frame), Events{"binary:" + payload}) << size;
  }
}

TEST(FrameParser, AcceptsANonMinimalLengthEncoding) {
  const std::string frame = "\x82\xfe\x00\x03" "\x00\x00\x00\x00" "abc"s;
  EXPECT_EQ(parse(frame), Events{"binary:abc"});
}

TEST(FrameParser, DefragmentsMessages) {
  const std::string bytes = client_frame(Opcode::text, "Hel", false) + client_frame(Opcode::continuation, "", false) +
                            client_frame(Opcode::continuation, "lo", true);
  EXPECT_EQ(parse(bytes), Events{"text:Hello"});
}

TEST(FrameParser, DeliversControlFramesBetweenFragments) {
  const std::string bytes = client_frame(Opcode::binary, "a", false) + client_frame(Opcode::ping, "1") +
                            client_frame(Opcode::continuation, "b", false) + client_frame(Opcode::pong, "2") +
                            client_frame(Opcode::continuation, "c", true);
  EXPECT_EQ(parse(bytes), (Events{"ping:1", "pong:2", "binary:abc"}));
}

TEST(FrameParser, DeliversPingAndPongPayloads) {
  const std::string longest(125, 'p');
  EXPECT_EQ(parse(client_frame(Opcode::ping, longest) + client_frame(Opcode::ping, "") +
                  client_frame(Opcode::pong, "x")),
            (Events{"ping:" + longest, "ping:", "pong:x"}));
}

TEST(FrameParser, ValidatesUtf8SplitInsideACodePointAcrossFragments) {
  // U+1F600 is F0 9F 98 80; cut it in every place.
  const std::string smiley = "\xf0\x9f\x98\x80";
  for (std::size_t cut = 0; cut <= smiley.size(); ++cut) {
    const std::string bytes = client_frame(Opcode::text, "a" + smiley.substr(0, cut), false) +
                              client_frame(Opcode::continuation, smiley.substr(cut) + "b", true);
    EXPECT_EQ(parse(bytes), Events{"text:a" + smiley + "b"}) << cut;
    EXPECT_EQ(parse_byte_at_a_time(bytes), Events{"text:a" + smiley + "b"}) << cut;
  }
}

TEST(FrameParser, FailsWith1007AtTheFirstInvalidByteOfAnUnfinishedMessage) {
  // The first fragment is already invalid (an overlong '/'); no final fragment comes.
  EXPECT_EQ(error_code(client_frame(Opcode::text, "ok\xc0\xaf", false)), kCloseInvalidPayload);

  // Inside one frame: the error comes with the bad byte, before the frame ends.
  const std::string frame = client_frame(Opcode::text, "abc\xff" "def");
  RecordingSink sink;
  FrameParser parser(sink, kMax);
  parser.feed(std::string_view(frame).substr(0, 6 + 4));
  EXPECT_EQ(sink.events, Events{"error:1007"});
}

TEST(FrameParser, FailsWith1007ForInvalidUtf8AcrossFragments) {
  // E0 then 80 would be an overlong form; the second fragment reveals it.
  const std::string bytes = client_frame(Opcode::text, "x\xe0", false) + client_frame(Opcode::continuation, "\x80\x80");
  EXPECT_EQ(error_code(bytes), kCloseInvalidPayload);
  EXPECT_EQ(error_code(client_frame(Opcode::text, "\xed\xa0\x80")), kCloseInvalidPayload);      // surrogate
  EXPECT_EQ(error_code(client_frame(Opcode::text, "\xf4\x90\x80\x80")), kCloseInvalidPayload);  // > U+10FFFF
}

TEST(FrameParser, FailsWith1007WhenATextMessageEndsInsideACodePoint) {
  EXPECT_EQ(error_code(client_frame(Opcode::text, "abc\xe2\x82")), kCloseInvalidPayload);
  const std::string bytes = client_frame(Opcode::text, "a\xe2", false) + client_frame(Opcode::continuation, "");
  EXPECT_EQ(error_code(bytes), kCloseInvalidPayload);
}

TEST(FrameParser, DoesNotValidateBinaryMessages) {
  EXPECT_EQ(parse(client_frame(Opcode::binary, "\xff\xfe")), Events{"binary:\xff\xfe"});
}

TEST(FrameParser, RequiresMaskedFrames) {
  EXPECT_EQ(error_code(raw_frame(0x81, "Hello", false)), kCloseProtocolError);
  // Refused from the first two bytes.
  RecordingSink sink;
  FrameParser parser(sink, kMax);
  parser.feed("\x81\x05");
  EXPECT_EQ(sink.events, Events{"error:1002"});
}

TEST(FrameParser, RefusesReservedBits) {
  EXPECT_EQ(error_code(raw_frame(0xc1, "x")), kCloseProtocolError);  // RSV1 without deflate
  EXPECT_EQ(error_code(raw_frame(0xa1, "x")), kCloseProtocolError);  // RSV2
  EXPECT_EQ(error_code(raw_frame(0x91, "x")), kCloseProtocolError);  // RSV3
  EXPECT_EQ(error_code(raw_frame(0xa1, "x"), kMax, DeflateParams{}), kCloseProtocolError);
  EXPECT_EQ(error_code(raw_frame(0x91, "x"), kMax, DeflateParams{}), kCloseProtocolError);
}

TEST(FrameParser, AllowsRsv1OnlyOnTheFirstFrameOfACompressedMessage) {
  EXPECT_EQ(error_code(raw_frame(0xc9, "x"), kMax, DeflateParams{}), kCloseProtocolError);  // ping
  EXPECT_EQ(error_code(raw_frame(0xc8, ""), kMax, DeflateParams{}), kCloseProtocolError);   // close
  const std::string bytes = client_frame(Opcode::text, "\xf2\x48", false, true) +
                            client_frame(Opcode::continuation, "\xcd\xc9\xc9\x07\x00"s, true, true);
  EXPECT_EQ(error_code(bytes, kMax, DeflateParams{}), kCloseProtocolError);
}

TEST(FrameParser, RefusesUnknownOpcodes) {
  for (std::uint8_t op : {3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf})
    EXPECT_EQ(error_code(raw_frame(0x80 | op, "")), kCloseProtocolError) << int(op);
}

TEST(FrameParser, RefusesFragmentedOrLongControlFrames) {
  EXPECT_EQ(error_code(client_frame(Opcode::ping, "a", false)), kCloseProtocolError);
  EXPECT_EQ(error_code(client_frame(Opcode::ping, std::string(126, 'a'))), kCloseProtocolError);
  EXPECT_EQ(error_code(client_frame(Opcode::close, std::string(126, 'a'))), kCloseProtocolError);
  EXPECT_EQ(error_code(client_frame(Opcode::pong, std::string(126, 'a'))), kCloseProtocolError);
}

TEST(FrameParser, RefusesAContinuationWithoutAMessage) {
  EXPECT_EQ(error_code(client_frame(Opcode::continuation, "x")), kCloseProtocolError);
  const std::string after_end = client_frame(Opcode::text, "done") + client_frame(Opcode::continuation, "x");
  EXPECT_EQ(error_code(after_end), kCloseProtocolError);
}

TEST(FrameParser, RefusesANewMessageInsideAFragmentedOne) {
  const std::string bytes = client_frame(Opcode::text, "a", false) + client_frame(Opcode::binary, "b");
  EXPECT_EQ(error_code(bytes), kCloseProtocolError);
}

TEST(FrameParser, RefusesATooBigMessageFromTheHeaderAlone) {
  // Only the header of a 1001-byte frame arrives.
  const std::string header = client_frame(Opcode::binary, std::string(1001, 'x')).substr(0, 8);
  RecordingSink sink;
  FrameParser parser(sink, 1000);
  parser.feed(header);
  EXPECT_EQ(sink.events, Events{"error:1009"});

  // A 64-bit length far beyond any limit.
  EXPECT_EQ(error_code("\x82\xff\x00\x00\x01\x00\x00\x00\x00\x00" "abcd"s, 1000), kCloseMessageTooBig);
  EXPECT_EQ(parse(client_frame(Opcode::binary, std::string(1000, 'x')), 1000),
            Events{"binary:" + std::string(1000, 'x')});
}

TEST(FrameParser, CountsEveryFragmentAgainstTheLimit) {
  const std::string bytes = client_frame(Opcode::text, std::string(600, 'a'), false) +
                            client_frame(Opcode::ping, "") +
                            client_frame(Opcode::continuation, std::string(401, 'a'));
  RecordingSink sink;
  FrameParser parser(sink, 1000);
  parser.feed(std::string_view(bytes).substr(0, bytes.size() - 401));  // up to the last header
  EXPECT_EQ(sink.events, (Events{"ping:", "error:1009"}));
}

TEST(FrameParser, RefusesA64BitLengthWithTheTopBitSet) {
  EXPECT_EQ(error_code("\x82\xff\x80\x00\x00\x00\x00\x00\x00\x01" "abcd"s), kCloseProtocolError);
}

TEST(FrameParser, ReportsCloseFrames) {
  EXPECT_EQ(parse(client_frame(Opcode::close, "")), Events{"close:1005:"});
  EXPECT_EQ(parse(client_frame(Opcode::close, close_payload(1000))), Events{"close:1000:"});
  EXPECT_EQ(parse(client_frame(Opcode::close, close_payload(1001, "going"))), Events{"close:1001:going"});
  EXPECT_EQ(parse(client_frame(Opcode::close, close_payload(4000, "é"))), Events{"close:4000:é"});
}

TEST(FrameParser, AcceptsEveryValidCloseCode) {
  for (std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999,
                             4000, 4999})
    EXPECT_EQ(parse(client_frame(Opcode::close, close_payload(code))), Events{"close:" + std::to_string(code) + ":"});
}

TEST(FrameParser, RefusesInvalidCloseFrames) {
  EXPECT_EQ(error_code(client_frame(Opcode::close, "\x03")), kCloseProtocolError);
  for (std::uint16_t code : {0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    EXPECT_EQ(error_code(client_frame(Opcode::close, close_payload(code))), kCloseProtocolError) << code;
  EXPECT_EQ(error_code(client_frame(Opcode::close, close_payload(1000, "\xff"))), kCloseInvalidPayload);
  EXPECT_EQ(error_code(client_frame(Opcode::close, close_payload(1000, "\xe2\x82"))), kCloseInvalidPayload);
}

TEST(FrameParser, IgnoresInputAfterAnError) {
  RecordingSink sink;
  FrameParser parser(sink, kMax);
  parser.feed(client_frame(Opcode::continuation, "x") + client_frame(Opcode::text, "later"));
  parser.feed(client_frame(Opcode::text, "and later"));
  EXPECT_EQ(sink.events, Events{"error:1002"});
  EXPECT_EQ(sink.error_reason, "continuation without a message");
  EXPECT_TRUE(parser.failed());
}

TEST(FrameParser, IgnoresInputAfterAClose) {
  RecordingSink sink;
  FrameParser parser(sink, kMax);
  parser.feed(client_frame(Opcode::close, close_payload(1000)) + client_frame(Opcode::text, "later"));
  parser.feed("garbage");
  EXPECT_EQ(sink.events, Events{"close:1000:"});
  EXPECT_TRUE(parser.closed());
  EXPECT_FALSE(parser.failed());
}

// permessage-deflate

TEST(FrameParser, InflatesTheRfc7692HelloExample) {
  const std::string hello = "\xf2\x48\xcd\xc9\xc9\x07\x00"s;
  EXPECT_EQ(parse(client_frame(Opcode::text, hello, true, true), kMax, DeflateParams{}), Events{"text:Hello"});
}

TEST(FrameParser, InflatesWithContextTakeoverUnlessNegotiatedOff) {
  // RFC 7692 7.2.3.2: the second "Hello" refers back to the first.
  const std::string bytes = client_frame(Opcode::text, "\xf2\x48\xcd\xc9\xc9\x07\x00"s, true, true) +
                            client_frame(Opcode::text, "\xf2\x00\x11\x00\x00"s, true, true);
  EXPECT_EQ(parse(bytes, kMax, DeflateParams{}), (Events{"text:Hello", "text:Hello"}));
  EXPECT_EQ(parse(bytes, kMax, DeflateParams{.client_no_context_takeover = true}),
            (Events{"text:Hello", "error:1007"}));
}

TEST(FrameParser, RoundTripsADeflaterMessage) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "{\"op\":\"publish\",\"data\":\"héllo " + std::to_string(i) + "\"} ";
  Deflater deflater;
  const std::string compressed = deflater.compress(text);
  ASSERT_LT(compressed.size(), text.size());

  EXPECT_EQ(parse(client_frame(Opcode::text, compressed, true, true), kMax, DeflateParams{}), Events{"text:" + text});
  EXPECT_EQ(parse_byte_at_a_time(client_frame(Opcode::binary, compressed, true, true), kMax, DeflateParams{}),
            Events{"binary:" + text});

  // Fragmented, with a ping in between: RSV1 only on the first frame.
  const std::size_t cut = compressed.size() / 2;
  const std::string fragmented = client_frame(Opcode::text, compressed.substr(0, cut), false, true) +
                                 client_frame(Opcode::ping, "") +
                                 client_frame(Opcode::continuation, compressed.substr(cut), true);
  EXPECT_EQ(parse(fragmented, kMax, DeflateParams{}), (Events{"ping:", "text:" + text}));
}

TEST(FrameParser, PassesUncompressedMessagesWhenDeflateIsNegotiated) {
  EXPECT_EQ(parse(client_frame(Opcode::text, "plain"), kMax, DeflateParams{}), Events{"text:plain"});
}

TEST(FrameParser, LimitsTheInflatedSize) {
  Deflater deflater;
  const std::string compressed = deflater.compress(std::string(5000, 'a'));
  ASSERT_LT(compressed.size(), 1000u);
  EXPECT_EQ(error_code(client_frame(Opcode::text, compressed, true, true), 4999, DeflateParams{}),
            kCloseMessageTooBig);
  EXPECT_EQ(parse(client_frame(Opcode::text, compressed, true, true), 5000, DeflateParams{}),
            Events{"text:" + std::string(5000, 'a')});
}

TEST(FrameParser, FailsWith1007ForCorruptCompressedData) {
  EXPECT_EQ(error_code(client_frame(Opcode::text, "\xff\xff\xff\xff", true, true), kMax, DeflateParams{}),
            kCloseInvalidPayload);
}

TEST(FrameParser, ValidatesInflatedText) {
  Deflater deflater;
  const std::string bad = deflater.compress("ab\xed\xa0\x80");
  EXPECT_EQ(error_code(client_frame(Opcode::text, bad, true, true), kMax, DeflateParams{}), kCloseInvalidPayload);
  EXPECT_EQ(parse(client_frame(Opcode::binary, bad, true, true), kMax, DeflateParams{}),
            Events{"binary:ab\xed\xa0\x80"});
}

}  // namespace
}  // namespace pushwire::ws

#include "ws/frame_writer.h"

#include <gtest/gtest.h>

#include <string>

#include "ws/close_codes.h"

namespace pushwire::ws {
namespace {

using namespace std::string_literals;

TEST(FrameWriter, EncodesTheRfcUnmaskedHelloExample) {
  EXPECT_EQ(encode_frame(Opcode::text, "Hello"), "\x81\x05" "Hello");
  EXPECT_EQ(encode_frame(Opcode::ping, "Hello"), "\x89\x05" "Hello");
  EXPECT_EQ(encode_frame(Opcode::pong, ""), "\x8a\x00"s);
}

TEST(FrameWriter, UsesTheShortestLengthForm) {
  EXPECT_EQ(frame_header(Opcode::binary, 0).view(), "\x82\x00"s);
  EXPECT_EQ(frame_header(Opcode::binary, 125).view(), "\x82\x7d"s);
  EXPECT_EQ(frame_header(Opcode::binary, 126).view(), "\x82\x7e\x00\x7e"s);
  EXPECT_EQ(frame_header(Opcode::binary, 65535).view(), "\x82\x7e\xff\xff"s);
  EXPECT_EQ(frame_header(Opcode::binary, 65536).view(), "\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00"s);
  EXPECT_EQ(frame_header(Opcode::binary, 0x0102030405060708).view(), "\x82\x7f\x01\x02\x03\x04\x05\x06\x07\x08"s);
}

TEST(FrameWriter, SetsRsv1AndFin) {
  EXPECT_EQ(frame_header(Opcode::text, 7, true).view(), "\xc1\x07"s);
  EXPECT_EQ(frame_header(Opcode::text, 7, false, false).view(), "\x01\x07"s);
  EXPECT_EQ(frame_header(Opcode::continuation, 7).view(), "\x80\x07"s);
  EXPECT_EQ(encode_frame(Opcode::text, "\xf2\x48\xcd\xc9\xc9\x07\x00"s, true), "\xc1\x07\xf2\x48\xcd\xc9\xc9\x07\x00"s);
}

TEST(FrameWriter, HeaderAndPayloadMakeTheWholeFrame) {
  const std::string payload(70000, 'z');
  EXPECT_EQ(std::string(frame_header(Opcode::text, payload.size()).view()) + payload,
            encode_frame(Opcode::text, payload));
}

TEST(FrameWriter, EncodesCloseFrames) {
  EXPECT_EQ(encode_close(kCloseNormal), "\x88\x02\x03\xe8"s);
  EXPECT_EQ(encode_close(kCloseProtocolError, "bad"), "\x88\x05\x03\xea" "bad"s);
  EXPECT_EQ(encode_close(kCloseMessageTooBig, "big"), "\x88\x05\x03\xf1" "big"s);
}

TEST(FrameWriter, CutsALongCloseReasonAtACodePointBoundary) {
  const std::string ascii(200, 'a');
  const std::string frame = encode_close(kCloseGoingAway, ascii);
  EXPECT_EQ(frame.size(), 2u + 125u);
  EXPECT_EQ(frame.substr(4), ascii.substr(0, 123));

  // 61 two-byte characters are 122 bytes; one more would not fit in 123.
  std::string accented;
  for (int i = 0; i < 80; ++i) accented += "\xc3\xa9";
  const std::string cut = encode_close(kCloseGoingAway, accented);
  EXPECT_EQ(cut.substr(4), accented.substr(0, 122));
  EXPECT_EQ(static_cast<unsigned char>(cut[1]), 124);
}

}  // namespace
}  // namespace pushwire::ws

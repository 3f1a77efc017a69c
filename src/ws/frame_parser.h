#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/utf8.h"
#include "ws/deflate.h"
#include "ws/opcode.h"
#include "ws/permessage_deflate.h"

namespace pushwire::ws {

// Reads the frames a client sends (RFC 6455 5, RFC 7692 6) from a byte stream
// fed in pieces split anywhere, and reports whole messages. It keeps only what
// it must: a partial frame header, and, only while they arrive, a control
// frame's payload and the message being assembled.
//
// Any protocol violation is reported once through Sink::on_protocol_error with
// the close code to send; after that, and after a close frame, further input
// is ignored.
class FrameParser {
 public:
  // Views passed to a sink live only during the call. A sink must not destroy
  // the parser from within a call.
  class Sink {
   public:
    virtual ~Sink() = default;
    // A whole message, defragmented, decompressed, and for text valid UTF-8.
    virtual void on_text(std::string_view message) = 0;
    virtual void on_binary(std::string_view message) = 0;
    virtual void on_ping(std::string_view payload) = 0;
    virtual void on_pong(std::string_view payload) = 0;
    // A valid close frame; `code` is kCloseNoStatus when it had no body.
    virtual void on_close(std::uint16_t code, std::string_view reason) = 0;
    // Answer with a close frame carrying `code`, then close the connection.
    virtual void on_protocol_error(std::uint16_t code, std::string_view reason) = 0;
  };

  // `max_message_bytes`: the largest message accepted (as received, and once
  // decompressed); a larger one is a 1009 error. `deflate`: set when
  // permessage-deflate was negotiated for the connection.
  FrameParser(Sink& sink, std::size_t max_message_bytes, std::optional<DeflateParams> deflate = std::nullopt);

  void feed(std::string_view bytes);

  bool failed() const { return state_ == State::failed; }
  bool closed() const { return state_ == State::closed; }

 private:
  enum class State : std::uint8_t { header, payload, closed, failed };
  static constexpr std::size_t kMaxHeaderSize = 14;

  void read_header(std::string_view& bytes);
  void check_first_two_bytes();
  void start_frame();
  void read_payload(std::string_view& bytes);
  void end_frame();
  void end_close_frame();
  std::string_view control_payload() const;
  void end_message();
  void fail(std::uint16_t code, std::string_view reason);

  // Ordered to pack tightly: one parser lives in every WebSocket connection,
  // idle ones included.
  Sink& sink_;
  std::unique_ptr<Inflater> inflater_;  // set when deflate was negotiated
  std::uint64_t remaining_ = 0;         // payload bytes of the frame still to come
  std::uint32_t max_message_bytes_;     // at most 64 MiB plus a margin (see --max-message-bytes)
  State state_ = State::header;

  // The frame being read.
  std::uint8_t header_size_ = 0;    // bytes of header_ received
  std::uint8_t header_needed_ = 2;  // its full size, once the second byte is in
  Opcode opcode_ = Opcode::continuation;
  bool fin_ = false;
  std::uint8_t mask_phase_ = 0;
  std::array<std::uint8_t, 4> mask_{};
  std::array<std::uint8_t, kMaxHeaderSize> header_;

  // The data message being assembled, from its first frame to its last.
  struct Message {
    std::string data;
    util::Utf8Validator utf8;
    bool is_text = false;
    bool is_compressed = false;
  };
  // Each made only while needed (a control payload is rare: pings and pongs
  // are mostly empty), so an idle connection pays two pointers, not strings.
  std::unique_ptr<Message> message_;
  std::unique_ptr<std::string> control_payload_;
};

}  // namespace pushwire::ws

#include "ws/frame_parser.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "ws/close_codes.h"

namespace pushwire::ws {

namespace {

constexpr std::size_t kMaxControlPayload = 125;

bool is_known(std::uint8_t opcode) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::continuation:
    case Opcode::text:
    case Opcode::binary:
    case Opcode::close:
    case Opcode::ping:
    case Opcode::pong: return true;
  }
  return false;
}

// XORs `data` with the masking key, starting at byte `phase` of the key.
void unmask(char* data, std::size_t size, const std::array<std::uint8_t, 4>& key, std::uint8_t& phase) {
  std::array<std::uint8_t, 8> wide;
  for (std::size_t i = 0; i < wide.size(); ++i) wide[i] = key[(phase + i) % 4];
  std::uint64_t wide_key;
  std::memcpy(&wide_key, wide.data(), sizeof wide_key);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, data + i, sizeof word);
    word ^= wide_key;
    std::memcpy(data + i, &word, sizeof word);
  }
  for (; i < size; ++i) data[i] = static_cast<char>(data[i] ^ wide[i % 8]);
  phase = static_cast<std::uint8_t>((phase + size) % 4);
}

}  // namespace

FrameParser::FrameParser(Sink& sink, std::size_t max_message_bytes, std::optional<DeflateParams> deflate)
    : sink_(sink), max_message_bytes_(static_cast<std::uint32_t>(std::min<std::size_t>(max_message_bytes, UINT32_MAX))) {
  if (deflate) inflater_ = std::make_unique<Inflater>(!deflate->client_no_context_takeover, max_message_bytes);
}

void FrameParser::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    switch (state_) {
      case State::header: read_header(bytes); break;
      case State::payload: read_payload(bytes); break;
      case State::closed:
      case State::failed: return;
    }
  }
}

void FrameParser::read_header(std::string_view& bytes) {
  const std::size_t n = std::min<std::size_t>(header_needed_ - header_size_, bytes.size());
  std::memcpy(header_.data() + header_size_, bytes.data(), n);
  bytes.remove_prefix(n);
  const bool had_first_two = header_size_ >= 2;
  header_size_ = static_cast<std::uint8_t>(header_size_ + n);
  if (header_size_ < 2) return;
  // The first two bytes tell what the frame is and how long its header is;
  // a bad frame is refused from them, without waiting for the rest.
  if (!had_first_two) {
    check_first_two_bytes();
    if (failed()) return;
  }
  if (header_size_ < header_needed_) return;
  start_frame();
  if (failed()) return;
  header_size_ = 0;
  header_needed_ = 2;
  state_ = State::payload;
  if (remaining_ == 0) end_frame();
}

void FrameParser::check_first_two_bytes() {
  const std::uint8_t b0 = header_[0];
  const std::uint8_t b1 = header_[1];
  const bool fin = b0 & 0x80;
  const bool rsv1 = b0 & 0x40;
  const std::uint8_t opcode = b0 & 0x0f;
  const std::uint8_t length = b1 & 0x7f;

  if (b0 & 0x30) return fail(kCloseProtocolError, "reserved bits set");
  if (!is_known(opcode)) return fail(kCloseProtocolError, "unknown opcode");
  if (!(b1 & 0x80)) return fail(kCloseProtocolError, "client frame not masked");
  const auto op = static_cast<Opcode>(opcode);
  if (is_control(op)) {
    if (!fin) return fail(kCloseProtocolError, "fragmented control frame");
    if (rsv1) return fail(kCloseProtocolError, "RSV1 on a control frame");
    if (length > kMaxControlPayload) return fail(kCloseProtocolError, "control frame too long");
  } else if (op == Opcode::continuation) {
    if (!message_) return fail(kCloseProtocolError, "continuation without a message");
    if (rsv1) return fail(kCloseProtocolError, "RSV1 on a continuation frame");
  } else {
    if (message_) return fail(kCloseProtocolError, "new message inside a fragmented one");
    if (rsv1 && !inflater_) return fail(kCloseProtocolError, "RSV1 without permessage-deflate");
  }
  const std::uint8_t extended = length == 126 ? 2 : length == 127 ? 8 : 0;
  header_needed_ = static_cast<std::uint8_t>(2 + extended + 4);
}

void FrameParser::start_frame() {
  const std::uint8_t b0 = header_[0];
  const std::uint8_t length7 = header_[1] & 0x7f;
  const std::uint8_t* p = header_.data() + 2;
  std::uint64_t length = length7;
  if (length7 == 126) {
    length = (std::uint64_t{p[0]} << 8) | p[1];
    p += 2;
  } else if (length7 == 127) {
    length = 0;
    for (int i = 0; i < 8; ++i) length = (length << 8) | p[i];
    p += 8;
    if (length >> 63) return fail(kCloseProtocolError, "frame length over 2^63");
  }
  std::copy(p, p + 4, mask_.begin());
  mask_phase_ = 0;
  fin_ = b0 & 0x80;
  opcode_ = static_cast<Opcode>(b0 & 0x0f);
  remaining_ = length;

  if (is_control(opcode_)) return;
  if (opcode_ != Opcode::continuation) {
    message_ = std::make_unique<Message>();
    message_->is_text = opcode_ == Opcode::text;
    message_->is_compressed = b0 & 0x40;
  }
  // Refused from the header, before any of the payload is buffered.
  if (length > max_message_bytes_ - message_->data.size()) return fail(kCloseMessageTooBig, "message too big");
}

void FrameParser::read_payload(std::string_view& bytes) {
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
  if (is_control(opcode_) && !control_payload_) control_payload_ = std::make_unique<std::string>();
  std::string& target = is_control(opcode_) ? *control_payload_ : message_->data;
  const std::size_t start = target.size();
  target.append(bytes.data(), n);
  bytes.remove_prefix(n);
  remaining_ -= n;
  unmask(target.data() + start, n, mask_, mask_phase_);

  // Compressed text is checked once inflated; plain text as it arrives, so
  // that a bad byte fails the connection even inside an unfinished message.
  if (!is_control(opcode_) && message_->is_text && !message_->is_compressed &&
      !message_->utf8.feed(std::string_view(target).substr(start)))
    return fail(kCloseInvalidPayload, "invalid UTF-8 in a text message");
  if (remaining_ == 0) end_frame();
}

void FrameParser::end_frame() {
  state_ = State::header;
  if (opcode_ == Opcode::close) {
    end_close_frame();
  } else if (is_control(opcode_)) {
    if (opcode_ == Opcode::ping) {
      sink_.on_ping(control_payload());
    } else {
      sink_.on_pong(control_payload());
    }
    control_payload_.reset();
  } else if (fin_) {
    end_message();
  }
}

std::string_view FrameParser::control_payload() const {
  return control_payload_ ? std::string_view(*control_payload_) : std::string_view();
}

void FrameParser::end_close_frame() {
  const std::string_view payload = control_payload();
  if (payload.empty()) {
    state_ = State::closed;
    return sink_.on_close(kCloseNoStatus, {});
  }
  if (payload.size() == 1) return fail(kCloseProtocolError, "close frame with a 1-byte body");
  const auto code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                               static_cast<std::uint8_t>(payload[1]));
  const std::string_view reason = payload.substr(2);
  if (!is_valid_close_code(code)) return fail(kCloseProtocolError, "invalid close code");
  if (!util::is_valid_utf8(reason)) return fail(kCloseInvalidPayload, "invalid UTF-8 in a close reason");
  state_ = State::closed;
  sink_.on_close(code, reason);
}

void FrameParser::end_message() {
  const std::unique_ptr<Message> done = std::move(message_);
  std::string inflated;
  std::string_view message = done->data;
  if (done->is_compressed) {
    const Inflater::Result result = inflater_->inflate(done->data, inflated);
    if (result == Inflater::Result::too_big) return fail(kCloseMessageTooBig, "message too big once inflated");
    if (result == Inflater::Result::corrupt) return fail(kCloseInvalidPayload, "invalid compressed data");
    message = inflated;
    if (done->is_text && !util::is_valid_utf8(message))
      return fail(kCloseInvalidPayload, "invalid UTF-8 in a text message");
  } else if (done->is_text && !done->utf8.complete()) {
    return fail(kCloseInvalidPayload, "text message ends inside a UTF-8 sequence");
  }
  if (done->is_text) {
    sink_.on_text(message);
  } else {
    sink_.on_binary(message);
  }
}

void FrameParser::fail(std::uint16_t code, std::string_view reason) {
  state_ = State::failed;
  message_.reset();
  control_payload_.reset();
  sink_.on_protocol_error(code, reason);
}

}  // namespace pushwire::ws

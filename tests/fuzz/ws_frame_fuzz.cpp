// Feeds arbitrary bytes to the client frame parser, with and without
// permessage-deflate, whole, split in two, and a byte at a time; the three
// must report the same events, and what is reported must be well-formed.
//
// Input: byte 0 picks the options, bytes 1-2 the split point, the rest is the
// stream.
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "util/utf8.h"
#include "ws/close_codes.h"
#include "ws/frame_parser.h"

namespace {

using pushwire::ws::FrameParser;

class CheckingSink : public FrameParser::Sink {
 public:
  std::vector<std::string> events;

  void on_text(std::string_view m) override {
    check(pushwire::util::is_valid_utf8(m));
    record("text", m);
  }
  void on_binary(std::string_view m) override { record("binary", m); }
  void on_ping(std::string_view p) override {
    check(p.size() <= 125);
    record("ping", p);
  }
  void on_pong(std::string_view p) override {
    check(p.size() <= 125);
    record("pong", p);
  }
  void on_close(std::uint16_t code, std::string_view reason) override {
    check(code == pushwire::ws::kCloseNoStatus || pushwire::ws::is_valid_close_code(code));
    check(pushwire::util::is_valid_utf8(reason));
    record("close " + std::to_string(code), reason);
    finished = true;
  }
  void on_protocol_error(std::uint16_t code, std::string_view) override {
    check(code == pushwire::ws::kCloseProtocolError || code == pushwire::ws::kCloseInvalidPayload ||
          code == pushwire::ws::kCloseMessageTooBig);
    record("error " + std::to_string(code), "");
    finished = true;
  }

 private:
  static void check(bool ok) {
    if (!ok) std::abort();
  }
  void record(const std::string& what, std::string_view data) {
    check(!finished);
    events.push_back(what + ":" + std::string(data));
  }
  bool finished = false;
};

struct Options {
  std::size_t max_message_bytes;
  std::optional<pushwire::ws::DeflateParams> deflate;
};

std::vector<std::string> run(const Options& options, const std::vector<std::string_view>& pieces) {
  CheckingSink sink;
  FrameParser parser(sink, options.max_message_bytes, options.deflate);
  for (std::string_view piece : pieces) parser.feed(piece);
  return sink.events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::uint8_t flags = data[0];
  const std::size_t split_at = static_cast<std::size_t>(data[1]) << 8 | data[2];
  const std::string_view stream(reinterpret_cast<const char*>(data + 3), size - 3);

  static constexpr std::size_t kMaxSizes[] = {16, 300, 70000, 1 << 20};
  Options options{kMaxSizes[flags & 3], std::nullopt};
  if (flags & 4) options.deflate = pushwire::ws::DeflateParams{.client_no_context_takeover = (flags & 8) != 0};

  const auto whole = run(options, {stream});
  const std::size_t split = std::min(split_at, stream.size());
  if (run(options, {stream.substr(0, split), stream.substr(split)}) != whole) std::abort();
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < stream.size(); ++i) bytes.push_back(stream.substr(i, 1));
  if (run(options, bytes) != whole) std::abort();
  return 0;
}

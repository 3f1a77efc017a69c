#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

struct z_stream_s;

namespace pushwire::ws {

// The LZ77 window (as a power of two) that Deflater uses; permessage-deflate
// negotiation declines clients that ask the server for a smaller one.
inline constexpr int kDeflaterWindowBits = 15;

// Compresses whole messages for permessage-deflate (RFC 7692 7.2.1), each on
// its own (server_no_context_takeover), so one compressed message can go to
// every subscriber that negotiated the extension. Not thread-safe: keep one per
// thread.
class Deflater {
 public:
  Deflater();

  // The payload of the compressed message (to send with RSV1 set): `message`
  // as raw deflate blocks, without the trailing 00 00 ff ff.
  std::string compress(std::string_view message);

 private:
  struct StreamEnd {
    void operator()(z_stream_s* stream) const;
  };
  std::unique_ptr<z_stream_s, StreamEnd> stream_;
};

// Decompresses the messages of one client (RFC 7692 7.2.2). With context
// takeover a message may refer to the ones before it; without, the zlib state
// is freed after each message so an idle connection holds none.
class Inflater {
 public:
  enum class Result { ok, too_big, corrupt };

  // `max_size`: the largest decompressed message accepted.
  Inflater(bool context_takeover, std::size_t max_size);

  // Sets `out` to the decompressed `message` (the payload of all its frames).
  // After too_big or corrupt the connection must be closed.
  Result inflate(std::string_view message, std::string& out);

  // zlib inflate states held now by all Inflaters (for /metrics).
  static int64_t states_held();

 private:
  struct StreamEnd {
    void operator()(z_stream_s* stream) const;
  };
  Result run(std::string_view input, std::string& out, std::size_t& produced);

  std::unique_ptr<z_stream_s, StreamEnd> stream_;  // created on first use
  bool context_takeover_;
  bool stream_ended_ = false;
  std::size_t max_size_;
};

}  // namespace pushwire::ws

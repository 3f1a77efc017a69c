#include "ws/deflate.h"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <new>

namespace pushwire::ws {

namespace {

// What Z_SYNC_FLUSH ends with, left out on the wire (RFC 7692 7.2.1).
constexpr std::string_view kFlushTail{"\x00\x00\xff\xff", 4};

std::atomic<int64_t> g_inflate_states{0};

// zlib counts in uInt; larger buffers go through in pieces.
constexpr std::size_t kMaxPiece = UINT_MAX;

Bytef* bytes(const char* p) { return reinterpret_cast<Bytef*>(const_cast<char*>(p)); }

enum class Step { done, stream_end, too_big, corrupt };

// Inflates `input` into out[produced..], growing `out` up to limit + 1 bytes.
Step inflate_into(z_stream& s, std::string_view input, std::string& out, std::size_t& produced,
                  std::size_t limit) {
  s.avail_in = 0;  // whatever followed a final block in the last input is dropped
  for (;;) {
    if (s.avail_in == 0 && !input.empty()) {
      const std::size_t piece = std::min(input.size(), kMaxPiece);
      s.next_in = bytes(input.data());
      s.avail_in = static_cast<uInt>(piece);
      input.remove_prefix(piece);
    }
    if (produced == out.size()) out.resize(std::min(std::max<std::size_t>(out.size() * 2, 1024), limit + 1));
    s.next_out = bytes(out.data() + produced);
    s.avail_out = static_cast<uInt>(std::min(out.size() - produced, kMaxPiece));
    const int rc = ::inflate(&s, Z_SYNC_FLUSH);
    produced = static_cast<std::size_t>(reinterpret_cast<char*>(s.next_out) - out.data());
    if (produced > limit) return Step::too_big;
    if (rc == Z_STREAM_END) return Step::stream_end;
    if (rc != Z_OK && rc != Z_BUF_ERROR) return Step::corrupt;
    if (s.avail_in == 0 && input.empty() && s.avail_out != 0) return Step::done;
  }
}

}  // namespace

void Deflater::StreamEnd::operator()(z_stream_s* stream) const {
  deflateEnd(stream);
  delete stream;
}

Deflater::Deflater() {
  auto stream = std::make_unique<z_stream>();
  if (deflateInit2(stream.get(), Z_DEFAULT_COMPRESSION, Z_DEFLATED, -kDeflaterWindowBits, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::bad_alloc();
  stream_.reset(stream.release());
}

std::string Deflater::compress(std::string_view message) {
  z_stream& s = *stream_;
  // Room for the worst case plus the empty stored block of the flush.
  std::string out(deflateBound(&s, message.size()) + 8, '\0');
  std::size_t produced = 0;
  do {
    const std::size_t piece = std::min(message.size(), kMaxPiece);
    s.next_in = bytes(message.data());
    s.avail_in = static_cast<uInt>(piece);
    message.remove_prefix(piece);
    const int flush = message.empty() ? Z_SYNC_FLUSH : Z_NO_FLUSH;
    do {
      if (produced == out.size()) out.resize(out.size() * 2);
      s.next_out = bytes(out.data() + produced);
      s.avail_out = static_cast<uInt>(std::min(out.size() - produced, kMaxPiece));
      ::deflate(&s, flush);
      produced = static_cast<std::size_t>(reinterpret_cast<char*>(s.next_out) - out.data());
    } while (s.avail_out == 0);
  } while (!message.empty());
  deflateReset(&s);
  out.resize(produced - kFlushTail.size());
  return out;
}

void Inflater::StreamEnd::operator()(z_stream_s* stream) const {
  inflateEnd(stream);
  delete stream;
  g_inflate_states.fetch_sub(1, std::memory_order_relaxed);
}

int64_t Inflater::states_held() { return g_inflate_states.load(std::memory_order_relaxed); }

Inflater::Inflater(bool context_takeover, std::size_t max_size)
    : context_takeover_(context_takeover), max_size_(std::min(max_size, std::string().max_size() - 1)) {}

Inflater::Result Inflater::inflate(std::string_view message, std::string& out) {
  if (!stream_) {
    auto stream = std::make_unique<z_stream>();
    if (inflateInit2(stream.get(), -MAX_WBITS) != Z_OK) throw std::bad_alloc();
    stream_.reset(stream.release());
    g_inflate_states.fetch_add(1, std::memory_order_relaxed);
  }
  out.clear();
  std::size_t produced = 0;
  Step step = inflate_into(*stream_, message, out, produced, max_size_);
  // A sender may end the message with a final block instead of a flush; the
  // tail is then not needed and the stream must start over.
  if (step == Step::done) step = inflate_into(*stream_, kFlushTail, out, produced, max_size_);
  out.resize(produced);

  if (step == Step::too_big || step == Step::corrupt || !context_takeover_) {
    stream_.reset();
  } else if (step == Step::stream_end) {
    inflateReset(stream_.get());
  }
  switch (step) {
    case Step::too_big: return Result::too_big;
    case Step::corrupt: return Result::corrupt;
    default: return Result::ok;
  }
}

}  // namespace pushwire::ws

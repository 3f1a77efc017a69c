// The payload of every benchmark message carries a marker, `#c=CH;s=SEQ;t=NS#`:
// the index of its channel, its sequence number in that channel and the
// CLOCK_MONOTONIC time it was sent (the channel tells a subscriber of
// several channels which one a message belongs to). Receivers find markers by scanning whatever bytes arrive, so one
// parser works for every server's framing (JSON envelopes, raw bodies, SSE
// data lines, multipart long-poll responses). The marker is plain ASCII that
// no JSON escaper changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace marker {

constexpr size_t kMaxLength = 3 + 10 + 3 + 20 + 3 + 20 + 1;

struct Mark {
  uint64_t channel;
  uint64_t seq;
  uint64_t sent_ns;
};

// "#c=CH;s=SEQ;t=NS#" padded with 'x' to `size` bytes (longer if size is too small).
std::string make_payload(int channel, uint64_t seq, uint64_t sent_ns, size_t size);

// Calls on_mark for each complete marker in [p, p + n). Returns how many
// bytes at the end may be the start of a marker cut by a read boundary; a
// caller scanning a byte stream keeps them and scans them again together
// with the next bytes.
template <class OnMark>
size_t scan(const char* p, size_t n, OnMark&& on_mark) {
  size_t i = 0;
  while (i < n) {
    const void* hit = std::memchr(p + i, '#', n - i);
    if (!hit) return 0;
    size_t start = size_t(static_cast<const char*>(hit) - p);
    size_t j = start + 1;
    auto expect = [&](const char* lit) {
      for (; *lit; lit++, j++) {
        if (j >= n) return 0;         // cut short
        if (p[j] != *lit) return -1;  // not a marker
      }
      return 1;
    };
    auto number = [&](uint64_t& out) {
      size_t digits = 0;
      out = 0;
      while (j < n && p[j] >= '0' && p[j] <= '9' && digits < 20) {
        out = out * 10 + uint64_t(p[j] - '0');
        j++;
        digits++;
      }
      if (j >= n) return 0;
      return digits ? 1 : -1;
    };
    Mark m{};
    int r = expect("c=");
    if (r > 0) r = number(m.channel);
    if (r > 0) r = expect(";s=");
    if (r > 0) r = number(m.seq);
    if (r > 0) r = expect(";t=");
    if (r > 0) r = number(m.sent_ns);
    if (r > 0) r = expect("#");
    if (r > 0) {
      on_mark(m);
      i = j;
    } else if (r == 0) {
      return n - start <= kMaxLength ? n - start : 0;
    } else {
      i = start + 1;
    }
  }
  return 0;
}

}  // namespace marker

#include "marker.h"

#include <cstdio>

namespace marker {

std::string make_payload(int channel, uint64_t seq, uint64_t sent_ns, size_t size) {
  char head[kMaxLength + 1];
  int len = std::snprintf(head, sizeof head, "#c=%d;s=%llu;t=%llu#", channel, static_cast<unsigned long long>(seq),
                          static_cast<unsigned long long>(sent_ns));
  std::string out(head, size_t(len));
  if (out.size() < size) out.append(size - out.size(), 'x');
  return out;
}

}  // namespace marker

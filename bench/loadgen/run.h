// State shared by every connection of one run: the options, the loop, what
// was published and acknowledged per channel, the delivery counters, and a
// small timer queue for work that must wait for the next loop iteration.
#pragma once

#include <time.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <vector>

#include "histogram.h"
#include "net.h"
#include "options.h"

inline int64_t mono_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Bitmap of sequence numbers.
class SeqSet {
 public:
  // True when seq was newly added.
  bool insert(uint64_t seq) {
    size_t word = size_t(seq >> 6);
    if (word >= bits_.size()) bits_.resize(word + 1 + bits_.size() / 2);
    uint64_t bit = uint64_t(1) << (seq & 63);
    if (bits_[word] & bit) return false;
    bits_[word] |= bit;
    return true;
  }
  // How many members of `wanted` this set lacks.
  uint64_t missing_from(const SeqSet& wanted) const;

 private:
  std::vector<uint64_t> bits_;
};

struct ChannelState {
  std::string name;
  std::string sub_target;  // subscriber request target, channel filled in
  std::string pub_target;  // publish request target, channel filled in
  uint64_t next_seq = 0;   // sequence numbers 0 .. next_seq-1 were published
  SeqSet acked;
  uint64_t acked_count = 0;
  int participants = 0;  // subscribers ready when publishing began
};

struct Stats {
  Histogram latency_ns;      // publish to delivery
  Histogram interval_latency_ns;  // the same, since the last --interval line
  Histogram ack_latency_ns;  // publish to its acknowledgment
  uint64_t delivered = 0;  // every marker received, duplicates included
  uint64_t unique = 0;
  uint64_t duplicates = 0;
  uint64_t unknown = 0;  // markers with a sequence number never published
  uint64_t published = 0;
  uint64_t acked = 0;
  uint64_t pub_errors = 0;
  uint64_t connect_failures = 0;
  uint64_t disconnects = 0;
  uint64_t reconnects = 0;  // long-poll and publisher connections reopened
  uint64_t poll_requests = 0;
  uint64_t http_errors = 0;  // long-poll responses that were not 2xx/304
  uint64_t gap_signals = 0;
  int64_t last_delivery_ns = 0;
  std::string first_error;      // the first problem of any kind
  std::string first_sub_error;  // ... of a subscriber
  std::string first_pub_error;  // ... of a publisher
};

class Run {
 public:
  explicit Run(const Options& options);

  const Options& opt;
  Loop loop;
  std::vector<ChannelState> channels;
  Stats stats;
  int in_flight = 0;        // publishes sent and not yet acknowledged
  int subs_connecting = 0;  // connect or handshake in progress
  int subs_ready = 0;       // subscribed and still connected
  int subs_failed = 0;      // never became ready
  int subs_lost = 0;        // were ready, then lost their connection
  bool stopping = false;    // no reconnects any more

  // Remember the first errors of the run for the report.
  void note_sub_error(const std::string& what);
  void note_pub_error(const std::string& what);
  // A publish's outcome; sent_ns is when it was written.
  void ack(int channel, uint64_t seq, int64_t sent_ns, bool ok, const std::string& error);
  // A random 32-bit WebSocket mask key (xorshift; masks need not be secret
  // for a load generator, only varied).
  uint32_t mask_key();
  // Runs fn at (or soon after) the monotonic time `at_ns`.
  void defer(int64_t at_ns, std::function<void()> fn);
  // Runs due deferred work; returns ms until the next one (or `cap`).
  int run_deferred(int cap_ms);

 private:
  struct Task {
    int64_t at;
    uint64_t order;
    std::function<void()> fn;
    bool operator>(const Task& o) const { return at != o.at ? at > o.at : order > o.order; }
  };
  std::priority_queue<Task, std::vector<Task>, std::greater<Task>> tasks_;
  uint64_t task_order_ = 0;
  uint64_t rng_ = 0x9E3779B97F4A7C15ull;
};

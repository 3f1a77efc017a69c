// The result of a run, printed as a human summary and as one JSON line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct Result {
  std::string label;
  std::string mode;  // "publish" or "idle"
  std::string technique;
  std::string publish;  // e.g. "window 1" or "rate 100/s"
  int subscribers = 0, ready = 0, failed = 0, lost_connections = 0;
  int channels = 1, channels_per_sub = 1, size = 0;
  double ramp_seconds = 0;
  double publish_seconds = 0;  // first publish to last publish
  double elapsed_seconds = 0;  // first publish to last delivery
  uint64_t published = 0, acked = 0, pub_errors = 0;
  uint64_t expected = 0, delivered = 0, unique = 0, lost = 0, duplicates = 0, unknown = 0;
  int subs_with_loss = 0;
  uint64_t max_loss_per_sub = 0;
  double delivered_per_s = 0, acked_per_s = 0;
  uint64_t latency_count = 0;
  double ack_p50_us = 0, ack_p99_us = 0;  // publish to acknowledgment
  double p50_us = 0, p90_us = 0, p99_us = 0, p999_us = 0, max_us = 0, mean_us = 0;
  double loadgen_cpu_seconds = 0, loadgen_cpu_pct = 0;
  bool server_measured = false;
  double server_cpu_seconds = 0, server_cpu_us_per_delivery = 0, server_cpu_pct = 0;
  std::vector<double> server_cpu_seconds_each;  // per --server-pid, in their order
  long server_rss_before_kb = 0, server_rss_after_kb = 0;
  double bytes_per_connection = 0;  // (RSS with the subscribers ready - RSS before) / subscribers ready
  long server_sockets = 0;          // sockets the server held with the subscribers ready
  uint64_t disconnects = 0, reconnects = 0, poll_requests = 0, http_errors = 0, gap_signals = 0;
  std::string first_error;
};

void print_summary(const Result& r);
std::string to_json(const Result& r);

#include "run.h"

#include <bit>

#include "url.h"

uint64_t SeqSet::missing_from(const SeqSet& wanted) const {
  uint64_t missing = 0;
  for (size_t i = 0; i < wanted.bits_.size(); i++) {
    uint64_t have = i < bits_.size() ? bits_[i] : 0;
    missing += uint64_t(std::popcount(wanted.bits_[i] & ~have));
  }
  return missing;
}

Run::Run(const Options& options) : opt(options) {
  loop.set_poll_interval_us(opt.poll_interval_us);
  channels.resize(size_t(opt.channels));
  for (int i = 0; i < opt.channels; i++) {
    ChannelState& ch = channels[size_t(i)];
    ch.name = opt.channel_prefix + std::to_string(i);
    ch.sub_target = expand(opt.sub_url.target, ch.name);
    if (!opt.idle) ch.pub_target = expand(opt.pub_url.target, ch.name);
  }
}

void Run::note_sub_error(const std::string& what) {
  if (stats.first_error.empty()) stats.first_error = what;
  if (stats.first_sub_error.empty()) stats.first_sub_error = what;
}

void Run::note_pub_error(const std::string& what) {
  if (stats.first_error.empty()) stats.first_error = what;
  if (stats.first_pub_error.empty()) stats.first_pub_error = what;
}

void Run::ack(int channel, uint64_t seq, int64_t sent_ns, bool ok, const std::string& error) {
  in_flight--;
  int64_t took = mono_ns() - sent_ns;
  stats.ack_latency_ns.record(took > 0 ? uint64_t(took) : 0);
  if (!ok) {
    stats.pub_errors++;
    note_pub_error("publish: " + error);
    return;
  }
  ChannelState& ch = channels[size_t(channel)];
  if (ch.acked.insert(seq)) {
    ch.acked_count++;
    stats.acked++;
  }
}

uint32_t Run::mask_key() {
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  return uint32_t(rng_ >> 16);
}

void Run::defer(int64_t at_ns, std::function<void()> fn) {
  tasks_.push(Task{at_ns, task_order_++, std::move(fn)});
}

int Run::run_deferred(int cap_ms) {
  int64_t now = mono_ns();
  while (!tasks_.empty() && tasks_.top().at <= now) {
    auto fn = tasks_.top().fn;
    tasks_.pop();
    fn();
  }
  if (tasks_.empty()) return cap_ms;
  int64_t wait_ms = (tasks_.top().at - now + 999999) / 1000000;
  return wait_ms < cap_ms ? int(wait_ms) : cap_ms;
}

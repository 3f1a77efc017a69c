// pushwire-loadgen: one thread, one epoll loop. Phases: connect the
// publishers, ramp the subscribers up with bounded concurrency, let them
// settle, then either hold them (--idle) or publish for --duration and drain.
// See bench/README.md.
#include <arpa/inet.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

#include "options.h"
#include "procstat.h"
#include "publisher.h"
#include "report.h"
#include "run.h"
#include "subscriber.h"

namespace {

volatile sig_atomic_t g_interrupted = 0;

void on_signal(int) { g_interrupted = 1; }

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

// Raises the soft file limit to what the run needs, within the hard limit.
bool raise_file_limit(rlim_t needed, std::string& error) {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur >= needed) return true;
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < needed) {
    error = "needs " + std::to_string(needed) + " open files but the hard limit is " +
            std::to_string(lim.rlim_max) + " (ulimit -Hn); use fewer subscribers";
    return false;
  }
  lim.rlim_cur = needed;
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
    error = "cannot raise the open-file limit to " + std::to_string(needed);
    return false;
  }
  return true;
}

double seconds(int64_t ns) { return double(ns) / 1e9; }

class Bench {
 public:
  explicit Bench(const Options& opt) : opt_(opt), run_(opt) {
    for (int i = 0; i < opt.source_addrs; i++) {
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(0x7F000001u + uint32_t(i));  // 127.0.0.(1+i)
      sources_.push_back(a);
    }
  }

  int execute() {
    std::string error;
    if (!opt_.server_pids.empty() && !sample_processes(opt_.server_pids, server_before_, error)) {
      std::fprintf(stderr, "pushwire-loadgen: %s\n", error.c_str());
      return 1;
    }
    result_.server_rss_before_kb = server_before_.rss_kb;
    if (!opt_.idle && !connect_publishers())
      return finish_error("no publisher connection", run_.stats.first_pub_error);
    ramp();
    if (g_interrupted) return finish_error("interrupted", "");
    if (opt_.subscribers > 0 && run_.subs_ready == 0)
      return finish_error("no subscriber became ready", run_.stats.first_sub_error);
    spin_until(mono_ns() + int64_t(opt_.settle * 1e9));
    if (opt_.idle)
      hold();
    else
      publish_and_drain();
    shut_down();
    report();
    return 0;
  }

 private:
  int finish_error(const std::string& what, const std::string& cause) {
    std::fprintf(stderr, "pushwire-loadgen: %s%s%s\n", what.c_str(), cause.empty() ? "" : ": ",
                 cause.c_str());
    shut_down();
    return 2;
  }

  // Runs the loop until `deadline` (or an interrupt).
  void spin_until(int64_t deadline) {
    for (;;) {
      int64_t left = deadline - mono_ns();
      if (left <= 0 || g_interrupted) return;
      run_.loop.run_once(run_.run_deferred(int(std::min<int64_t>(left / 1000000 + 1, 100))));
    }
  }

  bool connect_publishers() {
    for (int i = 0; i < opt_.publishers; i++) {
      pubs_.push_back(std::make_unique<Publisher>(run_, sources_[size_t(i) % sources_.size()]));
      pubs_.back()->start();
    }
    int64_t deadline = mono_ns() + 5'000'000'000LL;
    while (mono_ns() < deadline && !g_interrupted) {
      if (std::all_of(pubs_.begin(), pubs_.end(), [](auto& p) { return p->ready(); })) return true;
      run_.loop.run_once(run_.run_deferred(20));
    }
    return std::any_of(pubs_.begin(), pubs_.end(), [](auto& p) { return p->ready(); });
  }

  void ramp() {
    int n = opt_.subscribers;
    subs_.reserve(size_t(n));
    const int per_sub = opt_.channels_per_sub;
    for (int i = 0; i < n; i++) {
      std::vector<int> channels;
      for (int j = 0; j < per_sub; j++) channels.push_back(int((int64_t(i) * per_sub + j) % opt_.channels));
      subs_.push_back(std::make_unique<Subscriber>(run_, std::move(channels), opt_.sub_urls[size_t(i) % opt_.sub_urls.size()],
                                                   sources_[size_t(i) % sources_.size()]));
    }
    int64_t start = mono_ns();
    int64_t deadline = start + int64_t(opt_.connect_timeout * 1e9);
    int64_t next_progress = start + 2'000'000'000LL;
    size_t next = 0;
    while (!g_interrupted) {
      while (next < subs_.size() && run_.subs_connecting < opt_.connect_concurrency) subs_[next++]->start();
      if (next == subs_.size() && run_.subs_connecting == 0) break;
      int64_t now = mono_ns();
      if (now >= deadline) break;
      if (now >= next_progress && !opt_.quiet) {
        std::fprintf(stderr, "  ramp: %d ready, %d failed, %d connecting\n", run_.subs_ready,
                     run_.subs_failed, run_.subs_connecting);
        next_progress = now + 2'000'000'000LL;
      }
      run_.loop.run_once(run_.run_deferred(20));
    }
    char why[64];
    std::snprintf(why, sizeof why, "not ready after %g s (--connect-timeout)", opt_.connect_timeout);
    for (auto& s : subs_) s->drop(why);
    result_.ramp_seconds = seconds(mono_ns() - start);
  }

  void hold() {
    std::string error;
    ProcSample with_connections;
    if (!opt_.server_pids.empty() && sample_processes(opt_.server_pids, with_connections, error)) {
      result_.server_measured = true;
      result_.server_rss_after_kb = with_connections.rss_kb;
      note_ready(with_connections);
    }
    double cpu0 = self_cpu_seconds();
    int64_t t0 = mono_ns();
    spin_until(t0 + int64_t(opt_.duration * 1e9));
    result_.elapsed_seconds = seconds(mono_ns() - t0);
    ProcSample after;
    if (result_.server_measured && sample_processes(opt_.server_pids, after, error)) {
      result_.server_cpu_seconds = after.cpu_seconds - with_connections.cpu_seconds;
      if (result_.elapsed_seconds > 0)
        result_.server_cpu_pct = 100 * result_.server_cpu_seconds / result_.elapsed_seconds;
    }
    result_.loadgen_cpu_seconds = self_cpu_seconds() - cpu0;
    if (result_.elapsed_seconds > 0)
      result_.loadgen_cpu_pct = 100 * result_.loadgen_cpu_seconds / result_.elapsed_seconds;
  }

  // What the server holds with the subscribers ready.
  void note_ready(const ProcSample& ready) {
    result_.server_sockets = ready.sockets;
    if (run_.subs_ready > 0)
      result_.bytes_per_connection = double(ready.rss_kb - server_before_.rss_kb) * 1024.0 / double(run_.subs_ready);
  }

  // The ready publisher with the fewest publishes in flight, if any may take one more.
  Publisher* pick_publisher(int per_connection) {
    Publisher* best = nullptr;
    for (auto& p : pubs_)
      if (p->ready() && p->in_flight() < per_connection && (!best || p->in_flight() < best->in_flight()))
        best = p.get();
    return best;
  }

  void publish_one(Publisher* p) {
    p->publish(next_channel_);
    next_channel_ = (next_channel_ + 1) % opt_.channels;
  }

  void publish_and_drain() {
    for (auto& s : subs_) {
      if (s->phase() != Subscriber::Phase::kReady) continue;
      s->set_participant();
      for (int channel : s->channels()) run_.channels[size_t(channel)].participants++;
    }
    // In rate mode the window, if not given, allows a second's worth in flight.
    int window = opt_.window > 0 ? opt_.window : std::max(1, int(std::ceil(opt_.rate)));
    int per_connection = (window + opt_.publishers - 1) / opt_.publishers;

    std::string error;
    ProcSample server0;
    bool measure = !opt_.server_pids.empty() && sample_processes(opt_.server_pids, server0, error);
    if (measure) note_ready(server0);
    double cpu0 = self_cpu_seconds();
    int64_t t0 = mono_ns();
    int64_t end = t0 + int64_t(opt_.duration * 1e9);
    uint64_t offered = 0;
    int64_t interval_ns = int64_t(opt_.interval * 1e9);
    int64_t next_line = interval_ns > 0 ? t0 + interval_ns : end;
    while (!g_interrupted) {
      int64_t now = mono_ns();
      if (now >= end) break;
      if (now >= next_line) {
        print_interval_line(now - t0);
        next_line += interval_ns;
      }
      int timeout_ms = int((std::min(end, next_line) - now) / 1000000) + 1;
      if (opt_.rate > 0) {
        uint64_t due = uint64_t(seconds(now - t0) * opt_.rate) + 1;
        Publisher* p = nullptr;
        while (offered < due && run_.in_flight < window && (p = pick_publisher(per_connection))) {
          publish_one(p);
          offered++;
        }
        // Behind schedule (window full, publisher reconnecting): wait for
        // an acknowledgment or a reconnect. Otherwise until the next is due,
        // rounded up: a publish may leave up to 1 ms late (its timestamp is
        // taken when it leaves), but the loop does not spin.
        if (offered >= due) {
          int64_t wait = t0 + int64_t(double(offered) / opt_.rate * 1e9) - mono_ns();
          timeout_ms = std::clamp(int((wait + 999999) / 1000000), 0, timeout_ms);
        }
      } else {
        while (run_.in_flight < window) {
          Publisher* p = pick_publisher(per_connection);
          if (!p) break;
          publish_one(p);
        }
      }
      run_.loop.run_once(run_.run_deferred(timeout_ms));
    }
    int64_t pub_end = mono_ns();

    // Drain: wait for the last acknowledgments and deliveries.
    int64_t drain_end = pub_end + int64_t(opt_.drain * 1e9);
    while (!g_interrupted && mono_ns() < drain_end) {
      if (run_.in_flight == 0 && run_.stats.unique >= expected_total()) break;
      run_.loop.run_once(run_.run_deferred(10));
    }
    int64_t t_end = mono_ns();

    result_.loadgen_cpu_seconds = self_cpu_seconds() - cpu0;
    result_.publish_seconds = seconds(pub_end - t0);
    int64_t last = std::max(pub_end, run_.stats.last_delivery_ns);
    result_.elapsed_seconds = seconds(last - t0);
    if (measure) {
      ProcSample server1;
      if (sample_processes(opt_.server_pids, server1, error)) {
        result_.server_measured = true;
        result_.server_cpu_seconds = server1.cpu_seconds - server0.cpu_seconds;
        for (size_t i = 0; i < server1.cpu_seconds_each.size(); i++)
          result_.server_cpu_seconds_each.push_back(server1.cpu_seconds_each[i] - server0.cpu_seconds_each[i]);
        result_.server_rss_after_kb = server1.rss_kb;
        double wall = seconds(t_end - t0);
        if (wall > 0) result_.server_cpu_pct = 100 * result_.server_cpu_seconds / wall;
      } else {
        run_.note_pub_error(error);
      }
    }
    double wall = seconds(t_end - t0);
    if (wall > 0) result_.loadgen_cpu_pct = 100 * result_.loadgen_cpu_seconds / wall;
  }

  // One JSON line of what happened since the previous one, for runs long
  // enough that a drift over time matters (bench/soak.mjs reads them).
  void print_interval_line(int64_t since_start_ns) {
    Stats& st = run_.stats;
    const Histogram& h = st.interval_latency_ns;
    std::printf(
        "{\"interval\":true,\"elapsed_s\":%.1f,\"ready\":%d,\"deliveries\":%llu,\"p50_us\":%.0f,"
        "\"p99_us\":%.0f,\"max_us\":%.0f,\"unique\":%llu,\"duplicates\":%llu,\"disconnects\":%llu,"
        "\"pub_errors\":%llu}\n",
        seconds(since_start_ns), run_.subs_ready, (unsigned long long)h.count(), double(h.quantile(0.50)) / 1e3,
        double(h.quantile(0.99)) / 1e3, double(h.max()) / 1e3, (unsigned long long)st.unique,
        (unsigned long long)st.duplicates, (unsigned long long)st.disconnects, (unsigned long long)st.pub_errors);
    std::fflush(stdout);
    st.interval_latency_ns = Histogram();
  }

  uint64_t expected_total() const {
    uint64_t total = 0;
    for (const ChannelState& ch : run_.channels) total += ch.acked_count * uint64_t(ch.participants);
    return total;
  }

  void shut_down() {
    run_.stopping = true;
    for (auto& s : subs_) s->close_now();
    for (auto& p : pubs_) p->close_now();
  }

  void report() {
    const Stats& st = run_.stats;
    Result& r = result_;
    r.label = opt_.label;
    r.mode = opt_.idle ? "idle" : "publish";
    r.technique = technique_name(opt_.technique);
    if (!opt_.idle) {
      char buf[64];
      if (opt_.rate > 0)
        std::snprintf(buf, sizeof buf, "rate %g/s", opt_.rate);
      else
        std::snprintf(buf, sizeof buf, "window %d", opt_.window);
      r.publish = buf;
    }
    r.subscribers = opt_.subscribers;
    r.failed = run_.subs_failed;
    r.lost_connections = run_.subs_lost;
    r.ready = r.subscribers - r.failed;
    r.channels = opt_.channels;
    r.channels_per_sub = opt_.channels_per_sub;
    r.size = opt_.size;
    r.published = st.published;
    r.acked = st.acked;
    r.pub_errors = st.pub_errors;
    r.expected = expected_total();
    r.delivered = st.delivered;
    r.unique = st.unique;
    r.duplicates = st.duplicates;
    r.unknown = st.unknown;
    for (auto& s : subs_) {
      if (!s->participant()) continue;
      uint64_t missing = s->missing();
      r.lost += missing;
      if (missing) r.subs_with_loss++;
      r.max_loss_per_sub = std::max(r.max_loss_per_sub, missing);
    }
    if (r.elapsed_seconds > 0) r.delivered_per_s = double(st.unique) / r.elapsed_seconds;
    if (r.publish_seconds > 0) r.acked_per_s = double(st.acked) / r.publish_seconds;
    const Histogram& h = st.latency_ns;
    r.latency_count = h.count();
    r.ack_p50_us = double(st.ack_latency_ns.quantile(0.50)) / 1e3;
    r.ack_p99_us = double(st.ack_latency_ns.quantile(0.99)) / 1e3;
    r.p50_us = double(h.quantile(0.50)) / 1e3;
    r.p90_us = double(h.quantile(0.90)) / 1e3;
    r.p99_us = double(h.quantile(0.99)) / 1e3;
    r.p999_us = double(h.quantile(0.999)) / 1e3;
    r.max_us = double(h.max()) / 1e3;
    r.mean_us = h.mean() / 1e3;
    if (r.server_measured && st.unique > 0)
      r.server_cpu_us_per_delivery = r.server_cpu_seconds * 1e6 / double(st.unique);
    r.disconnects = st.disconnects;
    r.reconnects = st.reconnects;
    r.poll_requests = st.poll_requests;
    r.http_errors = st.http_errors;
    r.gap_signals = st.gap_signals;
    r.first_error = st.first_error;

    if (!opt_.quiet) print_summary(r);
    std::string json = to_json(r);
    std::printf("%s\n", json.c_str());
    std::fflush(stdout);
    if (!opt_.json_path.empty()) {
      std::ofstream out(opt_.json_path);
      out << json << "\n";
    }
  }

  const Options& opt_;
  Run run_;
  std::vector<sockaddr_in> sources_;
  std::vector<std::unique_ptr<Publisher>> pubs_;
  std::vector<std::unique_ptr<Subscriber>> subs_;
  ProcSample server_before_;
  Result result_;
  int next_channel_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  std::string error;
  bool help = false;
  if (!parse_options(argc, argv, opt, error, help)) {
    std::fprintf(stderr, "pushwire-loadgen: %s (see --help)\n", error.c_str());
    return 1;
  }
  if (help) {
    print_usage();
    return 0;
  }
  if (!raise_file_limit(rlim_t(opt.subscribers) + rlim_t(opt.publishers) + 64, error)) {
    std::fprintf(stderr, "pushwire-loadgen: %s\n", error.c_str());
    return 1;
  }
  install_signal_handlers();
  // Pauses of --poll-interval are short; the default 50 µs timer slack would stretch them.
  if (opt.poll_interval_us > 0) prctl(PR_SET_TIMERSLACK, 1000UL);
  try {
    Bench bench(opt);
    return bench.execute();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pushwire-loadgen: %s\n", e.what());
    return 2;
  }
}

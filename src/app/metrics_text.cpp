#include "app/metrics_text.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "auth/refusal.h"
#include "net/connection.h"
#include "tls/tls_stream.h"
#include "util/log.h"
#include "ws/deflate.h"

namespace pushwire::app {

namespace {
void metric(std::string& out, const char* name, const char* type, const char* help, double value) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
  out += name;
  out += ' ';
  char number[32];
  std::snprintf(number, sizeof number, "%.17g", value);
  out += number;
  out += '\n';
}

void access_refusals(std::string& out, const util::Metrics& m) {
  static_assert(std::tuple_size_v<decltype(m.access_refusals)> == auth::kRefusalCount);
  out += "# HELP pushwire_access_refused_total Requests and ops refused by access control, by reason.\n";
  out += "# TYPE pushwire_access_refused_total counter\n";
  for (size_t i = 0; i < auth::kRefusalCount; ++i) {
    out += "pushwire_access_refused_total{reason=\"";
    out += auth::refusal_name(static_cast<auth::Refusal>(i));
    out += "\"} ";
    out += std::to_string(m.access_refusals[i].load(std::memory_order_relaxed));
    out += '\n';
  }
}

// One counter family with a `reason` label, every reason listed even at 0.
void refusals(std::string& out, const util::Metrics& m) {
  out += "# HELP pushwire_refused_total Clients turned away by a limit, by reason.\n"
         "# TYPE pushwire_refused_total counter\n";
  for (size_t i = 0; i < util::kRefusalReasons.size(); ++i) {
    out += "pushwire_refused_total{reason=\"";
    out += util::kRefusalReasons[i];
    out += "\"} ";
    out += std::to_string(m.refused_total[i].load(std::memory_order_relaxed));
    out += '\n';
  }
}

void broker_round_trips(std::string& out, const broker::BrokerStats& stats) {
  const char* name = "pushwire_broker_round_trip_seconds";
  out += "# HELP pushwire_broker_round_trip_seconds Time from sending a command to Redis to its answer.\n"
         "# TYPE pushwire_broker_round_trip_seconds histogram\n";
  uint64_t count = 0;
  char line[128];
  for (size_t i = 0; i < stats.round_trips.size(); ++i) {
    count += stats.round_trips[i].load(std::memory_order_relaxed);
    if (i < broker::BrokerStats::kBucketsMicros.size())
      std::snprintf(line, sizeof line, "%s_bucket{le=\"%g\"} %llu\n", name,
                    static_cast<double>(broker::BrokerStats::kBucketsMicros[i]) / 1e6, static_cast<unsigned long long>(count));
    else
      std::snprintf(line, sizeof line, "%s_bucket{le=\"+Inf\"} %llu\n", name, static_cast<unsigned long long>(count));
    out += line;
  }
  std::snprintf(line, sizeof line, "%s_sum %.6f\n%s_count %llu\n", name,
                static_cast<double>(stats.round_trip_micros_sum.load(std::memory_order_relaxed)) / 1e6, name,
                static_cast<unsigned long long>(count));
  out += line;
}

void broker_metrics(std::string& out, const broker::BrokerStats& stats) {
  auto get = [](const auto& atomic) { return static_cast<double>(atomic.load(std::memory_order_relaxed)); };
  broker_round_trips(out, stats);
  metric(out, "pushwire_broker_reconnects_total", "counter", "Connections to Redis made again after one was lost (per thread).",
         get(stats.reconnects_total));
  metric(out, "pushwire_broker_resyncs_total", "counter",
         "Catch-ups with Redis after a reconnect or a lost id space (per thread).", get(stats.resyncs_total));
  metric(out, "pushwire_broker_slot_moves_total", "counter",
         "On a Redis Cluster, answers that pushwire's slot is served elsewhere or moving (per thread).",
         get(stats.slot_moves_total));
  metric(out, "pushwire_broker_history_reads_total", "counter", "Channel histories read from Redis for replays.",
         get(stats.history_reads_total));
  metric(out, "pushwire_broker_unknown_channel_reads_total", "counter",
         "History reads of a channel Redis had no newest id of (never published, or untouched for "
         "--redis-last-id-ttl): a cursor from before such a read counts as a gap.",
         get(stats.unknown_channel_reads_total));
  metric(out, "pushwire_broker_history_bytes", "gauge",
         "Bytes of messages held to complete history reads still on their way.", get(stats.history_held_bytes));
}

double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}
}  // namespace

std::string metrics_text(transports::Context& context) {
  const util::Metrics& m = context.metrics;
  std::string out;
  out.reserve(2048);
  auto get = [](const auto& atomic) { return static_cast<double>(atomic.load(std::memory_order_relaxed)); };
  metric(out, "pushwire_connections_open", "gauge", "TCP connections open now.", static_cast<double>(net::Connection::open_count()));
  metric(out, "pushwire_connections_total", "counter", "TCP connections accepted.", get(m.connections_total));
  metric(out, "pushwire_messages_published_total", "counter", "Messages published.", get(m.messages_published_total));
  metric(out, "pushwire_deliveries_total", "counter", "Messages handed to live subscribers (updated every second).", get(m.deliveries_total));
  metric(out, "pushwire_subscribers_open", "gauge", "Subscriptions open now, all techniques.", get(m.subscribers_open));
  metric(out, "pushwire_slow_subscribers_disconnected_total", "counter",
         "Subscribers cut off because their unsent bytes passed --max-pending-bytes.",
         get(m.slow_subscribers_disconnected_total));
  metric(out, "pushwire_gaps_total", "counter", "Resumes that could not be complete (gap signalled).",
         get(m.gaps_total));
  metric(out, "pushwire_lingering_closes_total", "counter",
         "Closes begun by the server that then drained the client's input until it closed too (at most --linger).",
         static_cast<double>(net::Lingering::started_total()));
  metric(out, "pushwire_ws_inflate_states", "gauge",
         "WebSocket inflate states held now; none outlives a message (client_no_context_takeover).",
         static_cast<double>(ws::Inflater::states_held()));
  metric(out, "pushwire_log_lines_suppressed_total", "counter",
         "Log lines held back by --log-rate (refused requests, protocol errors, slow subscribers).",
         static_cast<double>(util::log_lines_suppressed()));
  metric(out, "pushwire_static_refused_total", "counter",
         "--static requests refused: dot names, links out of the directory, files over --static-max-bytes.",
         get(m.static_refused_total));
  access_refusals(out, m);
  metric(out, "pushwire_tls_handshake_failures_total", "counter",
         "TLS handshakes that failed (bad or unsupported client hello, wrong protocol, peer left).",
         static_cast<double>(tls::TlsStream::handshake_failures()));
  metric(out, "pushwire_tls_handshake_timeouts_total", "counter",
         "TLS connections cut off for not finishing the handshake within --tls-handshake-timeout.",
         get(m.tls_handshake_timeouts_total));
  metric(out, "pushwire_sessions_open", "gauge", "Sessions (multi-channel streams) open now.", get(m.sessions_open));
  metric(out, "pushwire_sessions_created_total", "counter", "Sessions opened.", get(m.sessions_created_total));
  metric(out, "pushwire_session_requests_forwarded_total", "counter",
         "Session requests (ops, polls) that arrived on another thread than the session's and were passed to it.",
         get(m.session_requests_forwarded_total));
  metric(out, "pushwire_sessions_buffered_bytes", "gauge",
         "Bytes of messages poll sessions keep for their clients between polls (bounded by --max-session-buffer-bytes each).",
         get(m.sessions_buffered_bytes));
  metric(out, "pushwire_session_buffer_overflows_total", "counter",
         "Messages dropped from poll sessions' buffers past --max-session-buffer-bytes (their channels got a gap).",
         get(m.session_buffer_overflows_total));
  metric(out, "pushwire_sessions_expired_total", "counter",
         "Poll sessions that ended with no poll for --session-grace seconds.", get(m.sessions_expired_total));
  metric(out, "pushwire_channels", "gauge", "Channels with kept messages (0 with --redis: Redis keeps them).",
         static_cast<double>(context.broker.channel_count()));
  metric(out, "pushwire_history_bytes", "gauge",
         "Bytes of messages kept for history, all channels (in-memory broker; bounded by --history-bytes).",
         static_cast<double>(context.broker.history_bytes()));
  refusals(out, m);
  metric(out, "pushwire_broker_available", "gauge", "1 when publishes can be acknowledged on every thread (with --redis: each reaches Redis), else 0.",
         context.broker.available() ? 1.0 : 0.0);
  if (const broker::BrokerStats* stats = context.broker.stats()) broker_metrics(out, *stats);
  metric(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", resident_bytes());
  metric(out, "process_cpu_seconds_total", "counter", "User and system CPU time in seconds.", cpu_seconds());
  return out;
}

}  // namespace pushwire::app

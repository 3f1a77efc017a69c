#include "report.h"

#include <cstdio>

namespace {

std::string duration_text(double us) {
  char buf[32];
  if (us < 1000)
    std::snprintf(buf, sizeof buf, "%.0f µs", us);
  else if (us < 1e6)
    std::snprintf(buf, sizeof buf, "%.2f ms", us / 1000);
  else
    std::snprintf(buf, sizeof buf, "%.2f s", us / 1e6);
  return buf;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

class JsonObject {
 public:
  JsonObject& field(const char* name, const std::string& value) { return raw(name, json_string(value)); }
  JsonObject& field(const char* name, const char* value) { return raw(name, json_string(value)); }
  JsonObject& field(const char* name, double value) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", value);
    return raw(name, buf);
  }
  JsonObject& field(const char* name, uint64_t value) { return raw(name, std::to_string(value)); }
  JsonObject& field(const char* name, long value) { return raw(name, std::to_string(value)); }
  JsonObject& field(const char* name, int value) { return raw(name, std::to_string(value)); }
  JsonObject& field(const char* name, bool value) { return raw(name, value ? "true" : "false"); }
  JsonObject& field(const char* name, const std::vector<double>& values) {
    std::string list = "[";
    for (double value : values) {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%s%.6g", list.size() > 1 ? "," : "", value);
      list += buf;
    }
    return raw(name, list + "]");
  }
  std::string text() const { return body_ + "}"; }

 private:
  JsonObject& raw(const char* name, const std::string& value) {
    body_ += body_.size() > 1 ? "," : "";
    body_ += json_string(name) + ":" + value;
    return *this;
  }
  std::string body_ = "{";
};

}  // namespace

void print_summary(const Result& r) {
  std::printf("pushwire-loadgen%s%s: %s, %d subscribers on %d channel%s", r.label.empty() ? "" : " ",
              r.label.c_str(), r.technique.c_str(), r.subscribers, r.channels, r.channels == 1 ? "" : "s");
  if (r.channels_per_sub > 1) std::printf(", %d channels each on one connection", r.channels_per_sub);
  std::printf("\n");
  std::printf("  subscribers  %d ready, %d failed to connect, %d lost later (ramp %.1f s)\n", r.ready,
              r.failed, r.lost_connections, r.ramp_seconds);
  if (r.mode == "idle") {
    if (r.server_measured)
      std::printf("  server RSS   %.1f MB before, %.1f MB with %d connections: %.0f bytes per connection\n",
                  double(r.server_rss_before_kb) / 1024, double(r.server_rss_after_kb) / 1024, r.ready,
                  r.bytes_per_connection);
    else
      std::printf("  server RSS   not measured (no --server-pid)\n");
  } else {
    std::printf(
        "  published    %llu in %.1f s (%s, %d-byte payloads): %llu acknowledged (%.0f/s), %llu errors\n",
        (unsigned long long)r.published, r.publish_seconds, r.publish.c_str(), r.size,
        (unsigned long long)r.acked, r.acked_per_s, (unsigned long long)r.pub_errors);
    std::printf("  publish ack  p50 %s  p99 %s (request to response)\n", duration_text(r.ack_p50_us).c_str(),
                duration_text(r.ack_p99_us).c_str());
    double loss_pct = r.expected ? 100.0 * double(r.lost) / double(r.expected) : 0;
    std::printf(
        "  delivered    %llu (expected %llu, from acknowledged publishes): %.0f msg/s\n"
        "  loss         %llu (%.3f%%, at %d subscribers), duplicates %llu\n",
        (unsigned long long)r.unique, (unsigned long long)r.expected, r.delivered_per_s,
        (unsigned long long)r.lost, loss_pct, r.subs_with_loss, (unsigned long long)r.duplicates);
    std::printf("  latency      p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (mean %s)\n",
                duration_text(r.p50_us).c_str(), duration_text(r.p90_us).c_str(),
                duration_text(r.p99_us).c_str(), duration_text(r.p999_us).c_str(),
                duration_text(r.max_us).c_str(), duration_text(r.mean_us).c_str());
    if (r.server_measured) {
      std::printf("  server       %.2f CPU s (%.0f%% of a core), %.2f µs per delivery; RSS %.1f MB\n",
                  r.server_cpu_seconds, r.server_cpu_pct, r.server_cpu_us_per_delivery,
                  double(r.server_rss_after_kb) / 1024);
      std::printf("  held         %ld sockets with the subscribers ready, %.0f bytes of RSS per subscriber\n",
                  r.server_sockets, r.bytes_per_connection);
    }
  }
  std::printf("  loadgen CPU  %.2f s (%.0f%% of a core)%s\n", r.loadgen_cpu_seconds, r.loadgen_cpu_pct,
              r.loadgen_cpu_pct > 90 ? "  <- saturated: figures may measure the load generator" : "");
  if (r.disconnects || r.reconnects || r.http_errors || r.gap_signals || r.unknown || r.poll_requests)
    std::printf(
        "  events       %llu disconnects, %llu reconnects, %llu polls, %llu HTTP errors, %llu gap "
        "signals, %llu unknown markers\n",
        (unsigned long long)r.disconnects, (unsigned long long)r.reconnects,
        (unsigned long long)r.poll_requests, (unsigned long long)r.http_errors,
        (unsigned long long)r.gap_signals, (unsigned long long)r.unknown);
  if (!r.first_error.empty()) std::printf("  first error  %s\n", r.first_error.c_str());
}

std::string to_json(const Result& r) {
  JsonObject j;
  j.field("label", r.label).field("mode", r.mode).field("technique", r.technique).field("publish", r.publish);
  j.field("subscribers", r.subscribers).field("ready", r.ready).field("failed", r.failed);
  j.field("lost_connections", r.lost_connections).field("channels", r.channels);
  j.field("channels_per_sub", r.channels_per_sub).field("size", r.size);
  j.field("ramp_s", r.ramp_seconds)
      .field("publish_s", r.publish_seconds)
      .field("elapsed_s", r.elapsed_seconds);
  j.field("published", r.published).field("acked", r.acked).field("pub_errors", r.pub_errors);
  j.field("acked_per_s", r.acked_per_s);
  j.field("expected", r.expected).field("delivered", r.delivered).field("unique", r.unique);
  j.field("lost", r.lost).field("dup", r.duplicates).field("unknown", r.unknown);
  j.field("subs_with_loss", r.subs_with_loss).field("max_loss_per_sub", r.max_loss_per_sub);
  j.field("delivered_per_s", r.delivered_per_s);
  j.field("ack_p50_us", r.ack_p50_us).field("ack_p99_us", r.ack_p99_us);
  j.field("latency_samples", r.latency_count);
  j.field("p50_us", r.p50_us).field("p90_us", r.p90_us).field("p99_us", r.p99_us);
  j.field("p999_us", r.p999_us).field("max_us", r.max_us).field("mean_us", r.mean_us);
  j.field("loadgen_cpu_s", r.loadgen_cpu_seconds).field("loadgen_cpu_pct", r.loadgen_cpu_pct);
  j.field("server_measured", r.server_measured);
  j.field("server_cpu_s", r.server_cpu_seconds).field("server_cpu_pct", r.server_cpu_pct);
  j.field("server_cpu_us_per_delivery", r.server_cpu_us_per_delivery);
  j.field("server_cpu_s_each", r.server_cpu_seconds_each);
  j.field("server_rss_before_kb", r.server_rss_before_kb).field("server_rss_after_kb", r.server_rss_after_kb);
  j.field("bytes_per_conn", r.bytes_per_connection).field("server_sockets", r.server_sockets);
  j.field("disconnects", r.disconnects)
      .field("reconnects", r.reconnects)
      .field("poll_requests", r.poll_requests);
  j.field("http_errors", r.http_errors).field("gap_signals", r.gap_signals);
  j.field("error", r.first_error);
  return j.text();
}

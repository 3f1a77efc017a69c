#include "app/worker.h"

#include "app/client_limits.h"
#include "app/routes.h"
#include "app/server_config.h"
#include "http/overload_answer.h"
#include "util/log.h"

namespace pushwire::app {

namespace {
constexpr int64_t kShutdownGraceMs = 5000;
}

Worker::Worker(const ServerConfig& config, broker::Broker* shared, const BrokerFactory& make_own,
               util::Metrics& metrics, ClientLimits& limits, tls::ServerContext* tls, unsigned index,
               core::SessionCount& session_count, std::vector<transports::Context*>& peers)
    : config_(config),
      admission_(limits.admission),
      fanout_([this] { loop_.post_soon([this] { fanout_.drain(); }); }),
      own_broker_(shared ? nullptr : make_own(loop_.uv())),
      broker_(shared ? *shared : *own_broker_),
      sessions_(index, session_count),
      context_{broker_, fanout_, loop_, config.transports, metrics, limits.publish_rate, sessions_, peers},
      static_files_(config.static_dir, config.static_max_bytes, metrics.static_refused_total),
      tls_(tls),
      protocols_{{router_, config.cors, config.http}, config.http2 ? &*config.http2 : nullptr,
                 config.tls_handshake_timeout_ms, metrics},
      listener_(loop_, [this](net::Connection& connection) { on_connection(connection); }) {
  peers[index] = &context_;
  broker_.attach(&fanout_);
  add_routes(router_, context_, static_files_);
  loop_.set_tick([this](int64_t now_ms) { on_tick(now_ms); }, config.transports.tick_ms);
  loop_.lingering().set_duration_ms(config.linger_ms);
}

Worker::~Worker() { join(); }

uint16_t Worker::listen(const std::string& host, uint16_t port, std::string& error) {
  return listener_.listen(host, port, error);
}

void Worker::start(std::function<void(const std::string& error)> on_ready) {
  // Before the thread runs the loop, so that the broker's handles are made here.
  broker_.start(std::move(on_ready));
  thread_ = std::thread([this] { loop_.run(); });
}

void Worker::request_shutdown() {
  loop_.post([this] { shut_down(); });
}

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::on_connection(net::Connection& connection) {
  util::Metrics::add(context_.metrics.connections_total);
  if (tls_) {
    std::unique_ptr<net::StreamFilter> stream = tls_->new_stream();
    if (!stream) {
      PW_LOG(warn, "cannot start TLS on a new connection (out of memory?)");
      connection.abort();
      return;
    }
    connection.set_filter(std::move(stream));
  }
  switch (admission_.admit(connection)) {
    case net::Admission::Verdict::admitted:
      connection.set_handler(std::make_unique<ProtocolDetector>(connection, protocols_));
      return;
    case net::Admission::Verdict::over_total:
      context_.metrics.refused(util::Refusal::max_connections);
      connection.set_handler(std::make_unique<http::OverloadAnswer>(
          connection, "the server has as many connections as it takes (--max-connections); try again later"));
      return;
    case net::Admission::Verdict::over_per_address:
      context_.metrics.refused(util::Refusal::max_connections_per_ip);
      connection.set_handler(std::make_unique<http::OverloadAnswer>(
          connection, "this address has as many connections as it may (--max-connections-per-ip); try again later"));
      return;
  }
}

void Worker::on_tick(int64_t now_ms) {
  util::Metrics::add(context_.metrics.deliveries_total, fanout_.deliveries() - deliveries_reported_);
  deliveries_reported_ = fanout_.deliveries();
  if (shutdown_deadline_ms_ && now_ms > shutdown_deadline_ms_) {
    net::Connection::for_each(loop_, [](net::Connection& c, int64_t) { c.abort(); }, 0);
    return;
  }
  net::Connection::for_each(
      loop_, [](net::Connection& c, int64_t now) {
        if (auto* handler = c.handler()) handler->on_tick(now);
        c.trim();
      },
      now_ms);
}

void Worker::shut_down() {
  listener_.close();
  broker_.shut_down();
  sessions_.shut_down();
  net::Connection::for_each(
      loop_, [](net::Connection& c, int64_t) {
        if (auto* handler = c.handler()) handler->on_shutdown();
        else c.close();
      },
      0);
  // Clients that do not read what is left for them are cut off after a grace period.
  shutdown_deadline_ms_ = loop_.now_ms() + kShutdownGraceMs;
  loop_.shut_down();
}

}  // namespace pushwire::app

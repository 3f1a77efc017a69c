#pragma once
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "app/protocol_detector.h"
#include "broker/broker.h"
#include "core/fanout.h"
#include "http/cors.h"
#include "http/http_session.h"
#include "http/router.h"
#include "http/static_files.h"
#include "net/admission.h"
#include "net/event_loop.h"
#include "net/listener.h"
#include "tls/server_context.h"
#include "transports/context.h"
#include "util/metrics.h"

namespace pushwire::app {

struct ServerConfig;
struct ClientLimits;

// One event-loop thread: its listener, its connections, its subscribers.
class Worker {
 public:
  // Makes a broker for one thread's loop.
  using BrokerFactory = std::function<std::unique_ptr<broker::Broker>(uv_loop_t* loop)>;

  // With `shared`, this thread uses that broker; otherwise one of its own,
  // from `make_own`. With `tls`, every connection speaks TLS. `limits` are
  // shared by every thread.
  Worker(const ServerConfig& config, broker::Broker* shared, const BrokerFactory& make_own, util::Metrics& metrics,
         ClientLimits& limits, tls::ServerContext* tls);
  ~Worker();

  // Binds (port 0 on the first worker picks the port the others then share).
  uint16_t listen(const std::string& host, uint16_t port, std::string& error);
  // Runs the loop on a new thread. `on_ready` is called (on that thread, or
  // at once) with "" once the broker serves, or with why it cannot.
  void start(std::function<void(const std::string& error)> on_ready);
  void request_shutdown();     // any thread
  void join();

 private:
  void shut_down();  // on the loop's thread
  void on_tick(int64_t now_ms);
  void on_connection(net::Connection& connection);

  const ServerConfig& config_;
  net::Admission& admission_;
  net::EventLoop loop_;
  core::Fanout fanout_;
  std::unique_ptr<broker::Broker> own_broker_;
  broker::Broker& broker_;
  transports::Context context_;
  http::Router router_;
  http::StaticFiles static_files_;
  tls::ServerContext* tls_;
  ProtocolStack protocols_;
  net::Listener listener_;
  uint64_t deliveries_reported_ = 0;
  int64_t shutdown_deadline_ms_ = 0;  // set once stopping: then stragglers are cut off
  std::thread thread_;
};

}  // namespace pushwire::app

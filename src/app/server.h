#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/client_limits.h"
#include "app/server_config.h"
#include "app/worker.h"
#include "broker/broker.h"
#include "tls/server_context.h"
#include "util/metrics.h"

namespace pushwire::app {

// The whole server: `threads` workers listening on one port, sharing one
// in-memory broker, or each with its own connection to Redis.
class Server {
 public:
  explicit Server(ServerConfig config);
  ~Server();

  // Binds every worker's listener, starts their threads and waits until
  // their brokers serve. Returns the port (the chosen one when asked for
  // port 0), or 0 with `error` set.
  uint16_t start(std::string& error);
  void stop();  // graceful; any thread
  void wait();  // until every worker has stopped

  // Rereads the TLS certificate and key (SIGHUP); with files that do not
  // load, logs why and keeps the pair in use. Nothing without TLS.
  void reload_tls();
  bool serves_tls() const { return tls_ != nullptr; }

  // Periodic upkeep of the shared broker (each Redis broker keeps its own).
  void sweep();

 private:
  ServerConfig config_;
  util::Metrics metrics_;
  ClientLimits limits_;
  std::unique_ptr<tls::ServerContext> tls_;
  std::unique_ptr<broker::Broker> shared_broker_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace pushwire::app

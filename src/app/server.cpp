#include "app/server.h"

#include "broker/memory_broker.h"

namespace pushwire::app {

Server::Server(ServerConfig config)
    : config_(std::move(config)), broker_(std::make_unique<broker::MemoryBroker>(config_.history)) {
  for (unsigned i = 0; i < config_.threads; ++i)
    workers_.push_back(std::make_unique<Worker>(config_, *broker_, metrics_));
}

Server::~Server() {
  stop();
  wait();
}

uint16_t Server::start(std::string& error) {
  uint16_t port = config_.port;
  for (auto& worker : workers_) {
    port = worker->listen(config_.host, port, error);
    if (port == 0) return 0;
  }
  for (auto& worker : workers_) worker->start();
  return port;
}

void Server::stop() {
  for (auto& worker : workers_) worker->request_shutdown();
}

void Server::wait() {
  for (auto& worker : workers_) worker->join();
}

}  // namespace pushwire::app

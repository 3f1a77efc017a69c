#include "app/server.h"

#include <chrono>
#include <future>

#include "broker/memory_broker.h"
#include "broker/redis_broker.h"
#include "util/log.h"

namespace pushwire::app {

namespace {
constexpr auto kBrokerStartTimeout = std::chrono::seconds(5);
}

Server::Server(ServerConfig config)
    : config_(std::move(config)),
      limits_{net::Admission(config_.admission), transports::PublishRate(config_.publish_rate)} {
  config_.http.metrics = &metrics_;
  if (config_.tls) tls_ = std::make_unique<tls::ServerContext>(*config_.tls, config_.http2.has_value());
  if (!config_.redis) shared_broker_ = std::make_unique<broker::MemoryBroker>(config_.history);
  auto progress = config_.redis ? std::make_shared<broker::RedisProgress>(config_.threads) : nullptr;
  for (unsigned i = 0; i < config_.threads; ++i) {
    auto make_redis_broker = [&, i](uv_loop_t* loop) {
      return std::make_unique<broker::RedisBroker>(loop, *config_.redis, config_.history, progress, i);
    };
    workers_.push_back(
        std::make_unique<Worker>(config_, shared_broker_.get(), make_redis_broker, metrics_, limits_, tls_.get()));
  }
}

Server::~Server() {
  stop();
  wait();
}

uint16_t Server::start(std::string& error) {
  if (tls_ && !tls_->reload(error)) return 0;
  uint16_t port = config_.port;
  for (auto& worker : workers_) {
    port = worker->listen(config_.host, port, error);
    if (port == 0) return 0;
  }
  std::vector<std::future<std::string>> ready;
  for (auto& worker : workers_) {
    auto promise = std::make_shared<std::promise<std::string>>();
    ready.push_back(promise->get_future());
    worker->start([promise](const std::string& why) { promise->set_value(why); });
  }
  for (auto& broker_ready : ready) {
    std::string why = broker_ready.wait_for(kBrokerStartTimeout) == std::future_status::ready
                          ? broker_ready.get()
                          : "no answer within 5 seconds";
    if (!why.empty()) {
      error = "cannot use Redis at " + config_.redis->display() + ": " + why;
      return 0;
    }
  }
  return port;
}

void Server::stop() {
  for (auto& worker : workers_) worker->request_shutdown();
}

void Server::wait() {
  for (auto& worker : workers_) worker->join();
}

void Server::reload_tls() {
  if (!tls_) return;
  std::string error;
  if (tls_->reload(error)) PW_LOG(info, "reloaded the TLS certificate and key");
  else PW_LOG(error, "TLS reload failed, keeping the certificate in use: ", error);
}

void Server::sweep() {
  if (shared_broker_) shared_broker_->sweep();
}

}  // namespace pushwire::app

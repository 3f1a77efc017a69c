// pushwire: every browser push technique from one server over one pub/sub core.
#include <uv.h>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "app/options.h"
#include "app/server.h"
#include "app/server_config.h"
#include "util/log.h"

namespace {

struct MainLoop {
  uv_loop_t loop;
  uv_signal_t sigint, sigterm, sighup;
  uv_timer_t sweep;
  pushwire::app::Server* server;
  bool stopping = false;
};

void on_signal(uv_signal_t* handle, int signum) {
  auto* main = static_cast<MainLoop*>(handle->data);
  if (main->stopping) return;
  main->stopping = true;
  PW_LOG(info, "received ", signum == SIGINT ? "SIGINT" : "SIGTERM", ", stopping");
  main->server->stop();
  uv_close(reinterpret_cast<uv_handle_t*>(&main->sigint), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&main->sigterm), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&main->sighup), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&main->sweep), nullptr);
}

void on_reload(uv_signal_t* handle, int) { static_cast<MainLoop*>(handle->data)->server->reload_tls(); }

void on_sweep(uv_timer_t* handle) { static_cast<MainLoop*>(handle->data)->server->sweep(); }

std::string broker_note(const pushwire::app::ServerConfig& config) {
  return config.redis ? ", broker: Redis at " + config.redis->display() : ", in-memory broker";
}

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pushwire;
  const app::ParseResult parsed = app::parse_options(argc, argv);
  switch (parsed.action) {
    case app::ParseResult::Action::help:
      std::cout << app::help_text();
      return 0;
    case app::ParseResult::Action::version:
      std::cout << parsed.message << "\n";
      return 0;
    case app::ParseResult::Action::error:
      std::cerr << "pushwire: " << parsed.message << "\n";
      return 2;
    case app::ParseResult::Action::run:
      break;
  }
  const app::Options& options = parsed.options;
  util::LogLevel level;
  if (util::parse_log_level(options.log_level, level)) util::set_log_level(level);
  util::set_log_rate(options.log_rate);
  std::signal(SIGPIPE, SIG_IGN);

  const app::ServerConfig config = app::make_server_config(options);
  app::Server server(config);
  // Signals are handled from before the ready line, so a stop right after it is graceful.
  MainLoop main;
  main.server = &server;
  uv_loop_init(&main.loop);
  for (uv_signal_t* signal : {&main.sigint, &main.sigterm, &main.sighup}) {
    uv_signal_init(&main.loop, signal);
    signal->data = &main;
  }
  uv_signal_start(&main.sigint, on_signal, SIGINT);
  uv_signal_start(&main.sigterm, on_signal, SIGTERM);
  uv_signal_start(&main.sighup, on_reload, SIGHUP);
  uv_timer_init(&main.loop, &main.sweep);
  main.sweep.data = &main;
  uv_timer_start(&main.sweep, on_sweep, 1000, 1000);
  std::string error;
  const uint16_t port = server.start(error);
  if (port == 0) {
    std::cerr << "pushwire: " << error << "\n";
    server.stop();
    server.wait();
    return 1;
  }
  PW_LOG(info, "pushwire started: ", options.threads, " threads, history ", options.history, " messages / ",
         options.history_ttl_s, " s, max message ", options.max_message_bytes, " bytes",
         options.publish_key.empty() ? ", publishing open" : ", publish key required",
         options.jwt_secret.empty() && options.jwt_public_key_pem.empty() ? "" : ", access control on",
         broker_note(config));
  std::printf("listening on %s://%s:%u\n", server.serves_tls() ? "https" : "http",
              url_host(options.listen_host).c_str(), port);
  std::fflush(stdout);

  uv_run(&main.loop, UV_RUN_DEFAULT);
  uv_loop_close(&main.loop);

  server.wait();
  PW_LOG(info, "stopped");
  return 0;
}

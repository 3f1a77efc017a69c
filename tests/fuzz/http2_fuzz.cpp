// Feeds arbitrary bytes after the HTTP/2 client preface to an Http2Session on
// a real loopback connection, in two pieces split at a point taken from the
// input's last byte, with routes that answer at once, stream, and refuse.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "http/cors.h"
#include "http/exchange.h"
#include "http/router.h"
#include "http2/http2_session.h"
#include "net/connection.h"
#include "net/event_loop.h"
#include "net/listener.h"

namespace {

using namespace pushwire;

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

struct Server {
  net::EventLoop* loop = new net::EventLoop;  // lives as long as the process
  net::Connection* accepted = nullptr;
  net::Listener listener{*loop, [this](net::Connection& c) { accepted = &c; }};
  uint16_t port = 0;
  http::Router router;
  http::CorsPolicy cors{{"*"}};
  http2::Http2Settings settings{.max_concurrent_streams = 8, .max_header_bytes = 1024, .max_body_bytes = 2048};

  Server() {
    std::string error;
    // A closed connection is let go at once, not kept lingering past the input.
    loop->lingering().set_duration_ms(0);
    port = listener.listen("127.0.0.1", 0, error);
    if (port == 0) __builtin_trap();
    router.add("/a", "GET, POST", [](http::Exchange& e, std::string_view) { e.respond_json(200, "{}"); });
    router.add("/s/", "GET", [](http::Exchange& e, std::string_view rest) {
      e.start_stream(200, "text/plain", {}, http::BodyFraming::until_close);
      e.send(net::OutChunk::take(std::string(rest)));
    });
    router.set_fallback([](http::Exchange& e, std::string_view) { e.respond_error(404, "not_found", "no"); });
  }

  void turn() { uv_run(loop->uv(), UV_RUN_NOWAIT); }

  // A connection closed in a turn may be freed by the end of it: only the
  // loop's list of open connections tells whether it is still there.
  bool still_open(const net::Connection& connection) {
    static const net::Connection* sought;
    static bool found;
    sought = &connection;
    found = false;
    net::Connection::for_each(*loop, [](net::Connection& c, int64_t) { found = found || &c == sought; }, 0);
    return found;
  }
};

// libFuzzer's SIGALRM (every -timeout/2 + 1 seconds, without SA_RESTART) can
// interrupt connect(); the connection then completes in the background, so an
// EINTR is followed by waiting for it, not by a second connect().
int connect_to(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0) __builtin_trap();
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  if (errno != EINTR) __builtin_trap();
  pollfd writable{.fd = fd, .events = POLLOUT, .revents = 0};
  while (::poll(&writable, 1, -1) < 0) {
    if (errno != EINTR) __builtin_trap();
  }
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) __builtin_trap();
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Server server;
  const int client = connect_to(server.port);
  server.accepted = nullptr;
  while (!server.accepted) server.turn();
  net::Connection& connection = *server.accepted;
  auto owned = std::make_unique<http2::Http2Session>(connection, server.router, server.cors, server.settings);
  http2::Http2Session* session = owned.get();
  connection.set_handler(std::move(owned));

  std::string input(kPreface);
  input.append(reinterpret_cast<const char*>(data), size);
  const size_t split = size ? kPreface.size() + data[size - 1] % (size + 1) : input.size();
  session->on_read(std::string_view(input).substr(0, split));
  const bool same_session = connection.handler() == session;
  server.turn();
  if (same_session && server.still_open(connection)) {
    session->on_read(std::string_view(input).substr(split));
    server.turn();
  }
  if (server.still_open(connection)) connection.abort();
  server.turn();
  ::close(client);
  return 0;
}

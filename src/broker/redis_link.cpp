#include "broker/redis_link.h"

#include <netdb.h>

#include <chrono>
#include <cstring>
#include <utility>

namespace pushwire::broker {

struct RedisLink::Socket {
  uv_tcp_t tcp;
  uv_connect_t connect;
  RedisLink* link;  // nullptr once the link has let go: libuv's late callbacks are ignored
};

namespace {

struct WriteRequest {
  uv_write_t request;
  std::string bytes;
};

int64_t steady_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

// The host's address; IPv4 first, as hiredis did.
bool resolve(const RedisEndpoint& endpoint, sockaddr_storage& address, std::string& error) {
  for (const int family : {AF_INET, AF_INET6}) {
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int result = getaddrinfo(endpoint.host.c_str(), std::to_string(endpoint.port).c_str(), &hints, &found);
    if (result == 0) {
      std::memcpy(&address, found->ai_addr, found->ai_addrlen);
      freeaddrinfo(found);
      return true;
    }
    error = "cannot resolve " + endpoint.host + ": " + gai_strerror(result);
  }
  return false;
}

struct FreeReply {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};

}  // namespace

RedisLink::RedisLink(uv_loop_t* loop, RedisEndpoint endpoint, BrokerStats& stats, OnDown on_down)
    : loop_(loop),
      endpoint_(std::move(endpoint)),
      stats_(stats),
      on_down_(std::move(on_down)),
      reader_(redisReaderCreate()) {}

RedisLink::~RedisLink() {
  closing_ = true;
  end();
  redisReaderFree(reader_);
}

bool RedisLink::connect(std::string& error) {
  if (endpoint_.tls) {
    tls_context_ = tls::ClientContext::load(endpoint_.ca_file, error);
    if (!tls_context_) return false;
  }
  sockaddr_storage address{};
  if (!resolve(endpoint_, address, error)) return false;
  socket_ = new Socket{};
  socket_->link = this;
  uv_tcp_init(loop_, &socket_->tcp);
  socket_->tcp.data = socket_;
  const int result = uv_tcp_connect(&socket_->connect, &socket_->tcp, reinterpret_cast<const sockaddr*>(&address),
                                    [](uv_connect_t* request, int status) {
                                      auto* socket = static_cast<Socket*>(request->handle->data);
                                      if (socket->link) socket->link->on_connected(status);
                                    });
  if (result != 0) {
    error = uv_strerror(result);
    end();
    return false;
  }
  auto refused = [this](const char* what) {
    return [this, what](redisReply* reply) {
      if (reply && reply->type == REDIS_REPLY_ERROR) {
        down(std::string(what) + " refused: " + std::string(reply->str, reply->len));
        close();
      }
    };
  };
  if (!endpoint_.password.empty()) {
    if (endpoint_.user.empty()) command({"AUTH", endpoint_.password}, refused("AUTH"));
    else command({"AUTH", endpoint_.user, endpoint_.password}, refused("AUTH"));
  }
  if (endpoint_.db != 0) command({"SELECT", std::to_string(endpoint_.db)}, refused("SELECT"));
  return true;
}

void RedisLink::command(const std::vector<std::string_view>& args, OnReply on_reply) {
  if (!socket_) {
    on_reply(nullptr);
    return;
  }
  sent_us_.push_back(steady_us());
  // Every command is answered, also with nullptr when the link goes, and
  // always while this link exists (end() answers what is left).
  auto counted = [this, on_reply = std::move(on_reply)](redisReply* reply) {
    if (!sent_us_.empty()) {
      if (reply) stats_.round_trip(static_cast<uint64_t>(steady_us() - sent_us_.front()));
      sent_us_.pop_front();
    }
    on_reply(reply);
  };
  send(args, std::move(counted), false);
}

void RedisLink::subscribe(std::string_view channel, OnReply on_reply) {
  if (!socket_) {
    on_reply(nullptr);
    return;
  }
  send({"SUBSCRIBE", channel}, std::move(on_reply), true);
}

void RedisLink::send(const std::vector<std::string_view>& args, OnReply on_reply, bool every_reply) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (std::string_view a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  char* resp = nullptr;
  const int length = redisFormatCommandArgv(&resp, static_cast<int>(args.size()), argv.data(), lengths.data());
  if (length < 0) {
    on_reply(nullptr);
    return;
  }
  unsent_.append(resp, static_cast<size_t>(length));
  redisFreeCommand(resp);
  waiting_.push_back({std::make_shared<OnReply>(std::move(on_reply)), every_reply});
  if (writes_in_flight_ == 0) flush();
}

void RedisLink::on_connected(int status) {
  if (status < 0) {
    fail(uv_strerror(status));
    return;
  }
  uv_tcp_nodelay(&socket_->tcp, 1);
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&socket_->tcp),
      [](uv_handle_t*, size_t, uv_buf_t* buffer) {
        thread_local char bytes[64 * 1024];
        *buffer = uv_buf_init(bytes, sizeof bytes);
      },
      [](uv_stream_t* stream, ssize_t read, const uv_buf_t* buffer) {
        auto* socket = static_cast<Socket*>(stream->data);
        if (!socket->link) return;
        if (read == UV_EOF) socket->link->fail("the connection was closed");
        else if (read < 0) socket->link->fail(uv_strerror(static_cast<int>(read)));
        else socket->link->on_read({buffer->base, static_cast<size_t>(read)});
      });
  if (!tls_context_) {
    ready_ = true;
    flush();
    return;
  }
  tls_ = tls_context_->new_stream(endpoint_.host);
  std::string hello;
  if (!tls_ || !tls_->start(hello)) {
    fail(tls_ ? tls_->failure() : "cannot set up TLS");
    return;
  }
  write(std::move(hello));
}

void RedisLink::on_read(std::string_view bytes) {
  if (!tls_) {
    take_replies(bytes);
    return;
  }
  std::string inner;
  std::string reply;
  const bool going = tls_->receive(bytes, inner, reply);
  if (!reply.empty()) write(std::move(reply));
  if (!going) {
    fail(tls_->failure());
    return;
  }
  if (!ready_ && tls_->established()) {
    ready_ = true;
    flush();
  }
  take_replies(inner);
}

void RedisLink::take_replies(std::string_view bytes) {
  if (bytes.empty()) return;
  redisReaderFeed(reader_, bytes.data(), bytes.size());
  const std::weak_ptr<bool> alive = alive_;
  while (socket_) {
    void* parsed = nullptr;
    if (redisReaderGetReply(reader_, &parsed) != REDIS_OK) {
      fail(std::string("unreadable reply: ") + reader_->errstr);
      return;
    }
    if (!parsed) return;
    const std::unique_ptr<redisReply, FreeReply> reply(static_cast<redisReply*>(parsed));
    if (waiting_.empty()) {
      fail("a reply to no command");
      return;
    }
    const std::shared_ptr<OnReply> on_reply = waiting_.front().on_reply;
    if (!waiting_.front().every_reply) waiting_.pop_front();
    (*on_reply)(reply.get());
    if (alive.expired()) return;  // the callback let go of this link
  }
}

void RedisLink::flush() {
  if (!ready_ || unsent_.empty()) return;
  if (!tls_) {
    write(std::exchange(unsent_, {}));
    return;
  }
  std::string wire;
  const net::OutChunk plain = net::OutChunk::literal(unsent_);
  const bool sealed = tls_->seal({&plain, 1}, wire);
  unsent_.clear();
  if (!sealed) {
    fail(tls_->failure());
    return;
  }
  write(std::move(wire));
}

void RedisLink::write(std::string wire) {
  auto* request = new WriteRequest{{}, std::move(wire)};
  request->request.data = request;
  uv_buf_t buffer = uv_buf_init(request->bytes.data(), static_cast<unsigned>(request->bytes.size()));
  ++writes_in_flight_;
  const int result = uv_write(&request->request, reinterpret_cast<uv_stream_t*>(&socket_->tcp), &buffer, 1,
                              [](uv_write_t* done, int status) {
                                auto* socket = static_cast<Socket*>(done->handle->data);
                                delete static_cast<WriteRequest*>(done->data);
                                if (socket->link) socket->link->on_written(status);
                              });
  if (result != 0) {
    delete request;
    --writes_in_flight_;
    fail(uv_strerror(result));
  }
}

void RedisLink::on_written(int status) {
  --writes_in_flight_;
  if (status < 0) fail(uv_strerror(status));
  else if (writes_in_flight_ == 0) flush();
}

void RedisLink::fail(const std::string& why) {
  const std::weak_ptr<bool> alive = alive_;
  end();
  if (!alive.expired()) down(why);
}

void RedisLink::end() {
  if (socket_) {
    socket_->link = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&socket_->tcp),
             [](uv_handle_t* handle) { delete static_cast<Socket*>(handle->data); });
    socket_ = nullptr;
  }
  ready_ = false;
  writes_in_flight_ = 0;
  unsent_.clear();
  const std::weak_ptr<bool> alive = alive_;
  for (Waiting& waiting : std::exchange(waiting_, {})) {
    (*waiting.on_reply)(nullptr);
    if (alive.expired()) return;
  }
}

void RedisLink::close() {
  closing_ = true;
  end();
}

void RedisLink::down(const std::string& why) {
  if (closing_) return;
  closing_ = true;
  if (on_down_) on_down_(why);
}

}  // namespace pushwire::broker

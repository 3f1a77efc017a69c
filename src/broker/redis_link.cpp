#include "broker/redis_link.h"

#include <chrono>
#include <memory>


namespace pushwire::broker {

namespace {

// hiredis's event hooks on a uv_poll_t. Unlike the adapter hiredis 0.14
// ships, a poll error is passed on as readiness, so that hiredis sees a
// failed connect (the shipped one ignores it and the connect never ends).
struct UvEvents {
  redisAsyncContext* context;
  uv_poll_t poll;
  int events = 0;
};

void on_poll(uv_poll_t* handle, int status, int events) {
  auto* e = static_cast<UvEvents*>(handle->data);
  const int ready = status < 0 ? e->events : events;
  if (e->context && (ready & UV_READABLE)) redisAsyncHandleRead(e->context);
  if (e->context && (ready & UV_WRITABLE)) redisAsyncHandleWrite(e->context);
}

void watch(void* data, int add, int remove) {
  auto* e = static_cast<UvEvents*>(data);
  e->events = (e->events | add) & ~remove;
  if (e->events) uv_poll_start(&e->poll, e->events, on_poll);
  else uv_poll_stop(&e->poll);
}

void cleanup(void* data) {
  auto* e = static_cast<UvEvents*>(data);
  e->context = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&e->poll), [](uv_handle_t* h) { delete static_cast<UvEvents*>(h->data); });
}

bool attach(redisAsyncContext* context, uv_loop_t* loop) {
  auto* e = new UvEvents{context, {}};
  if (uv_poll_init(loop, &e->poll, context->c.fd) != 0) {
    delete e;
    return false;
  }
  e->poll.data = e;
  context->ev.data = e;
  context->ev.addRead = [](void* d) { watch(d, UV_READABLE, 0); };
  context->ev.delRead = [](void* d) { watch(d, 0, UV_READABLE); };
  context->ev.addWrite = [](void* d) { watch(d, UV_WRITABLE, 0); };
  context->ev.delWrite = [](void* d) { watch(d, 0, UV_WRITABLE); };
  context->ev.cleanup = cleanup;
  return true;
}

void send_argv(redisAsyncContext* context, redisCallbackFn* callback, void* data,
               const std::vector<std::string_view>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (std::string_view a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  redisAsyncCommandArgv(context, callback, data, static_cast<int>(args.size()), argv.data(), lengths.data());
}

int64_t steady_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

// A command's callback: answered once, then freed.
void on_reply_once(redisAsyncContext*, void* reply, void* data) {
  std::unique_ptr<RedisLink::OnReply> on_reply(static_cast<RedisLink::OnReply*>(data));
  (*on_reply)(static_cast<redisReply*>(reply));
}

// A subscription's callback: answered for every message, freed when the
// connection ends (hiredis then answers it with no reply).
void on_reply_each(redisAsyncContext*, void* reply, void* data) {
  auto* on_reply = static_cast<RedisLink::OnReply*>(data);
  (*on_reply)(static_cast<redisReply*>(reply));
  if (!reply) delete on_reply;
}

}  // namespace

RedisLink::RedisLink(uv_loop_t* loop, RedisEndpoint endpoint, BrokerStats& stats, OnDown on_down)
    : loop_(loop), endpoint_(std::move(endpoint)), stats_(stats), on_down_(std::move(on_down)) {}

RedisLink::~RedisLink() {
  if (context_) {
    closing_ = true;
    context_->data = nullptr;
    redisAsyncFree(context_);  // answers what is still waiting with nullptr
  }
}

bool RedisLink::connect(std::string& error) {
  context_ = redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port);
  if (!context_ || context_->err) {
    error = context_ ? context_->errstr : "out of memory";
    if (context_) redisAsyncFree(context_);
    context_ = nullptr;
    return false;
  }
  if (!attach(context_, loop_)) {
    error = "cannot watch the Redis socket";
    redisAsyncFree(context_);
    context_ = nullptr;
    return false;
  }
  context_->data = this;
  redisAsyncSetConnectCallback(context_, on_connect);
  redisAsyncSetDisconnectCallback(context_, on_disconnect);
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
  if (!context_) {
    on_reply(nullptr);
    return;
  }
  sent_us_.push_back(steady_us());
  // hiredis answers every command, also with nullptr when the link goes, and
  // always while this link exists (it frees the context before it is gone).
  auto counted = [this, on_reply = std::move(on_reply)](redisReply* reply) {
    if (!sent_us_.empty()) {
      if (reply) stats_.round_trip(static_cast<uint64_t>(steady_us() - sent_us_.front()));
      sent_us_.pop_front();
    }
    on_reply(reply);
  };
  send_argv(context_, on_reply_once, new OnReply(std::move(counted)), args);
}

void RedisLink::subscribe(std::string_view channel, OnReply on_reply) {
  if (!context_) {
    on_reply(nullptr);
    return;
  }
  send_argv(context_, on_reply_each, new OnReply(std::move(on_reply)), {"SUBSCRIBE", channel});
}

void RedisLink::close() {
  closing_ = true;
  if (!context_) return;
  // From inside one of its callbacks hiredis frees the context once that
  // callback returns; this link lets go of it now either way.
  redisAsyncContext* context = context_;
  context_ = nullptr;
  context->data = nullptr;
  redisAsyncFree(context);
}

void RedisLink::down(const std::string& why) {
  if (closing_) return;
  closing_ = true;
  if (on_down_) on_down_(why);
}

void RedisLink::on_connect(const redisAsyncContext* context, int status) {
  auto* self = static_cast<RedisLink*>(context->data);
  if (!self || status == REDIS_OK) return;
  // hiredis frees the context after this callback.
  self->context_ = nullptr;
  self->down(context->errstr[0] ? context->errstr : "cannot connect");
}

void RedisLink::on_disconnect(const redisAsyncContext* context, int status) {
  auto* self = static_cast<RedisLink*>(context->data);
  if (!self) return;
  self->context_ = nullptr;
  self->down(status == REDIS_OK ? "the connection was closed" : (context->errstr[0] ? context->errstr : "connection lost"));
}

}  // namespace pushwire::broker

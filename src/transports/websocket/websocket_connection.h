#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/message.h"
#include "net/connection.h"
#include "transports/context.h"
#include "transports/websocket/websocket_dialect.h"
#include "util/slab_pool.h"
#include "ws/frame_parser.h"
#include "ws/permessage_deflate.h"

namespace pushwire::transports {

// A message's complete WebSocket frame in a dialect's encoding, plain and
// compressed; each is made once per message and shared by every connection.
struct WebSocketMessageFormats {
  const core::WireFormat* plain;
  const core::WireFormat* deflate;
};

// A WebSocket after the handshake, whatever its dialect: it reads frames and
// hands whole messages to the dialect, answers pings, runs the close
// handshake, sends heartbeat pings and closes a peer that stopped answering,
// compresses when permessage-deflate was agreed, and cuts off a peer whose
// unsent bytes pass --max-pending-bytes.
class WebSocketConnection final : public net::Connection::Handler,
                                  private ws::FrameParser::Sink,
                                  public util::SlabAllocated<WebSocketConnection> {
 public:
  // `connection`: the TCP connection, or an HTTP/2 stream (RFC 8441).
  WebSocketConnection(Context& context, net::ByteStream& connection, std::optional<ws::DeflateParams> deflate,
                      WebSocketMessageFormats formats);
  ~WebSocketConnection() override;

  // The dialect speaks for this connection from now on.
  void set_dialect(std::unique_ptr<WebSocketDialect> dialect) { dialect_ = std::move(dialect); }

  // For dialects: a complete frame of their own making.
  void send_frame(std::string frame);
  // A channel's message in the dialect's format: shared bytes, not copied.
  void send_message(const core::MessagePtr& message);
  // Sends a close frame with `code`, then closes.
  void close_with(std::uint16_t code, std::string_view reason);
  // Fetches into the cache what send_message will touch (for the fan-out walk).
  void prefetch_for_send() const {
    __builtin_prefetch(this);
    connection_.prefetch_for_write();
  }
  Context& context() const { return context_; }
  std::string peer() const { return connection_.peer(); }
  // Holds back what the peer sends (for a dialect that slows a client down).
  void pause_reading() { connection_.pause_reading(); }
  void resume_reading() { connection_.resume_reading(); }
  std::string peer_ip() const { return connection_.peer_ip(); }

  // net::Connection::Handler
  void on_read(std::string_view bytes) override;
  void on_tick(int64_t now_ms) override;
  void on_shutdown() override;

 private:
  // FrameParser::Sink
  void on_text(std::string_view message) override;
  void on_binary(std::string_view message) override;
  void on_ping(std::string_view payload) override;
  void on_pong(std::string_view payload) override;
  void on_close(std::uint16_t code, std::string_view reason) override;
  void on_protocol_error(std::uint16_t code, std::string_view reason) override;

  void after_send();

  // What send_message reads comes first, in the object's first cache line:
  // a fan-out to 10,000 connections is bound by cache misses, not instructions.
  Context& context_;
  net::ByteStream& connection_;
  const core::WireFormat* message_format_;
  bool closing_ = false;
  // Loop-clock seconds (heartbeats have one-second granularity anyway).
  uint32_t last_received_s_;
  uint32_t last_ping_s_;
  std::unique_ptr<WebSocketDialect> dialect_;
  ws::FrameParser parser_;
};

}  // namespace pushwire::transports

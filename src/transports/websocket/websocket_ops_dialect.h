#pragma once
#include "transports/websocket/websocket_channels.h"
#include "transports/websocket/websocket_json_dialect.h"
#include "transports/websocket/ws_op.h"
#include "util/slab_pool.h"

namespace pushwire::transports {

// GET /ws: one JSON op a text frame (subscribe, unsubscribe, publish, auth,
// ping), answered by ok, error and pong ops; any number of channels at once.
class OpsDialect final : public JsonDialect, public util::SlabAllocated<OpsDialect> {
 public:
  OpsDialect(WebSocketConnection& connection, auth::Credentials credentials);

  void on_text(std::string_view message) override;
  void on_binary(std::string_view message) override;

 private:
  void handle(const WsOp& op);
  // Answers with an ok op before the replay.
  void subscribe(const std::string& channel, const std::string* since, const std::string& ref);
  void unsubscribe(const std::string& channel, const std::string& ref);
  // {"op":"auth"}: answers ok or an error op; a fresh token resumes the
  // subscriptions it grants that its predecessor's expiry suspended, and
  // ends those it does not grant.
  void authenticate(const std::string& token, const std::string& key, const std::string& ref);
  // The token behind the subscriptions ran out: each of them is suspended
  // with an expired op, until an auth op brings a fresh one.
  void on_token_expired() override;

  WebSocketChannels channels_;
};

}  // namespace pushwire::transports

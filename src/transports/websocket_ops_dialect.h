#pragma once
#include "transports/websocket_json_dialect.h"
#include "transports/ws_op.h"
#include "util/slab_pool.h"

namespace pushwire::transports {

// GET /ws: one JSON op a text frame (subscribe, unsubscribe, publish, auth,
// ping), answered by ok, error and pong ops; any number of channels at once.
class OpsDialect final : public JsonDialect, public util::SlabAllocated<OpsDialect> {
 public:
  OpsDialect(WebSocketConnection& connection, auth::Credentials credentials)
      : JsonDialect(connection, std::move(credentials)) {}

  void on_text(std::string_view message) override;
  void on_binary(std::string_view message) override;

 private:
  void handle(const WsOp& op);
  void unsubscribe(const std::string& channel, const std::string& ref);
};

}  // namespace pushwire::transports

#pragma once
#include "net/connection.h"

namespace pushwire::http {

// Seconds a client turned away for overload is asked to wait (Retry-After).
inline constexpr int kOverloadRetryAfterS = 2;

// The handler of a connection over --max-connections or
// --max-connections-per-ip: it writes a complete 503 at once, without waiting
// for the request, and closes once the request has been read (so that the
// close is a FIN, not a reset that could lose the answer), or after one to
// two seconds without one.
class OverloadAnswer final : public net::Connection::Handler {
 public:
  OverloadAnswer(net::Connection& connection, std::string_view why);

  void on_read(std::string_view bytes) override;
  void on_tick(int64_t now_ms) override;
  void on_shutdown() override;

 private:
  net::Connection& connection_;
  int ticks_ = 0;
};

}  // namespace pushwire::http

#pragma once
#include <cstdint>
#include <vector>

namespace pushwire::net {

class Connection;

// Connections of one loop in a lingering close: the server has sent all it
// had and a FIN (shutdown of the write side), and reads and drops what the
// client may still send, so that the kernel does not answer that input with
// a reset that would destroy the response or close frame before the client
// read it. Whether more input is coming cannot be known (the kernel's buffer
// may be empty just now), so every close the server begins lingers. Each is
// closed when the client closes too, or cut at its deadline.
class Lingering {
 public:
  void set_duration_ms(int64_t ms) { duration_ms_ = ms; }
  int64_t duration_ms() const { return duration_ms_; }

  void add(Connection* connection, int64_t now_ms);
  void remove(Connection* connection);
  // Cuts the connections whose time is up.
  void expire(int64_t now_ms);

  // Lingering closes begun, all loops.
  static uint64_t started_total();

 private:
  struct Draining {
    Connection* connection;
    int64_t deadline_ms;
  };
  int64_t duration_ms_ = 2000;
  std::vector<Draining> draining_;
};

}  // namespace pushwire::net

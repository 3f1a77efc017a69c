#include "net/lingering.h"

#include <algorithm>
#include <atomic>

#include "net/connection.h"

namespace pushwire::net {

namespace {
std::atomic<uint64_t> g_started{0};
}

uint64_t Lingering::started_total() { return g_started.load(std::memory_order_relaxed); }

void Lingering::add(Connection* connection, int64_t now_ms) {
  g_started.fetch_add(1, std::memory_order_relaxed);
  draining_.push_back({connection, now_ms + duration_ms_});
}

void Lingering::remove(Connection* connection) {
  std::erase_if(draining_, [&](const Draining& d) { return d.connection == connection; });
}

void Lingering::expire(int64_t now_ms) {
  std::vector<Connection*> due;
  for (const Draining& d : draining_)
    if (d.deadline_ms <= now_ms) due.push_back(d.connection);
  for (Connection* connection : due) connection->abort();  // which removes it
}

}  // namespace pushwire::net

#include "core/session_registry.h"

#include <vector>

#include "core/session_id.h"

namespace pushwire::core {

bool SessionRegistry::add(Session& session) {
  size_t open = count_.open.load(std::memory_order_relaxed);
  do {
    if (open >= count_.max) return false;
  } while (!count_.open.compare_exchange_weak(open, open + 1, std::memory_order_relaxed));
  // 132 random bits: a collision is not a practical concern, but costs nothing to rule out.
  do {
    const std::string id = make_session_id(thread_);
    id.copy(session.id_.data(), kSessionIdLength);
  } while (!sessions_.emplace(session.id(), &session).second);
  return true;
}

void SessionRegistry::remove(Session& session) {
  if (session.id().empty() || !sessions_.erase(session.id())) return;
  session.id_.fill('\0');
  count_.open.fetch_sub(1, std::memory_order_relaxed);
}

Session* SessionRegistry::find(std::string_view id) const {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

void SessionRegistry::shut_down() {
  std::vector<Session*> open;
  open.reserve(sessions_.size());
  for (const auto& [id, session] : sessions_) open.push_back(session);
  for (Session* session : open) session->on_shutdown();
}

}  // namespace pushwire::core

#pragma once
#include <atomic>
#include <cstddef>
#include <string_view>
#include <unordered_map>

#include "core/session.h"

namespace pushwire::core {

// How many sessions are open on all threads, against --max-sessions.
struct SessionCount {
  explicit SessionCount(size_t max) : max(max) {}
  std::atomic<size_t> open{0};
  const size_t max;
};

// The sessions of one worker thread, by id. Only that thread uses it; a
// request for a session of another thread is posted there (the id names the
// thread). Sessions are owned elsewhere and remove themselves when they end.
class SessionRegistry {
 public:
  SessionRegistry(unsigned thread, SessionCount& count) : thread_(thread), count_(count) {}
  SessionRegistry(const SessionRegistry&) = delete;
  SessionRegistry& operator=(const SessionRegistry&) = delete;

  // Gives `session` a new id of this thread and registers it; false (and no
  // id) when the server already has its maximum of sessions open.
  bool add(Session& session);
  void remove(Session& session);
  Session* find(std::string_view id) const;
  // The server is stopping: tells every session (which may remove itself).
  void shut_down();

  unsigned thread() const { return thread_; }
  size_t size() const { return sessions_.size(); }

 private:
  unsigned thread_;
  SessionCount& count_;
  // Keyed by a view of the session's own id, which lives as long as its entry.
  std::unordered_map<std::string_view, Session*> sessions_;
};

}  // namespace pushwire::core

#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/session_id.h"

namespace pushwire::core {

// A client's request to change its session's channels.
struct SessionOp {
  enum class Kind { subscribe, unsubscribe };
  Kind kind = Kind::subscribe;
  std::string channel;
  std::optional<std::string> since;  // subscribe: the channel's own cursor
  std::string ref;                   // the client's ref as JSON text, echoed as is; empty when none
  int64_t expires_at_ms = 0;         // subscribe: when the client's permission for it ends (0: never)
};

// What came of an op: `code` is empty when it was done.
struct SessionOpResult {
  std::string ref;
  std::string code;
  std::string message;
};

// A client's session: what outlives one HTTP exchange and lets later
// requests (ops that add or remove channels) reach the client's carrier. It
// is owned by one worker thread and addressed by an unguessable id, which
// the thread's SessionRegistry gives it. How it carries its channels is the
// technique's; the core keeps what every technique shares.
class Session {
 public:
  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  virtual ~Session() = default;

  // Empty until registered; NUL-terminated, for a log label that is one pointer.
  std::string_view id() const { return id_[0] ? std::string_view(id_.data(), kSessionIdLength) : std::string_view(); }
  const char* id_c_str() const { return id_.data(); }

  // Called on the owner thread only.
  virtual SessionOpResult apply(const SessionOp& op) = 0;
  // The server is stopping. A session carried by one response ends with it;
  // one that outlives its requests ends here.
  virtual void on_shutdown() {}

  std::string subject;  // the client's identity (a token's `sub`), empty when anonymous

 private:
  friend class SessionRegistry;
  // Inline, not a std::string: the id's characters would take a heap block of
  // their own in every session, idle ones included.
  std::array<char, kSessionIdLength + 1> id_{};
};

}  // namespace pushwire::core

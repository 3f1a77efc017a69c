#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace pushwire::core {

// A session id: two base64url characters naming the worker thread that owns
// the session, then 22 of 132 random bits, so that it cannot be guessed.
// A request for the session may land on any thread; the id says where to
// send it without a shared table.
inline constexpr size_t kSessionIdLength = 24;
inline constexpr unsigned kMaxSessionThreads = 64 * 64;

std::string make_session_id(unsigned owner_thread);

// The owner thread named by a well-formed id, else nothing.
std::optional<unsigned> session_owner(std::string_view id);

}  // namespace pushwire::core

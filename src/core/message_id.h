#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pushwire::core {

// Message ids are "<run>-<seq>": `run` is a token drawn when the server starts,
// `seq` the message's place in this run's publish order. An id from an earlier
// run (or anything else that is not ours) is therefore recognised as unknown
// instead of being misread as a position. Clients treat ids as opaque.
// "<run>-0" names the position before the run's first message: the cursor an
// empty channel gives a poller before anything was published.
class IdScheme {
 public:
  IdScheme();                                  // a fresh random run token
  explicit IdScheme(std::string run_token);    // for tests
  std::string make_id(uint64_t seq) const;
  std::optional<uint64_t> parse(std::string_view id) const;
  const std::string& run_token() const { return run_; }

 private:
  std::string run_;
};

// What a `since` id names: a place in one channel (v1), or on a
// multi-channel stream, a place in the publish order that every channel of
// the stream resumes after. Ids share one sequence across channels, so an id
// from any channel works as such a stream cursor.
enum class CursorScope { channel, stream };

// What a client may send as `since` (or Last-Event-ID): 0, or anything shaped
// like an id (1 to 64 of A-Z a-z 0-9 _ . : -), an unknown one being a gap,
// but not "null" or "undefined": a client's missing cursor turned into text,
// which must not pass for an id.
bool is_valid_since(std::string_view since);
inline constexpr std::string_view kSinceRule =
    "an id from last_id or a message (1 to 64 of A-Z a-z 0-9 _ . : -), or 0 for everything kept; "
    "leave it out for new messages only";

// Where a subscriber wants to start.
struct Cursor {
  enum class Kind {
    newest,   // no `since`: only messages published from now on
    oldest,   // since=0: everything still kept
    after,    // since=ID of this run: what came after seq
    unknown,  // an id we cannot place: everything kept, with a gap signal
  };
  Kind kind = Kind::newest;
  uint64_t seq = 0;
  CursorScope scope = CursorScope::channel;

  static Cursor parse(const std::string* since, const IdScheme& ids, CursorScope scope = CursorScope::channel);
};

}  // namespace pushwire::core

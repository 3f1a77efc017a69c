#include "util/utf8.h"

#include <array>
#include <cstring>

namespace pushwire::util {

namespace {

// A byte-class DFA. Each class groups the bytes that every state treats alike;
// the lead bytes E0, ED, F0 and F4 get classes of their own because they narrow
// the range of the byte that follows (to exclude overlongs, surrogates and
// code points above U+10FFFF).
enum Class : std::uint8_t {
  kAscii,        // 00..7F
  kCont80,       // 80..8F
  kCont90,       // 90..9F
  kContA0,       // A0..BF
  kLead2,        // C2..DF
  kLeadE0,       // E0
  kLead3,        // E1..EC, EE..EF
  kLeadED,       // ED
  kLeadF0,       // F0
  kLead4,        // F1..F3
  kLeadF4,       // F4
  kInvalid,      // C0, C1, F5..FF
};
constexpr int kClassCount = kInvalid + 1;

enum State : std::uint8_t {
  kAccept,  // must stay 0: Utf8Validator::kAccept
  kReject,
  kNeed1,   // one more 80..BF
  kNeed2,   // two more 80..BF
  kNeed3,   // three more 80..BF
  kAfterE0, // A0..BF, then one more
  kAfterED, // 80..9F, then one more
  kAfterF0, // 90..BF, then two more
  kAfterF4, // 80..8F, then two more
};
constexpr int kStateCount = kAfterF4 + 1;

constexpr std::array<std::uint8_t, 256> kClassOf = [] {
  std::array<std::uint8_t, 256> c{};
  for (int b = 0; b < 256; ++b) {
    if (b < 0x80) c[b] = kAscii;
    else if (b < 0x90) c[b] = kCont80;
    else if (b < 0xa0) c[b] = kCont90;
    else if (b < 0xc0) c[b] = kContA0;
    else if (b < 0xc2) c[b] = kInvalid;
    else if (b < 0xe0) c[b] = kLead2;
    else if (b == 0xe0) c[b] = kLeadE0;
    else if (b == 0xed) c[b] = kLeadED;
    else if (b < 0xf0) c[b] = kLead3;
    else if (b == 0xf0) c[b] = kLeadF0;
    else if (b < 0xf4) c[b] = kLead4;
    else if (b == 0xf4) c[b] = kLeadF4;
    else c[b] = kInvalid;
  }
  return c;
}();

constexpr std::array<std::uint8_t, kStateCount * kClassCount> kNext = [] {
  std::array<std::uint8_t, kStateCount * kClassCount> t{};
  for (auto& s : t) s = kReject;
  auto set = [&t](State from, Class c, State to) { t[from * kClassCount + c] = to; };
  set(kAccept, kAscii, kAccept);
  set(kAccept, kLead2, kNeed1);
  set(kAccept, kLeadE0, kAfterE0);
  set(kAccept, kLead3, kNeed2);
  set(kAccept, kLeadED, kAfterED);
  set(kAccept, kLeadF0, kAfterF0);
  set(kAccept, kLead4, kNeed3);
  set(kAccept, kLeadF4, kAfterF4);
  for (Class c : {kCont80, kCont90, kContA0}) {
    set(kNeed1, c, kAccept);
    set(kNeed2, c, kNeed1);
    set(kNeed3, c, kNeed2);
  }
  set(kAfterE0, kContA0, kNeed1);
  set(kAfterED, kCont80, kNeed1);
  set(kAfterED, kCont90, kNeed1);
  set(kAfterF0, kCont90, kNeed2);
  set(kAfterF0, kContA0, kNeed2);
  set(kAfterF4, kCont80, kNeed2);
  return t;
}();

// Skips the run of ASCII bytes at the start of [p, end), eight at a time.
const unsigned char* skip_ascii(const unsigned char* p, const unsigned char* end) {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ull;
  while (end - p >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    if (word & kHighBits) break;
    p += 8;
  }
  while (p < end && *p < 0x80) ++p;
  return p;
}

}  // namespace

bool Utf8Validator::feed(std::string_view chunk) {
  static_assert(Utf8Validator::kAccept == State::kAccept);
  auto p = reinterpret_cast<const unsigned char*>(chunk.data());
  const auto end = p + chunk.size();
  std::uint8_t state = state_;
  if (state == kReject) return false;
  while (p < end) {
    if (state == kAccept) {
      p = skip_ascii(p, end);
      if (p == end) break;
    }
    state = kNext[state * kClassCount + kClassOf[*p++]];
    if (state == kReject) break;
  }
  state_ = state;
  return state != kReject;
}

bool is_valid_utf8(std::string_view text) {
  Utf8Validator validator;
  return validator.feed(text) && validator.complete();
}

}  // namespace pushwire::util

#include "core/message_id.h"

#include <algorithm>
#include <random>

#include "util/whole_number.h"

namespace pushwire::core {

namespace {
std::string random_token() {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device device;
  std::mt19937_64 rng((static_cast<uint64_t>(device()) << 32) ^ device());
  std::string token(8, '0');
  for (char& c : token) c = kAlphabet[rng() % 36];
  return token;
}
}  // namespace

IdScheme::IdScheme() : run_(random_token()) {}
IdScheme::IdScheme(std::string run_token) : run_(std::move(run_token)) {}

std::string IdScheme::make_id(uint64_t seq) const {
  std::string id = run_;
  id += '-';
  id += std::to_string(seq);
  return id;
}

std::optional<uint64_t> IdScheme::parse(std::string_view id) const {
  if (id.size() <= run_.size() + 1 || id.substr(0, run_.size()) != run_ || id[run_.size()] != '-')
    return std::nullopt;
  const std::string_view digits = id.substr(run_.size() + 1);
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
  uint64_t seq = 0;
  if (!util::parse_whole_number(digits, seq)) return std::nullopt;
  return seq;
}

bool is_valid_since(std::string_view since) {
  const bool id_shaped = !since.empty() && since.size() <= 64 && std::all_of(since.begin(), since.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == ':' || c == '-';
  });
  return id_shaped && since != "null" && since != "undefined";
}

Cursor Cursor::parse(const std::string* since, const IdScheme& ids, CursorScope scope) {
  if (!since) return {Kind::newest, 0, scope};
  if (*since == "0") return {Kind::oldest, 0, scope};
  if (auto seq = ids.parse(*since)) return {Kind::after, *seq, scope};
  return {Kind::unknown, 0, scope};
}

}  // namespace pushwire::core

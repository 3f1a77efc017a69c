#include "http/url.h"

#include <algorithm>
#include <cctype>

namespace pushwire::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool starts_with_ignoring_case(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char p, char c) {
           return p == std::tolower(static_cast<unsigned char>(c));
         });
}

bool equals_ignoring_case(std::string_view s, std::string_view lower) {
  return s.size() == lower.size() && starts_with_ignoring_case(s, lower);
}

// The part of an absolute-form target after its authority, or nullopt if it is not one.
std::optional<std::string_view> strip_scheme_and_authority(std::string_view target) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (!starts_with_ignoring_case(target, scheme)) continue;
    std::string_view rest = target.substr(scheme.size());
    size_t authority_end = std::min(rest.find_first_of("/?"), rest.size());
    if (authority_end == 0) return std::nullopt;
    return rest.substr(authority_end);
  }
  return std::nullopt;
}

}  // namespace

std::optional<TargetParts> split_target(std::string_view target) {
  target = target.substr(0, target.find('#'));
  if (!target.starts_with('/')) {
    auto rest = strip_scheme_and_authority(target);
    if (!rest) return std::nullopt;
    target = *rest;
  }
  size_t query_start = target.find('?');
  TargetParts parts{target.substr(0, query_start), {}};
  if (query_start != std::string_view::npos) parts.query = target.substr(query_start + 1);
  if (parts.path.empty()) parts.path = "/";
  return parts;
}

std::optional<std::string> percent_decode(std::string_view encoded, bool plus_as_space) {
  std::string out;
  out.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c == '%') {
      if (i + 2 >= encoded.size()) return std::nullopt;
      int high = hex_value(encoded[i + 1]);
      int low = hex_value(encoded[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> decode_path(std::string_view encoded) {
  auto path = percent_decode(encoded, false);
  if (!path || path->find('\0') != std::string::npos) return std::nullopt;
  return path;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(
    std::string_view encoded) {
  std::vector<std::pair<std::string, std::string>> params;
  while (!encoded.empty()) {
    size_t piece_end = std::min(encoded.find('&'), encoded.size());
    std::string_view piece = encoded.substr(0, piece_end);
    encoded.remove_prefix(std::min(piece_end + 1, encoded.size()));
    if (piece.empty()) continue;
    size_t equals = piece.find('=');
    auto name = percent_decode(piece.substr(0, equals), true);
    auto value = percent_decode(
        equals == std::string_view::npos ? std::string_view{} : piece.substr(equals + 1), true);
    if (!name || !value) return std::nullopt;
    params.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

std::string redacted_target(std::string_view target) {
  const size_t query_start = target.find('?');
  if (query_start == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, query_start + 1));
  std::string_view rest = target.substr(query_start + 1);
  while (true) {
    const size_t piece_end = std::min(rest.find('&'), rest.size());
    const std::string_view piece = rest.substr(0, piece_end);
    const size_t equals = piece.find('=');
    const std::string_view raw_name = piece.substr(0, equals);
    const auto name = percent_decode(raw_name, true);
    const bool secret = name && (equals_ignoring_case(*name, "key") || equals_ignoring_case(*name, "token"));
    out += secret && equals != std::string_view::npos ? std::string(raw_name) + "=***" : std::string(piece);
    if (piece_end == rest.size()) return out;
    out += '&';
    rest.remove_prefix(piece_end + 1);
  }
}

}  // namespace pushwire::http

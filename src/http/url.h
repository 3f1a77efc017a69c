#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pushwire::http {

// The still percent-encoded path and query of a request-target.
struct TargetParts {
  std::string_view path;
  std::string_view query;
};

// Splits an origin-form ("/a?b") or absolute-form ("http://host/a?b") request-target;
// absolute-form is reduced to its path ("/" when it has none). A fragment is dropped.
// Returns nullopt for any other form.
std::optional<TargetParts> split_target(std::string_view target);

// Decodes %XX escapes, and '+' as a space when plus_as_space (query strings).
// Returns nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view encoded, bool plus_as_space);

// percent_decode for a path, which also rejects an encoded NUL.
std::optional<std::string> decode_path(std::string_view encoded);

// Splits "a=1&b=&c" into decoded name/value pairs, in order; empty pieces are skipped and a
// piece without '=' has an empty value. Returns nullopt on a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(
    std::string_view encoded);

// The request-target for a log line: the values of query parameters that carry
// secrets (key, token, in any case, encoded or not) replaced by "***".
std::string redacted_target(std::string_view target);

}  // namespace pushwire::http

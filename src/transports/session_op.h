#pragma once
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/session.h"
#include "http/request.h"

namespace pushwire::transports {

// One op of a request: the op, or why it is not one (answered in its place;
// the other ops of the request are still done).
using ParsedOp = std::variant<core::SessionOp, core::SessionOpResult>;

// Why a whole request is refused (400 bad_request).
struct OpsError {
  std::string message;
};

// The body of POST /session/{id}: one op object, or an array of at most
// `max_ops` of them:
//   {"op":"subscribe","channel":C,"since":ID?,"ref":N?}, {"op":"unsubscribe","channel":C,"ref":N?}
std::variant<std::vector<ParsedOp>, OpsError> parse_session_ops(std::string_view body, size_t max_ops);

// The query of GET /session/{id}/op: op=subscribe&channel=C[&since=ID][&ref=N].
ParsedOp parse_session_op_query(const http::Request& request);

// {"ref":N,"ok":true} or {"ref":N,"error":CODE,"message":TEXT}; no "ref" when the op had none.
std::string session_result_json(const core::SessionOpResult& result);

}  // namespace pushwire::transports

#include "http/request_parser.h"

#include <llhttp.h>

#include <algorithm>
#include <cassert>
#include <utility>

#include "http/url.h"

namespace pushwire::http {
namespace {

std::string to_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  return s;
}

std::string trim_ows(std::string_view s) {
  size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return std::string(s.substr(begin, s.find_last_not_of(" \t") - begin + 1));
}

// llhttp lets spaces into header names unless built in strict mode; RFC 9110 allows only tchar.
bool is_token(std::string_view s) {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           kSymbols.find(c) != std::string_view::npos;
  });
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
  });
}

// Whether the client waits for a 100 (Continue) before sending the body (RFC 9110 10.1.1).
// Expect is a list; members other than 100-continue are left alone. An HTTP/1.0 client
// cannot expect it, so it is ignored there.
bool expects_100_continue(const Request& request) {
  if (request.http_major != 1 || request.http_minor == 0) return false;
  for (const Header& h : request.headers) {
    if (h.name != "expect") continue;
    std::string_view list = h.value;
    while (!list.empty()) {
      size_t comma = list.find(',');
      if (equals_ignoring_case(trim_ows(list.substr(0, comma)), "100-continue")) return true;
      list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
    }
  }
  return false;
}

// What would let a lenient proxy in front and this server disagree on where
// a request ends or which site it is for: a missing or repeated Host on
// HTTP/1.1 (RFC 9112 3.2), and Transfer-Encoding on HTTP/1.0, whose framing
// must be treated as faulty (RFC 9112 6.1).
std::string_view check_framing_and_host(const Request& request) {
  const size_t hosts = request.header_count("host");
  if (hosts > 1) return "Host appears more than once";
  if (request.http_minor >= 1 && hosts == 0) return "HTTP/1.1 requests need a Host header";
  if (request.http_minor == 0 && request.header("transfer-encoding")) return "HTTP/1.0 requests cannot use Transfer-Encoding";
  return {};
}

RequestParser::Result progress(size_t consumed, bool request_ready) {
  RequestParser::Result result;
  result.consumed = consumed;
  result.request_ready = request_ready;
  return result;
}

}  // namespace

struct RequestParser::State {
  enum class Phase { head, body, complete };

  explicit State(ParserLimits limits) : limits(limits) {
    llhttp_init(&llhttp, HTTP_REQUEST, &settings());
    llhttp.data = this;
  }

  ParserLimits limits;
  llhttp_t llhttp;
  Phase phase = Phase::head;
  size_t head_bytes = 0;  // raw bytes of the current request up to the end of its headers
  size_t body_bytes = 0;  // raw bytes after them: the body with any chunk framing and trailers
  Request request;
  std::string field, value;  // the header being read
  bool chunk_over_limit = false;  // on_chunk_header stopped llhttp
  // llhttp joins obs-fold continuation lines into the value; the raw head is
  // watched for a line that starts with whitespace instead.
  bool folded_line = false;
  char last_head_byte = 0;

  void watch_head(std::string_view raw) {
    for (char c : raw) {
      if (last_head_byte == '\n' && (c == ' ' || c == '\t')) folded_line = true;
      last_head_byte = c;
    }
  }
  Result failure;                 // once set, the answer to every later feed

  Result fail(size_t consumed, ParseError error, std::string_view reason) {
    failure = {};
    failure.consumed = consumed;
    failure.error = error;
    failure.error_reason = reason;
    return failure;
  }

  // Checks what llhttp leaves to us and fills in path and query.
  // Returns why the request is bad, or an empty string.
  std::string_view finish_head() {
    if (request.http_major != 1) return "unsupported HTTP version";
    for (const Header& h : request.headers) {
      if (!is_token(h.name)) return "invalid header name";
    }
    if (folded_line) return "a header line continued by obs-fold (leading whitespace)";
    if (auto reason = check_framing_and_host(request); !reason.empty()) return reason;
    if (request.target == "*") {
      if (request.method != "OPTIONS") return "request-target * is only for OPTIONS";
      request.path = "*";
      return {};
    }
    auto parts = split_target(request.target);
    if (!parts) return "request-target is not in origin-form";
    auto path = decode_path(parts->path);
    if (!path) return "invalid percent-encoding in path";
    auto query = parse_query(parts->query);
    if (!query) return "invalid percent-encoding in query";
    request.path = std::move(*path);
    request.query = std::move(*query);
    return {};
  }

  static State& of(llhttp_t* p) { return *static_cast<State*>(p->data); }

  static int on_url(llhttp_t* p, const char* at, size_t length) {
    of(p).request.target.append(at, length);
    return 0;
  }

  // Header callbacks after the head come from chunked trailers, which are dropped.
  static int on_header_field(llhttp_t* p, const char* at, size_t length) {
    State& s = of(p);
    if (s.phase == Phase::head) s.field.append(at, length);
    return 0;
  }

  static int on_header_value(llhttp_t* p, const char* at, size_t length) {
    State& s = of(p);
    if (s.phase == Phase::head) s.value.append(at, length);
    return 0;
  }

  static int on_header_value_complete(llhttp_t* p) {
    State& s = of(p);
    if (s.phase == Phase::head) {
      s.request.headers.push_back({to_lower(std::move(s.field)), trim_ows(s.value)});
    }
    s.field.clear();
    s.value.clear();
    return 0;
  }

  // Pauses so that feed can check the head before any of the body is read.
  static int on_headers_complete(llhttp_t* p) {
    State& s = of(p);
    s.request.method = llhttp_method_name(static_cast<llhttp_method_t>(p->method));
    s.request.http_major = p->http_major;
    s.request.http_minor = p->http_minor;
    s.request.upgrade = p->upgrade;
    s.phase = Phase::body;
    return HPE_PAUSED;
  }

  static int on_chunk_header(llhttp_t* p) {
    State& s = of(p);
    if (p->content_length > s.limits.max_body_bytes - s.request.body.size()) {
      s.chunk_over_limit = true;
      return -1;
    }
    return 0;
  }

  static int on_body(llhttp_t* p, const char* at, size_t length) {
    of(p).request.body.append(at, length);
    return 0;
  }

  // Pauses after each request; llhttp pauses by itself after an upgrade request.
  static int on_message_complete(llhttp_t* p) {
    State& s = of(p);
    s.request.keep_alive = llhttp_should_keep_alive(p);
    s.phase = Phase::complete;
    return p->upgrade ? HPE_OK : HPE_PAUSED;
  }

  static const llhttp_settings_t& settings() {
    static const llhttp_settings_t settings = [] {
      llhttp_settings_t s;
      llhttp_settings_init(&s);
      s.on_url = on_url;
      s.on_header_field = on_header_field;
      s.on_header_value = on_header_value;
      s.on_header_value_complete = on_header_value_complete;
      s.on_headers_complete = on_headers_complete;
      s.on_chunk_header = on_chunk_header;
      s.on_body = on_body;
      s.on_message_complete = on_message_complete;
      return s;
    }();
    return settings;
  }
};

RequestParser::RequestParser(ParserLimits limits) : limits_(limits) {}
RequestParser::RequestParser(RequestParser&&) noexcept = default;
RequestParser& RequestParser::operator=(RequestParser&&) noexcept = default;
RequestParser::~RequestParser() = default;

RequestParser::State& RequestParser::state() {
  if (!state_) state_ = std::make_unique<State>(limits_);
  return *state_;
}

RequestParser::Result RequestParser::feed(std::string_view bytes) {
  using Phase = State::Phase;
  if (!state_ && bytes.empty()) return progress(0, false);
  State& s = state();
  if (s.failure.error != ParseError::none) {
    Result again = s.failure;
    again.consumed = 0;
    return again;
  }
  if (s.phase == Phase::complete) return progress(0, true);
  if (bytes.empty()) return progress(0, false);

  size_t offset = 0;
  bool continue_expected = false;  // the head completed in this feed and asks for a 100
  for (;;) {
    Phase phase = s.phase;
    std::string_view input = bytes.substr(offset);
    // llhttp gets at most one byte past the head limit, so an oversized head is refused
    // without reading the rest of it.
    if (phase == Phase::head) {
      input = input.substr(0, s.limits.max_header_bytes - s.head_bytes + 1);
    }
    llhttp_errno_t err = llhttp_execute(&s.llhttp, input.data(), input.size());
    size_t used = err == HPE_OK ? input.size() : llhttp_get_error_pos(&s.llhttp) - input.data();
    offset += used;

    if (err != HPE_OK && err != HPE_PAUSED && err != HPE_PAUSED_UPGRADE) {
      if (s.chunk_over_limit) {
        return s.fail(offset, ParseError::body_too_large, "request body too large");
      }
      return s.fail(offset, ParseError::bad_request, llhttp_get_error_reason(&s.llhttp));
    }
    (phase == Phase::head ? s.head_bytes : s.body_bytes) += used;
    if (phase == Phase::head) s.watch_head(input.substr(0, used));
    if (s.head_bytes > s.limits.max_header_bytes) {
      return s.fail(offset, ParseError::headers_too_large, "request headers too large");
    }
    // Chunk sizes, extensions and trailers may add at most max_header_bytes to a body.
    if (s.body_bytes > s.limits.max_body_bytes + s.limits.max_header_bytes) {
      return s.fail(offset, ParseError::body_too_large, "chunked body framing too large");
    }

    if (err == HPE_OK) {
      Result result = progress(offset, false);
      result.expects_continue = continue_expected && s.phase == Phase::body;
      return result;
    }
    if (s.phase == Phase::complete) return progress(offset, true);

    // Paused at the end of the head.
    if (auto reason = s.finish_head(); !reason.empty()) {
      return s.fail(offset, ParseError::bad_request, reason);
    }
    if ((s.llhttp.flags & F_CONTENT_LENGTH) &&
        s.llhttp.content_length > s.limits.max_body_bytes) {
      return s.fail(offset, ParseError::body_too_large, "request body too large");
    }
    continue_expected = expects_100_continue(s.request);
    llhttp_resume(&s.llhttp);
  }
}

Request RequestParser::take_request() {
  assert(state_ && state_->phase == State::Phase::complete);
  Request request = std::move(state_->request);
  state_.reset();  // the next request's first byte makes a fresh one
  return request;
}

bool RequestParser::reading_head() const {
  return state_ && state_->phase == State::Phase::head && state_->head_bytes > 0;
}

}  // namespace pushwire::http

#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pushwire::app {

// Everything the command line and the --config file can set. parse_options
// returns these validated, so the rest of the server can trust them.
struct Options {
  std::string listen_host = "127.0.0.1";  // IPv4 or IPv6 literal, IPv6 without brackets
  uint16_t listen_port = 8080;            // 0 = any free port
  unsigned threads = 0;                   // 0 → number of cores, resolved by parse_options
  std::vector<std::string> allow_origins = {"*"};
  std::string publish_key;                // empty = publishing needs no key
  size_t history = 100;
  double history_ttl_s = 300;
  double heartbeat_s = 15;
  size_t max_message_bytes = 65536;
  std::string redis_url;                  // empty = in-memory broker
  std::string redis_ca;                   // PEM CAs for rediss://; empty = the system's
  double redis_last_id_ttl_s = 86400;     // how long Redis remembers a channel's newest id
  std::string static_dir;                 // empty = built-in demo
  size_t static_max_bytes = 64 << 20;     // largest file --static serves
  size_t max_pending_bytes = 1 << 20;     // unsent bytes a subscriber may have before it is cut off
  double idle_timeout_s = 60;             // keep-alive connection with no request in flight
  double linger_s = 2;                    // lingering close: how long input is drained after a close
  double header_timeout_s = 10;           // from a request's first byte to the end of its headers
  int64_t max_connections = 0;            // 0 → the open-file limit less a margin, resolved at start
  int64_t max_connections_per_ip = 0;     // 0 = no limit
  size_t max_channels_per_client = 256;
  double publish_rate = 0;                // publishes a second per client address; 0 = no limit
  size_t history_bytes = size_t{256} << 20;  // all channels' kept messages together
  bool ws_deflate = true;
  std::string tls_cert;                   // empty = plain HTTP; set together with tls_key
  std::string tls_key;
  double tls_handshake_timeout_s = 10;    // a TLS connection must finish its handshake within this
  bool http2 = true;                      // ALPN h2 over TLS, prior-knowledge h2c on plain listeners
  unsigned http2_max_streams = 128;       // concurrent streams per HTTP/2 connection
  size_t max_sessions = 100'000;          // sessions open on the whole server
  size_t max_session_buffer_bytes = 1 << 20;  // a poll session's messages kept between polls
  double session_grace_s = 30;                // a poll session's life after its last answered poll
  std::string log_level = "info";         // error, warn, info or debug
  int log_rate = 10;                      // lines a second per kind of client-caused log line
  // Access control: on with a secret or a public key, never both.
  std::string jwt_secret;
  std::string jwt_public_key_pem;          // the contents of --jwt-public-key FILE, checked
  std::string jwt_issuer;
  std::string jwt_audience;
  std::vector<std::string> public_channels;
  size_t max_token_bytes = 8192;
};

struct ParseResult {
  enum class Action { run, help, version, error } action;
  Options options;      // meaningful when action is run
  std::string message;  // help text, version line, or what was wrong
};

// Reads the flags in argv (argv[0] is the program name) and the TOML file of
// --config if one is given; a flag on the command line wins over the file,
// which wins over the environment (PUSHWIRE_JWT_SECRET).
ParseResult parse_options(int argc, const char* const* argv);

std::string help_text();

}  // namespace pushwire::app

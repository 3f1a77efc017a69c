#include "app/options.h"

#include <arpa/inet.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string_view>
#include <thread>
#include <utility>
#include <variant>

#include "auth/channel_pattern.h"
#include "auth/verification_key.h"
#include "broker/redis_url.h"
#include "util/log.h"
#include "util/whole_number.h"

namespace pushwire::app {
namespace {

using util::concat;

constexpr std::string_view kVersion = "0.1.0";
constexpr unsigned kMaxThreads = 256;
// Keeps the millisecond timers that seconds become far from overflowing.
constexpr int64_t kMaxSeconds = 365 * 24 * 3600;

// What went wrong with a value, or nothing when it was taken.
using Error = std::optional<std::string>;

// How a flag's value is written; it decides how the value is read from the
// command line and which TOML types the config file may use for it.
enum class Kind { text, text_list, integer, seconds, rate, toggle };

using Value = std::variant<std::string, std::vector<std::string>, int64_t, double, bool>;

struct Flag {
  std::string_view name;
  std::string_view metavar;  // empty for toggles, which take no value
  Kind kind;
  std::function<Error(Options&, const Value&)> set;
};

template <typename Field>
Error set_integer(Field& field, int64_t value, int64_t min, int64_t max) {
  if (value < min || value > max) return concat(value, " is out of range (", min, " to ", max, ")");
  field = static_cast<Field>(value);
  return {};
}

Error set_rate(double& field, double value) {
  if (!(value >= 0) || value > 1'000'000) return concat(value, " is out of range (0 to 1000000 a second)");
  field = value;
  return {};
}

Error set_seconds(double& field, double value) {
  if (!(value > 0) || value > kMaxSeconds)
    return concat(value, " is out of range (more than 0, at most ", kMaxSeconds, " seconds)");
  field = value;
  return {};
}

std::optional<uint16_t> parse_port(std::string_view text) {
  unsigned port = 0;
  if (!util::parse_whole_number(text, port) || port > 65535) return {};
  return static_cast<uint16_t>(port);
}

Error set_listen(Options& options, const std::string& text) {
  const auto usage = [&](std::string_view why) {
    return concat("'", text, "' ", why, " (for example 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080)");
  };
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return usage("is not HOST:PORT");
  std::string host = text.substr(0, colon);
  int family = AF_INET;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    family = AF_INET6;
  } else if (host.find(':') != std::string::npos) {
    return usage("has an IPv6 address without brackets");
  }
  if (host == "localhost") host = "127.0.0.1";
  unsigned char address[sizeof(in6_addr)];
  if (inet_pton(family, host.c_str(), address) != 1)
    return usage(family == AF_INET6 ? "does not have a valid IPv6 address"
                                    : "does not start with an IPv4 address, a bracketed IPv6 address or localhost");
  const auto port = parse_port(std::string_view(text).substr(colon + 1));
  if (!port) return usage("does not end with a port number from 0 to 65535");
  options.listen_host = host;
  options.listen_port = *port;
  return {};
}

// An Origin header is scheme://host[:port]; a path or a trailing slash would
// never match one, so it is refused here rather than silently never allowed.
Error add_origin(Options& options, const std::string& origin) {
  const auto scheme_end = origin.find("://");
  const bool printable = std::all_of(origin.begin(), origin.end(), [](char c) { return c > ' ' && c < 0x7f; });
  const bool is_origin = scheme_end != std::string::npos && scheme_end > 0 && scheme_end + 3 < origin.size() &&
                         origin.find_first_of("/?#", scheme_end + 3) == std::string::npos;
  if (origin != "*" && !(printable && is_origin))
    return concat("'", origin, "' is not an origin; write scheme://host[:port] without a path, ",
                  "e.g. https://app.example.com, or * for any origin");
  options.allow_origins.push_back(origin);
  return {};
}

Error set_publish_key(Options& options, const std::string& key) {
  // An empty key most often comes from an unset shell variable; taking it as
  // "no key" would leave publishing open without anyone noticing.
  if (key.empty()) return "the key is empty; leave the flag out to let anyone publish";
  if (!std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 0x7f; }))
    return "the key may only contain printable ASCII characters without spaces";
  options.publish_key = key;
  return {};
}

Error set_redis(Options& options, const std::string& url) {
  std::string error;
  if (!broker::parse_redis_url(url, error)) return error;
  options.redis_url = url;
  return {};
}

Error set_static_dir(Options& options, const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return concat("'", dir, "' is not a directory");
  options.static_dir = dir;
  return {};
}

Error set_tls_file(std::string& field, const std::string& path) {
  if (path.empty()) return "the file name is empty";
  field = path;  // read (and reread on SIGHUP) by the server, which says what is wrong with it
  return {};
}

Error set_log_level(Options& options, const std::string& level) {
  if (level != "error" && level != "warn" && level != "info" && level != "debug")
    return concat("'", level, "' is not one of error, warn, info, debug");
  options.log_level = level;
  return {};
}

Error set_jwt_secret(Options& options, const std::string& secret) {
  if (secret.empty()) return "the secret is empty; leave the flag out to turn access control off";
  options.jwt_secret = secret;
  return {};
}

Error set_jwt_public_key(Options& options, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  if (!in || std::filesystem::is_directory(path, ec))
    return concat("cannot read '", path, "': ", in ? "it is a directory" : std::strerror(errno));
  std::ostringstream pem;
  pem << in.rdbuf();
  std::string error;
  if (!auth::VerificationKey::from_public_pem(pem.str(), error)) return concat("'", path, "': ", error);
  options.jwt_public_key_pem = pem.str();
  return {};
}

Error add_public_channels(Options& options, const std::vector<std::string>& patterns) {
  for (const auto& pattern : patterns) {
    if (!auth::is_valid_channel_pattern(pattern)) return concat("'", pattern, "': ", auth::kChannelPatternRule);
    options.public_channels.push_back(pattern);
  }
  return {};
}

Error set_nonempty(std::string& field, const std::string& value) {
  if (value.empty()) return "the value is empty; leave the flag out instead";
  field = value;
  return {};
}

// Settings that only mean something together.
Error check_access_control(const Options& options) {
  const bool secret = !options.jwt_secret.empty(), key = !options.jwt_public_key_pem.empty();
  if (secret && key) return "--jwt-secret and --jwt-public-key exclude each other; give one";
  if (secret || key) return {};
  if (!options.jwt_issuer.empty() || !options.jwt_audience.empty() || !options.public_channels.empty())
    return "--jwt-issuer, --jwt-audience and --public-channels need --jwt-secret or --jwt-public-key";
  return {};
}

const std::vector<Flag>& flags() {
  using S = std::string;
  static const std::vector<Flag> table = {
      {"listen", "HOST:PORT", Kind::text,
       [](Options& o, const Value& v) { return set_listen(o, std::get<S>(v)); }},
      {"threads", "N", Kind::integer,
       [](Options& o, const Value& v) { return set_integer(o.threads, std::get<int64_t>(v), 1, kMaxThreads); }},
      {"allow-origin", "ORIGIN", Kind::text_list,
       [](Options& o, const Value& v) -> Error {
         for (const auto& origin : std::get<std::vector<S>>(v))
           if (auto error = add_origin(o, origin)) return error;
         return {};
       }},
      {"publish-key", "KEY", Kind::text,
       [](Options& o, const Value& v) { return set_publish_key(o, std::get<S>(v)); }},
      {"history", "N", Kind::integer,
       [](Options& o, const Value& v) { return set_integer(o.history, std::get<int64_t>(v), 0, 1'000'000); }},
      {"history-ttl", "S", Kind::seconds,
       [](Options& o, const Value& v) { return set_seconds(o.history_ttl_s, std::get<double>(v)); }},
      {"heartbeat", "S", Kind::seconds,
       [](Options& o, const Value& v) { return set_seconds(o.heartbeat_s, std::get<double>(v)); }},
      {"max-message-bytes", "N", Kind::integer,
       [](Options& o, const Value& v) {
         return set_integer(o.max_message_bytes, std::get<int64_t>(v), 1, 64 << 20);
       }},
      {"redis", "URL", Kind::text, [](Options& o, const Value& v) { return set_redis(o, std::get<S>(v)); }},
      {"redis-ca", "FILE", Kind::text,
       [](Options& o, const Value& v) { return set_tls_file(o.redis_ca, std::get<S>(v)); }},
      {"redis-last-id-ttl", "S", Kind::seconds,
       [](Options& o, const Value& v) { return set_seconds(o.redis_last_id_ttl_s, std::get<double>(v)); }},
      {"static", "DIR", Kind::text, [](Options& o, const Value& v) { return set_static_dir(o, std::get<S>(v)); }},
      {"static-max-bytes", "N", Kind::integer,
       [](Options& o, const Value& v) {
         return set_integer(o.static_max_bytes, std::get<int64_t>(v), 1, int64_t{1} << 40);
       }},
      {"max-pending-bytes", "N", Kind::integer,
       [](Options& o, const Value& v) {
         return set_integer(o.max_pending_bytes, std::get<int64_t>(v), 1024, int64_t{1} << 30);
       }},
      {"max-sessions", "N", Kind::integer,
       [](Options& o, const Value& v) { return set_integer(o.max_sessions, std::get<int64_t>(v), 1, 100'000'000); }},
      {"max-session-buffer-bytes", "N", Kind::integer,
       [](Options& o, const Value& v) {
         return set_integer(o.max_session_buffer_bytes, std::get<int64_t>(v), 1024, int64_t{1} << 30);
       }},
      {"session-grace", "S", Kind::seconds,
       [](Options& o, const Value& v) { return set_seconds(o.session_grace_s, std::get<double>(v)); }},
      {"idle-timeout", "S", Kind::seconds,
       [](Options& o, const Value& v) { return set_seconds(o.idle_timeout_s, std::get<double>(v)); }},
      {"linger", "S", Kind::seconds,
       [](Options& o, const Value& v) -> Error {
         const double s = std::get<double>(v);
         if (!(s >= 0 && s <= 60)) return concat(s, " is out of range (0 to 60 seconds)");
         o.linger_s = s;
         return {};
       }},
      {"header-timeout", "S", Kind::seconds,
       [](Options& o, const Value& v) { return set_seconds(o.header_timeout_s, std::get<double>(v)); }},
      {"max-connections", "N", Kind::integer,
       [](Options& o, const Value& v) {
         return set_integer(o.max_connections, std::get<int64_t>(v), 1, 100'000'000);
       }},
      {"max-connections-per-ip", "N", Kind::integer,
       [](Options& o, const Value& v) {
         return set_integer(o.max_connections_per_ip, std::get<int64_t>(v), 0, 100'000'000);
       }},
      {"max-channels-per-client", "N", Kind::integer,
       [](Options& o, const Value& v) {
         return set_integer(o.max_channels_per_client, std::get<int64_t>(v), 1, 1'000'000);
       }},
      {"publish-rate", "R", Kind::rate,
       [](Options& o, const Value& v) { return set_rate(o.publish_rate, std::get<double>(v)); }},
      {"history-bytes", "N", Kind::integer,
       [](Options& o, const Value& v) {
         return set_integer(o.history_bytes, std::get<int64_t>(v), 1 << 20, int64_t{1} << 40);
       }},
      {"ws-deflate", "", Kind::toggle,
       [](Options& o, const Value& v) -> Error {
         o.ws_deflate = std::get<bool>(v);
         return {};
       }},
      {"tls-cert", "FILE", Kind::text,
       [](Options& o, const Value& v) { return set_tls_file(o.tls_cert, std::get<S>(v)); }},
      {"tls-key", "FILE", Kind::text,
       [](Options& o, const Value& v) { return set_tls_file(o.tls_key, std::get<S>(v)); }},
      {"tls-handshake-timeout", "S", Kind::seconds,
       [](Options& o, const Value& v) { return set_seconds(o.tls_handshake_timeout_s, std::get<double>(v)); }},
      {"http2", "", Kind::toggle,
       [](Options& o, const Value& v) -> Error {
         o.http2 = std::get<bool>(v);
         return {};
       }},
      {"http2-max-streams", "N", Kind::integer,
       [](Options& o, const Value& v) { return set_integer(o.http2_max_streams, std::get<int64_t>(v), 1, 10'000); }},
      {"log-level", "LEVEL", Kind::text,
       [](Options& o, const Value& v) { return set_log_level(o, std::get<S>(v)); }},
      {"log-rate", "N", Kind::integer,
       [](Options& o, const Value& v) { return set_integer(o.log_rate, std::get<int64_t>(v), 1, 1'000'000); }},
      {"jwt-secret", "SECRET", Kind::text,
       [](Options& o, const Value& v) { return set_jwt_secret(o, std::get<S>(v)); }},
      {"jwt-public-key", "FILE", Kind::text,
       [](Options& o, const Value& v) { return set_jwt_public_key(o, std::get<S>(v)); }},
      {"jwt-issuer", "ISSUER", Kind::text,
       [](Options& o, const Value& v) { return set_nonempty(o.jwt_issuer, std::get<S>(v)); }},
      {"jwt-audience", "AUDIENCE", Kind::text,
       [](Options& o, const Value& v) { return set_nonempty(o.jwt_audience, std::get<S>(v)); }},
      {"public-channels", "PATTERN", Kind::text_list,
       [](Options& o, const Value& v) { return add_public_channels(o, std::get<std::vector<S>>(v)); }},
      {"max-token-bytes", "N", Kind::integer,
       [](Options& o, const Value& v) {
         return set_integer(o.max_token_bytes, std::get<int64_t>(v), 256, 65536);
       }},
  };
  return table;
}

const Flag* find_flag(std::string_view name) {
  for (const auto& flag : flags())
    if (flag.name == name) return &flag;
  return nullptr;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// " (did you mean '--history'?)" for a near miss like "histroy", else "".
std::string suggestion(std::string_view name, std::string_view prefix, std::vector<std::string_view> names) {
  for (const auto& flag : flags()) names.push_back(flag.name);
  std::string_view best;
  size_t best_distance = 3;
  for (auto candidate : names) {
    const size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) best = candidate, best_distance = distance;
  }
  return best.empty() ? "" : concat(" (did you mean '", prefix, best, "'?)");
}

Error value_from_text(const Flag& flag, const std::string& text, Value& out) {
  switch (flag.kind) {
    case Kind::text: out = text; return {};
    case Kind::text_list: out = std::vector<std::string>{text}; return {};
    case Kind::integer: {
      int64_t number = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec == std::errc::result_out_of_range) return concat(text, " is out of range");
      if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return concat("'", text, "' is not a whole number");
      out = number;
      return {};
    }
    case Kind::seconds:
    case Kind::rate: {
      double number = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return concat("'", text, "' is not a number", flag.kind == Kind::seconds ? " of seconds" : " a second");
      out = number;
      return {};
    }
    case Kind::toggle: break;  // given by the flag's name alone, never by a value
  }
  return {};
}

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

Error value_from_toml(const Flag& flag, const toml::node& node, Value& out) {
  const auto wrong_type = [&](std::string_view expected) {
    return concat("must be ", expected, ", not ", type_name(node));
  };
  switch (flag.kind) {
    case Kind::text:
      if (!node.is_string()) return wrong_type("a string");
      out = node.as_string()->get();
      return {};
    case Kind::text_list: {
      if (node.is_string()) {
        out = std::vector<std::string>{node.as_string()->get()};
        return {};
      }
      const auto* array = node.as_array();
      if (!array || !array->is_homogeneous(toml::node_type::string))
        return wrong_type("a string or an array of strings");
      std::vector<std::string> list;
      for (const auto& item : *array) list.push_back(item.as_string()->get());
      out = std::move(list);
      return {};
    }
    case Kind::integer:
      if (!node.is_integer()) return wrong_type("an integer");
      out = node.as_integer()->get();
      return {};
    case Kind::seconds:
    case Kind::rate:
      if (!node.is_number()) return wrong_type(flag.kind == Kind::seconds ? "a number of seconds" : "a number a second");
      // An integer past 2^53 has no exact double, and toml++ then gives none:
      // convert it anyway, for the range check to refuse.
      out = node.is_integer() ? static_cast<double>(node.as_integer()->get()) : node.as_floating_point()->get();
      return {};
    case Kind::toggle:
      if (!node.is_boolean()) return wrong_type("true or false");
      out = node.as_boolean()->get();
      return {};
  }
  return {};
}

struct Setting {
  const Flag* flag;
  Value value;
  std::string where;  // prefix of an error: "--history" or "pushwire.toml:3:11: history"
};

// Within one source the first --allow-origin replaces the list that came
// before (the default, or the file's) and the others add to it.
Error apply_settings(Options& options, const std::vector<Setting>& settings) {
  bool origins_replaced = false;
  for (const auto& setting : settings) {
    if (setting.flag->name == "allow-origin" && !std::exchange(origins_replaced, true))
      options.allow_origins.clear();
    if (auto error = setting.flag->set(options, setting.value)) return concat(setting.where, ": ", *error);
  }
  return {};
}

std::string position(const std::string& path, const toml::source_region& source) {
  return concat(path, ":", source.begin.line, ":", source.begin.column);
}

Error read_config(const std::string& path, std::vector<Setting>& settings) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return concat("cannot read config file '", path, "': it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return concat("cannot read config file '", path, "': ", std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  toml::table table;
  try {
    table = toml::parse(content.str(), path);
  } catch (const toml::parse_error& error) {
    return concat(position(path, error.source()), ": invalid TOML: ", error.description());
  }
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    const Flag* flag = find_flag(name);
    if (!flag)
      return concat(position(path, key.source()), ": unknown key '", name, "'", suggestion(name, "", {}),
                    "; the keys are the flags of pushwire --help without the leading --");
    const std::string where = concat(position(path, node.source()), ": ", name);
    Value value;
    if (auto error = value_from_toml(*flag, node, value)) return concat(where, " ", *error);
    settings.push_back({flag, std::move(value), where});
  }
  return {};
}

unsigned default_threads() {
  return std::clamp(std::thread::hardware_concurrency(), 1u, kMaxThreads);
}

const std::vector<std::string_view> kCommandLineOnly = {"config", "help", "version", "no-ws-deflate", "no-http2"};

ParseResult failure(std::string message) {
  return {ParseResult::Action::error, {}, std::move(message)};
}

}  // namespace

ParseResult parse_options(int argc, const char* const* argv) {
  std::vector<Setting> command_line;
  std::optional<std::string> config_path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") return {ParseResult::Action::help, {}, help_text()};
    if (arg == "--version") return {ParseResult::Action::version, {}, concat("pushwire ", kVersion)};
    if (arg.starts_with("-") && !arg.starts_with("--"))
      return failure(concat("unknown flag '", arg, "'", suggestion(arg.substr(1), "--", kCommandLineOnly),
                            "; see pushwire --help"));
    if (!arg.starts_with("--") || arg.size() == 2)
      return failure(concat("unexpected argument '", arg, "'; pushwire takes only flags (see pushwire --help)"));

    const auto equals = arg.find('=');
    std::string name(arg.substr(2, equals == std::string_view::npos ? std::string_view::npos : equals - 2));
    std::optional<std::string> inline_value;
    if (equals != std::string_view::npos) inline_value = std::string(arg.substr(equals + 1));

    if (name == "help" || name == "version") return failure(concat("--", name, " takes no value"));
    const bool negated = name == "no-ws-deflate" || name == "no-http2";
    const Flag* flag = find_flag(negated ? name.substr(3) : name);
    if (!flag && name != "config")
      return failure(
          concat("unknown flag '--", name, "'", suggestion(name, "--", kCommandLineOnly), "; see pushwire --help"));

    if (flag && flag->kind == Kind::toggle) {
      if (inline_value) return failure(concat("--", name, " takes no value"));
      command_line.push_back({flag, Value(std::in_place_type<bool>, !negated), "--" + name});
      continue;
    }
    // A value that looks like a flag is almost always a forgotten value;
    // --flag=--value still passes one that really starts with dashes.
    if (!inline_value && i + 1 < argc && !std::string_view(argv[i + 1]).starts_with("--"))
      inline_value = argv[++i];
    if (!inline_value)
      return failure(concat("--", name, " needs a value: --", name, " ", flag ? flag->metavar : "FILE"));

    if (!flag) {
      config_path = *inline_value;
      continue;
    }
    Value value;
    if (auto error = value_from_text(*flag, *inline_value, value)) return failure(concat("--", name, ": ", *error));
    command_line.push_back({flag, std::move(value), "--" + name});
  }

  Options options;
  if (const char* secret = std::getenv("PUSHWIRE_JWT_SECRET"); secret && *secret) options.jwt_secret = secret;
  if (config_path) {
    std::vector<Setting> from_file;
    if (auto error = read_config(*config_path, from_file)) return failure(*error);
    if (auto error = apply_settings(options, from_file)) return failure(*error);
  }
  if (auto error = apply_settings(options, command_line)) return failure(*error);
  if (auto error = check_access_control(options)) return failure(*error);
  if (options.tls_cert.empty() != options.tls_key.empty())
    return failure("--tls-cert and --tls-key go together: give both to serve HTTPS, or neither for plain HTTP");
  if (!options.redis_ca.empty() && !options.redis_url.starts_with("rediss"))
    return failure(
        "--redis-ca is for TLS to Redis: give a rediss://, rediss+sentinel:// or rediss+cluster:// URL with it");
  if (options.threads == 0) options.threads = default_threads();
  return {ParseResult::Action::run, std::move(options), {}};
}

}  // namespace pushwire::app

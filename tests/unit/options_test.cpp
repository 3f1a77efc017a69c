#include "app/options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

namespace pushwire::app {
namespace {

using Action = ParseResult::Action;

ParseResult parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv = {"pushwire"};
  argv.insert(argv.end(), args);
  return parse_options(static_cast<int>(argv.size()), argv.data());
}

Options parse_ok(std::initializer_list<const char*> args) {
  const auto result = parse(args);
  EXPECT_EQ(result.action, Action::run) << result.message;
  return result.options;
}

std::string parse_error(std::initializer_list<const char*> args) {
  const auto result = parse(args);
  EXPECT_EQ(result.action, Action::error);
  return result.message;
}

// A TOML file in the temp directory, removed when the test ends.
class ConfigFile {
 public:
  explicit ConfigFile(const std::string& content) {
    const auto* test = testing::UnitTest::GetInstance()->current_test_info();
    path_ = (std::filesystem::temp_directory_path() /
             (std::string("pushwire-") + test->name() + "-" + std::to_string(::getpid()) + ".toml"))
                .string();
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~ConfigFile() { std::filesystem::remove(path_); }
  const char* path() const { return path_.c_str(); }

 private:
  std::string path_;
};

ParseResult parse_config(const std::string& content, std::initializer_list<const char*> extra = {}) {
  ConfigFile file(content);
  std::vector<const char*> argv = {"pushwire", "--config", file.path()};
  argv.insert(argv.end(), extra);
  return parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST(Options, DefaultsWithoutFlags) {
  const auto options = parse_ok({});
  EXPECT_EQ(options.listen_host, "127.0.0.1");
  EXPECT_EQ(options.listen_port, 8080);
  EXPECT_GE(options.threads, 1u);
  EXPECT_LE(options.threads, 256u);
  EXPECT_EQ(options.allow_origins, std::vector<std::string>{"*"});
  EXPECT_EQ(options.publish_key, "");
  EXPECT_EQ(options.history, 100u);
  EXPECT_EQ(options.history_ttl_s, 300);
  EXPECT_EQ(options.heartbeat_s, 15);
  EXPECT_EQ(options.max_message_bytes, 65536u);
  EXPECT_EQ(options.redis_url, "");
  EXPECT_EQ(options.static_dir, "");
  EXPECT_EQ(options.max_pending_bytes, 1u << 20);
  EXPECT_EQ(options.idle_timeout_s, 60);
  EXPECT_TRUE(options.ws_deflate);
  EXPECT_EQ(options.log_level, "info");
}

TEST(Options, EveryFlagWithSeparateValue) {
  const auto dir = std::filesystem::temp_directory_path().string();
  const auto options = parse_ok({"--listen", "0.0.0.0:9000", "--threads", "3", "--allow-origin",
                                 "https://a.example", "--publish-key", "s3cret", "--history", "7",
                                 "--history-ttl", "2.5", "--heartbeat", "0.5", "--max-message-bytes", "1024",
                                 "--redis", "redis://127.0.0.1:6379", "--static", dir.c_str(),
                                 "--max-pending-bytes", "4096", "--idle-timeout", "9", "--no-ws-deflate",
                                 "--log-level", "debug"});
  EXPECT_EQ(options.listen_host, "0.0.0.0");
  EXPECT_EQ(options.listen_port, 9000);
  EXPECT_EQ(options.threads, 3u);
  EXPECT_EQ(options.allow_origins, std::vector<std::string>{"https://a.example"});
  EXPECT_EQ(options.publish_key, "s3cret");
  EXPECT_EQ(options.history, 7u);
  EXPECT_EQ(options.history_ttl_s, 2.5);
  EXPECT_EQ(options.heartbeat_s, 0.5);
  EXPECT_EQ(options.max_message_bytes, 1024u);
  EXPECT_EQ(options.redis_url, "redis://127.0.0.1:6379");
  EXPECT_EQ(options.static_dir, dir);
  EXPECT_EQ(options.max_pending_bytes, 4096u);
  EXPECT_EQ(options.idle_timeout_s, 9);
  EXPECT_FALSE(options.ws_deflate);
  EXPECT_EQ(options.log_level, "debug");
}

TEST(Options, EveryFlagWithEqualsValue) {
  const auto static_flag = "--static=" + std::filesystem::temp_directory_path().string();
  const auto options = parse_ok({"--listen=[::1]:0", "--threads=2", "--allow-origin=http://b.example:8000",
                                 "--publish-key=k=v", "--history=0", "--history-ttl=1", "--heartbeat=30",
                                 "--max-message-bytes=67108864", "--redis=redis://r:1", static_flag.c_str(),
                                 "--max-pending-bytes=1024", "--idle-timeout=0.25", "--log-level=error"});
  EXPECT_EQ(options.listen_host, "::1");
  EXPECT_EQ(options.listen_port, 0);
  EXPECT_EQ(options.threads, 2u);
  EXPECT_EQ(options.allow_origins, std::vector<std::string>{"http://b.example:8000"});
  EXPECT_EQ(options.publish_key, "k=v");
  EXPECT_EQ(options.history, 0u);
  EXPECT_EQ(options.history_ttl_s, 1);
  EXPECT_EQ(options.heartbeat_s, 30);
  EXPECT_EQ(options.max_message_bytes, 64u << 20);
  EXPECT_EQ(options.redis_url, "redis://r:1");
  EXPECT_FALSE(options.static_dir.empty());
  EXPECT_EQ(options.max_pending_bytes, 1024u);
  EXPECT_EQ(options.idle_timeout_s, 0.25);
  EXPECT_EQ(options.log_level, "error");
}

TEST(Options, AllowOriginRepeatsAndReplacesTheDefault) {
  const auto options = parse_ok({"--allow-origin", "https://a.example", "--allow-origin=https://b.example"});
  EXPECT_EQ(options.allow_origins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(parse_ok({"--allow-origin", "*"}).allow_origins, std::vector<std::string>{"*"});
}

TEST(Options, AllowOriginRefusesWhatIsNotAnOrigin) {
  for (const char* bad : {"https://a.example/", "https://a.example/path", "a.example", "://a.example", "https://",
                          "https://a example"}) {
    const auto message = parse_error({"--allow-origin", bad});
    EXPECT_NE(message.find("--allow-origin"), std::string::npos) << message;
    EXPECT_NE(message.find("not an origin"), std::string::npos) << message;
  }
}

TEST(Options, WsDeflateSwitchesTheLastOneWins) {
  EXPECT_FALSE(parse_ok({"--no-ws-deflate"}).ws_deflate);
  EXPECT_TRUE(parse_ok({"--no-ws-deflate", "--ws-deflate"}).ws_deflate);
  EXPECT_NE(parse_error({"--ws-deflate=false"}).find("--ws-deflate takes no value"), std::string::npos);
  EXPECT_NE(parse_error({"--no-ws-deflate=1"}).find("--no-ws-deflate takes no value"), std::string::npos);
  EXPECT_NE(parse_error({"--help=1"}).find("--help takes no value"), std::string::npos);
}

TEST(Options, TlsAndHttp2Flags) {
  const auto options = parse_ok({"--tls-cert", "c.pem", "--tls-key=k.pem", "--tls-handshake-timeout", "2.5",
                                 "--no-http2", "--http2-max-streams", "100"});
  EXPECT_EQ(options.tls_cert, "c.pem");
  EXPECT_EQ(options.tls_key, "k.pem");
  EXPECT_EQ(options.tls_handshake_timeout_s, 2.5);
  EXPECT_FALSE(options.http2);
  EXPECT_EQ(options.http2_max_streams, 100u);
  const auto defaults = parse_ok({});
  EXPECT_TRUE(defaults.tls_cert.empty());
  EXPECT_TRUE(defaults.http2);
  EXPECT_EQ(defaults.http2_max_streams, 128u);
  EXPECT_EQ(defaults.tls_handshake_timeout_s, 10);
}

TEST(Options, TlsCertAndKeyGoTogether) {
  EXPECT_NE(parse_error({"--tls-cert", "c.pem"}).find("--tls-cert and --tls-key go together"), std::string::npos);
  EXPECT_NE(parse_error({"--tls-key", "k.pem"}).find("--tls-cert and --tls-key go together"), std::string::npos);
  EXPECT_NE(parse_error({"--tls-cert="}).find("the file name is empty"), std::string::npos);
  EXPECT_NE(parse_error({"--http2-max-streams", "0"}).find("out of range"), std::string::npos);
  EXPECT_NE(parse_error({"--no-http2=1"}).find("--no-http2 takes no value"), std::string::npos);
}

TEST(Options, LaterFlagWins) {
  EXPECT_EQ(parse_ok({"--history", "5", "--history", "6"}).history, 6u);
}

TEST(Options, ListenAcceptsIpv4Ipv6LocalhostAndPortZero) {
  auto options = parse_ok({"--listen", "10.1.2.3:1"});
  EXPECT_EQ(options.listen_host, "10.1.2.3");
  EXPECT_EQ(options.listen_port, 1);
  options = parse_ok({"--listen", "[::]:65535"});
  EXPECT_EQ(options.listen_host, "::");
  EXPECT_EQ(options.listen_port, 65535);
  options = parse_ok({"--listen", "[fe80::1:2]:80"});
  EXPECT_EQ(options.listen_host, "fe80::1:2");
  options = parse_ok({"--listen", "localhost:0"});
  EXPECT_EQ(options.listen_host, "127.0.0.1");
  EXPECT_EQ(options.listen_port, 0);
}

TEST(Options, ListenRefusesBadAddresses) {
  for (const char* bad : {"8080", "127.0.0.1", "127.0.0.1:", ":8080", "127.0.0.1:65536", "127.0.0.1:-1",
                          "127.0.0.1:80x", "::1:8080", "[::1]", "[::1]:", "[1.2.3.4]:80", "[nope]:80",
                          "example.com:80", "256.0.0.1:80", ""}) {
    const auto message = parse_error({"--listen", bad});
    EXPECT_NE(message.find("--listen: '"), std::string::npos) << bad << ": " << message;
    EXPECT_NE(message.find("for example"), std::string::npos) << bad << ": " << message;
  }
  EXPECT_NE(parse_error({"--listen", "::1:8080"}).find("brackets"), std::string::npos);
  EXPECT_NE(parse_error({"--listen", "1.2.3.4:99999"}).find("port"), std::string::npos);
}

TEST(Options, HelpAndVersion) {
  for (const char* flag : {"-h", "--help"}) {
    const auto result = parse({"--history", "5", flag});
    EXPECT_EQ(result.action, Action::help);
    EXPECT_EQ(result.message, help_text());
  }
  const auto version = parse({"--version"});
  EXPECT_EQ(version.action, Action::version);
  EXPECT_EQ(version.message.rfind("pushwire ", 0), 0u) << version.message;
}

TEST(Options, HelpExplainsEveryFlagWithItsDefault) {
  const auto help = help_text();
  EXPECT_EQ(help.rfind("Usage: pushwire", 0), 0u);
  for (const char* text :
       {"--listen HOST:PORT", "127.0.0.1:8080", "--threads N", "number of CPU cores", "--allow-origin ORIGIN",
        "(default: *)", "--publish-key KEY", "--history N", "(default: 100)", "--history-ttl S", "(default: 300)",
        "--heartbeat S", "(default: 15)", "--max-message-bytes N", "(default: 65536)", "--redis URL",
        "--static DIR", "--max-pending-bytes N", "1048576", "--idle-timeout S", "(default: 60)",
        "--ws-deflate, --no-ws-deflate", "--log-level LEVEL", "(default: info)", "--config FILE", "-h, --help",
        "--static-max-bytes N", "(default: 67108864)", "--linger S", "(default: 2)", "--log-rate N", "(default: 10)",
        "--redis-ca FILE", "--redis-last-id-ttl S", "(default: 86400)", "--max-session-buffer-bytes N",
        "--session-grace S", "(default: 30)", "--version", "Example:"}) {
    EXPECT_NE(help.find(text), std::string::npos) << "help lacks " << text;
  }
  size_t line_start = 0;
  for (size_t end = help.find('\n'); end != std::string::npos; end = help.find('\n', line_start = end + 1))
    EXPECT_LE(end - line_start, 80u) << help.substr(line_start, end - line_start);
}

TEST(Options, UnknownFlagSuggestsTheNearestAndHelp) {
  auto message = parse_error({"--histroy", "5"});
  EXPECT_NE(message.find("unknown flag '--histroy'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean '--history'"), std::string::npos) << message;
  EXPECT_NE(message.find("--help"), std::string::npos) << message;

  message = parse_error({"--frobnicate"});
  EXPECT_NE(message.find("unknown flag '--frobnicate'"), std::string::npos) << message;
  EXPECT_EQ(message.find("did you mean"), std::string::npos) << message;

  message = parse_error({"-listen", "127.0.0.1:1"});
  EXPECT_NE(message.find("did you mean '--listen'"), std::string::npos) << message;
  EXPECT_NE(parse_error({"-x"}).find("unknown flag '-x'"), std::string::npos);
}

TEST(Options, PositionalArgumentsAreRefused) {
  EXPECT_NE(parse_error({"serve"}).find("unexpected argument 'serve'"), std::string::npos);
  EXPECT_NE(parse_error({"--"}).find("unexpected argument '--'"), std::string::npos);
}

TEST(Options, MissingValue) {
  auto message = parse_error({"--history"});
  EXPECT_NE(message.find("--history needs a value"), std::string::npos) << message;
  message = parse_error({"--publish-key", "--history", "5"});
  EXPECT_NE(message.find("--publish-key needs a value"), std::string::npos) << message;
  EXPECT_NE(parse_error({"--config"}).find("--config needs a value"), std::string::npos);
  EXPECT_EQ(parse_ok({"--publish-key=--odd"}).publish_key, "--odd");
}

TEST(Options, NonNumericNumbers) {
  for (const char* flag : {"--threads", "--history", "--max-message-bytes", "--max-pending-bytes"}) {
    for (const char* bad : {"abc", "", "12x", "1.5", "+3", " 3", "0x10"}) {
      const auto message = parse_error({flag, bad});
      EXPECT_NE(message.find(std::string(flag) + ": '" + bad + "' is not a whole number"), std::string::npos)
          << message;
    }
  }
  for (const char* flag : {"--history-ttl", "--heartbeat", "--idle-timeout"}) {
    for (const char* bad : {"abc", "", "5s", "1,5"}) {
      const auto message = parse_error({flag, bad});
      EXPECT_NE(message.find(std::string(flag) + ": '" + bad + "' is not a number of seconds"), std::string::npos)
          << message;
    }
  }
}

TEST(Options, NumbersOutOfRange) {
  struct Case {
    const char* flag;
    const char* value;
  };
  for (const auto& [flag, value] :
       {Case{"--threads", "0"}, Case{"--threads", "257"}, Case{"--threads", "-1"}, Case{"--history", "-1"},
        Case{"--history", "1000001"}, Case{"--history", "99999999999999999999"}, Case{"--max-message-bytes", "0"},
        Case{"--max-message-bytes", "67108865"}, Case{"--max-pending-bytes", "1023"},
        Case{"--max-pending-bytes", "1073741825"}, Case{"--heartbeat", "0"}, Case{"--heartbeat", "-1"},
        Case{"--heartbeat", "nan"}, Case{"--heartbeat", "inf"}, Case{"--history-ttl", "0"},
        Case{"--idle-timeout", "0"}, Case{"--idle-timeout", "1e12"}}) {
    const auto message = parse_error({flag, value});
    EXPECT_NE(message.find(std::string(flag) + ": "), std::string::npos) << message;
    EXPECT_NE(message.find("out of range"), std::string::npos) << flag << " " << value << ": " << message;
  }
  EXPECT_NE(parse_error({"--threads", "0"}).find("(1 to 256)"), std::string::npos);
  EXPECT_NE(parse_error({"--history", "1000001"}).find("(0 to 1000000)"), std::string::npos);
  EXPECT_NE(parse_error({"--max-message-bytes", "0"}).find("(1 to 67108864)"), std::string::npos);
  EXPECT_EQ(parse_ok({"--threads", "256"}).threads, 256u);
  EXPECT_EQ(parse_ok({"--history", "1000000"}).history, 1000000u);
}

TEST(Options, TextValuesAreChecked) {
  EXPECT_NE(parse_error({"--publish-key", ""}).find("--publish-key: the key is empty"), std::string::npos);
  EXPECT_NE(parse_error({"--publish-key", "a b"}).find("printable ASCII"), std::string::npos);
  EXPECT_NE(parse_error({"--log-level", "loud"}).find("not one of error, warn, info, debug"), std::string::npos);
  EXPECT_NE(parse_error({"--redis", "localhost:6379"}).find("not a Redis URL"), std::string::npos);
  EXPECT_NE(parse_error({"--static", "/nonexistent/pushwire-static"}).find("is not a directory"),
            std::string::npos);
  for (const char* level : {"error", "warn", "info", "debug"})
    EXPECT_EQ(parse_ok({"--log-level", level}).log_level, level);
}

TEST(Options, RedisTlsAndLastIdSettings) {
  const auto tls = parse_ok({"--redis", "rediss://cache:6380", "--redis-ca", "/etc/redis-ca.pem",
                             "--redis-last-id-ttl", "3600"});
  EXPECT_EQ(tls.redis_ca, "/etc/redis-ca.pem");
  EXPECT_EQ(tls.redis_last_id_ttl_s, 3600);
  EXPECT_EQ(parse_ok({}).redis_last_id_ttl_s, 86400);
  EXPECT_NE(parse_error({"--redis", "redis://cache", "--redis-ca", "/etc/redis-ca.pem"}).find("rediss://"),
            std::string::npos);
  EXPECT_NE(parse_error({"--redis-ca", "/etc/redis-ca.pem"}).find("--redis-ca is for TLS"), std::string::npos);
  EXPECT_NE(parse_error({"--redis-last-id-ttl", "0"}).find("out of range"), std::string::npos);
}

TEST(OptionsConfig, EveryKey) {
  const auto dir = std::filesystem::temp_directory_path().string();
  const auto result = parse_config(R"(
listen = "[::1]:9001"
threads = 4
allow-origin = ["https://a.example", "https://b.example"]
publish-key = "s3cret"
history = 2
history-ttl = 1.5
heartbeat = 20
max-message-bytes = 2048
redis = "redis://127.0.0.1:6379"
static = ")" + dir + R"("
max-pending-bytes = 8192
idle-timeout = 5
ws-deflate = false
log-level = "warn"
)");
  ASSERT_EQ(result.action, Action::run) << result.message;
  const auto& options = result.options;
  EXPECT_EQ(options.listen_host, "::1");
  EXPECT_EQ(options.listen_port, 9001);
  EXPECT_EQ(options.threads, 4u);
  EXPECT_EQ(options.allow_origins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(options.publish_key, "s3cret");
  EXPECT_EQ(options.history, 2u);
  EXPECT_EQ(options.history_ttl_s, 1.5);
  EXPECT_EQ(options.heartbeat_s, 20);
  EXPECT_EQ(options.max_message_bytes, 2048u);
  EXPECT_EQ(options.redis_url, "redis://127.0.0.1:6379");
  EXPECT_EQ(options.static_dir, dir);
  EXPECT_EQ(options.max_pending_bytes, 8192u);
  EXPECT_EQ(options.idle_timeout_s, 5);
  EXPECT_FALSE(options.ws_deflate);
  EXPECT_EQ(options.log_level, "warn");
}

TEST(OptionsConfig, AllowOriginMayBeOneString) {
  const auto result = parse_config("allow-origin = \"https://a.example\"\n");
  ASSERT_EQ(result.action, Action::run) << result.message;
  EXPECT_EQ(result.options.allow_origins, std::vector<std::string>{"https://a.example"});
}

TEST(OptionsConfig, EmptyFileKeepsDefaults) {
  const auto result = parse_config("# nothing set\n");
  ASSERT_EQ(result.action, Action::run) << result.message;
  EXPECT_EQ(result.options.history, 100u);
}

TEST(OptionsConfig, CommandLineWinsWhereverItStands) {
  ConfigFile file("history = 2\nheartbeat = 3\nallow-origin = [\"https://a.example\", \"https://b.example\"]\n");
  const char* argv[] = {"pushwire", "--history", "9", "--config", file.path(), "--allow-origin", "https://c.example"};
  const auto result = parse_options(7, argv);
  ASSERT_EQ(result.action, Action::run) << result.message;
  EXPECT_EQ(result.options.history, 9u);
  EXPECT_EQ(result.options.heartbeat_s, 3);
  EXPECT_EQ(result.options.allow_origins, std::vector<std::string>{"https://c.example"});
}

TEST(OptionsConfig, CommandLineSwitchBeatsFile) {
  const auto result = parse_config("ws-deflate = false\n", {"--ws-deflate"});
  ASSERT_EQ(result.action, Action::run) << result.message;
  EXPECT_TRUE(result.options.ws_deflate);
}

TEST(OptionsConfig, UnreadableFile) {
  auto message = parse_error({"--config", "/nonexistent/pushwire.toml"});
  EXPECT_NE(message.find("cannot read config file '/nonexistent/pushwire.toml'"), std::string::npos) << message;
  EXPECT_NE(message.find("No such file"), std::string::npos) << message;
  const auto dir = std::filesystem::temp_directory_path().string();
  message = parse_error({"--config", dir.c_str()});
  EXPECT_NE(message.find("is a directory"), std::string::npos) << message;
}

TEST(OptionsConfig, InvalidTomlNamesLineAndColumn) {
  ConfigFile file("history = 2\nheartbeat = = 3\n");
  const char* argv[] = {"pushwire", "--config", file.path()};
  const auto result = parse_options(3, argv);
  ASSERT_EQ(result.action, Action::error);
  EXPECT_EQ(result.message.rfind(std::string(file.path()) + ":2:", 0), 0u) << result.message;
  EXPECT_NE(result.message.find("invalid TOML"), std::string::npos) << result.message;

  const auto duplicate = parse_config("history = 2\nhistory = 3\n");
  EXPECT_EQ(duplicate.action, Action::error);
  EXPECT_NE(duplicate.message.find(":2:"), std::string::npos) << duplicate.message;
}

TEST(OptionsConfig, UnknownKeyNamesPositionAndSuggests) {
  ConfigFile file("history = 2\n\nhistroy = 3\n");
  const char* argv[] = {"pushwire", "--config", file.path()};
  const auto result = parse_options(3, argv);
  ASSERT_EQ(result.action, Action::error);
  EXPECT_EQ(result.message.rfind(std::string(file.path()) + ":3:1: unknown key 'histroy'", 0), 0u)
      << result.message;
  EXPECT_NE(result.message.find("did you mean 'history'"), std::string::npos) << result.message;

  for (const char* text : {"config = \"other.toml\"\n", "help = true\n", "[server]\nhistory = 1\n"}) {
    const auto nested = parse_config(text);
    EXPECT_EQ(nested.action, Action::error) << text;
    EXPECT_NE(nested.message.find("unknown key"), std::string::npos) << nested.message;
  }
}

TEST(OptionsConfig, WrongTypes) {
  struct Case {
    const char* toml;
    const char* expected;
  };
  for (const auto& [toml, expected] :
       {Case{"history = \"100\"", "history must be an integer, not a string"},
        Case{"history = 2.0", "history must be an integer, not a float"},
        Case{"threads = true", "threads must be an integer, not a boolean"},
        Case{"heartbeat = \"15\"", "heartbeat must be a number of seconds, not a string"},
        Case{"listen = 8080", "listen must be a string, not an integer"},
        Case{"publish-key = [\"a\"]", "publish-key must be a string, not an array"},
        Case{"allow-origin = 1", "allow-origin must be a string or an array of strings, not an integer"},
        Case{"allow-origin = [\"https://a.example\", 1]", "allow-origin must be a string or an array of strings"},
        Case{"ws-deflate = \"no\"", "ws-deflate must be true or false, not a string"},
        Case{"log-level = {level = \"info\"}", "log-level must be a string, not a table"},
        Case{"history-ttl = 1979-05-27", "history-ttl must be a number of seconds, not a date or time"}}) {
    const auto result = parse_config(std::string(toml) + "\n");
    EXPECT_EQ(result.action, Action::error) << toml;
    EXPECT_NE(result.message.find(":1:"), std::string::npos) << result.message;
    EXPECT_NE(result.message.find(expected), std::string::npos) << result.message;
  }
}

TEST(OptionsConfig, ValuesAreCheckedLikeFlags) {
  for (const char* toml : {"threads = 0", "history = -1", "heartbeat = 0", "heartbeat = -0.5",
                           "max-message-bytes = 67108865", "idle-timeout = nan", "history-ttl = inf"}) {
    const auto result = parse_config(std::string(toml) + "\n");
    EXPECT_EQ(result.action, Action::error) << toml;
    EXPECT_NE(result.message.find("out of range"), std::string::npos) << result.message;
    EXPECT_NE(result.message.find(":1:"), std::string::npos) << result.message;
  }
  const auto listen = parse_config("listen = \"nowhere\"\n");
  EXPECT_NE(listen.message.find("listen: 'nowhere' is not HOST:PORT"), std::string::npos) << listen.message;
  const auto origin = parse_config("allow-origin = [\"https://a.example/\"]\n");
  EXPECT_NE(origin.message.find("not an origin"), std::string::npos) << origin.message;
}

// A TOML integer too large for a double to hold exactly (past 2^53) is still
// a number of seconds: it is refused as out of range, not a crash at start-up.
TEST(OptionsConfig, HugeIntegerSecondsAreOutOfRangeNotACrash) {
  for (const char* toml : {"linger = 2000000000000000000", "heartbeat = 9007199254740993",
                           "publish-rate = -9223372036854775808"}) {
    const auto result = parse_config(std::string(toml) + "\n");
    EXPECT_EQ(result.action, Action::error) << toml;
    EXPECT_NE(result.message.find("out of range"), std::string::npos) << result.message;
  }
}

TEST(OptionsConfig, FileIsCheckedEvenWhereTheCommandLineOverridesIt) {
  const auto result = parse_config("history = -5\n", {"--history", "5"});
  EXPECT_EQ(result.action, Action::error);
  EXPECT_NE(result.message.find("out of range"), std::string::npos) << result.message;
}

TEST(Options, HardeningLimitsFromFlagsAndConfig) {
  const auto result = parse_config("static-max-bytes = 1024\nlinger = 0.5\nlog-rate = 3\n");
  ASSERT_EQ(result.action, Action::run) << result.message;
  EXPECT_EQ(result.options.static_max_bytes, 1024u);
  EXPECT_EQ(result.options.linger_s, 0.5);
  EXPECT_EQ(result.options.log_rate, 3);
  EXPECT_NE(parse_error({"--log-rate", "0"}).find("out of range"), std::string::npos);
  EXPECT_NE(parse_error({"--static-max-bytes", "0"}).find("out of range"), std::string::npos);
}

TEST(Options, LimitFlags) {
  const auto defaults = parse_ok({});
  EXPECT_EQ(defaults.max_connections, 0);  // resolved from the open-file limit at start
  EXPECT_EQ(defaults.max_connections_per_ip, 0);
  EXPECT_EQ(defaults.max_channels_per_client, 256u);
  EXPECT_EQ(defaults.publish_rate, 0);
  EXPECT_EQ(defaults.header_timeout_s, 10);
  EXPECT_EQ(defaults.history_bytes, size_t{256} << 20);

  const auto set = parse_ok({"--max-connections", "5000", "--max-connections-per-ip=20", "--max-channels-per-client",
                             "8", "--publish-rate", "0.5", "--header-timeout", "2.5", "--history-bytes", "1048576"});
  EXPECT_EQ(set.max_connections, 5000);
  EXPECT_EQ(set.max_connections_per_ip, 20);
  EXPECT_EQ(set.max_channels_per_client, 8u);
  EXPECT_EQ(set.publish_rate, 0.5);
  EXPECT_EQ(set.header_timeout_s, 2.5);
  EXPECT_EQ(set.history_bytes, 1u << 20);

  const auto file = parse_config("max-connections = 7\npublish-rate = 3\nheader-timeout = 1\nhistory-bytes = 2097152\n");
  ASSERT_EQ(file.action, Action::run) << file.message;
  EXPECT_EQ(file.options.max_connections, 7);
  EXPECT_EQ(file.options.publish_rate, 3);
  EXPECT_EQ(file.options.header_timeout_s, 1);
  EXPECT_EQ(file.options.history_bytes, 2u << 20);

  for (const auto& args : std::vector<std::vector<const char*>>{{"--max-connections", "0"},
                                                                {"--max-connections-per-ip", "-1"},
                                                                {"--max-channels-per-client", "0"},
                                                                {"--publish-rate", "-1"},
                                                                {"--header-timeout", "0"},
                                                                {"--history-bytes", "1048575"}}) {
    const auto message = parse_error({args[0], args[1]});
    EXPECT_NE(message.find("out of range"), std::string::npos) << args[0] << " " << args[1] << ": " << message;
  }
  EXPECT_NE(parse_error({"--publish-rate", "fast"}).find("'fast' is not a number a second"), std::string::npos);
  const auto help = help_text();
  for (const char* flag : {"--max-connections N", "--max-connections-per-ip N", "--max-channels-per-client N",
                           "--publish-rate R", "--header-timeout S", "--history-bytes N"})
    EXPECT_NE(help.find(flag), std::string::npos) << "help lacks " << flag;
}

}  // namespace
}  // namespace pushwire::app

namespace pushwire::app {
TEST(Options, PollSessionLimits) {
  const auto defaults = parse_ok({});
  EXPECT_EQ(defaults.max_session_buffer_bytes, 1u << 20);
  EXPECT_EQ(defaults.session_grace_s, 30);
  const auto options = parse_ok({"--max-session-buffer-bytes", "4096", "--session-grace=0.5"});
  EXPECT_EQ(options.max_session_buffer_bytes, 4096u);
  EXPECT_EQ(options.session_grace_s, 0.5);
  for (const char* bad : {"1023", "1073741825"})
    EXPECT_NE(parse_error({"--max-session-buffer-bytes", bad}).find("out of range"), std::string::npos);
  EXPECT_NE(parse_error({"--session-grace", "0"}).find("out of range"), std::string::npos);
}

namespace {

TEST(OptionsAccess, SecretFromFlagFileAndEnvironmentInThatOrder) {
  EXPECT_EQ(parse_ok({"--jwt-secret", "flag"}).jwt_secret, "flag");
  EXPECT_EQ(parse_config("jwt-secret = \"file\"\n").options.jwt_secret, "file");
  ::setenv("PUSHWIRE_JWT_SECRET", "env", 1);
  EXPECT_EQ(parse_ok({}).jwt_secret, "env");
  EXPECT_EQ(parse_config("jwt-secret = \"file\"\n").options.jwt_secret, "file");
  EXPECT_EQ(parse_ok({"--jwt-secret", "flag"}).jwt_secret, "flag");
  ::unsetenv("PUSHWIRE_JWT_SECRET");
}

TEST(OptionsAccess, PublicChannelsRepeatWithoutTouchingAllowOrigin) {
  const Options options = parse_ok({"--jwt-secret", "s", "--public-channels", "news", "--public-channels", "lobby.*",
                                    "--allow-origin", "https://a.example"});
  EXPECT_EQ(options.public_channels, (std::vector<std::string>{"news", "lobby.*"}));
  EXPECT_EQ(options.allow_origins, (std::vector<std::string>{"https://a.example"}));
  EXPECT_EQ(parse_ok({"--jwt-secret", "s", "--public-channels", "x"}).allow_origins,
            (std::vector<std::string>{"*"}));
}

TEST(OptionsAccess, FlagsThatNeedEachOtherOrExcludeEachOther) {
  EXPECT_NE(parse_error({"--jwt-audience", "a"}).find("need --jwt-secret or --jwt-public-key"), std::string::npos);
  EXPECT_NE(parse_error({"--public-channels", "x"}).find("need --jwt-secret"), std::string::npos);
  EXPECT_NE(parse_error({"--jwt-secret", "s", "--public-channels", "a*b"}).find("channel pattern"),
            std::string::npos);
  EXPECT_NE(parse_error({"--jwt-public-key", "/nonexistent.pem"}).find("cannot read"), std::string::npos);
  ConfigFile not_a_key("hello");
  EXPECT_NE(parse_error({"--jwt-public-key", not_a_key.path()}).find("no PEM public key"), std::string::npos);
  EXPECT_NE(parse_error({"--max-token-bytes", "100"}).find("out of range"), std::string::npos);
  EXPECT_EQ(parse_ok({"--jwt-secret", "s", "--max-token-bytes", "1024"}).max_token_bytes, 1024u);
}

}  // namespace
}  // namespace pushwire::app

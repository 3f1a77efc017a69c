#include "options.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <map>

const char* technique_name(Technique t) {
  switch (t) {
    case Technique::kWebSocket:
      return "ws";
    case Technique::kSse:
      return "sse";
    case Technique::kStream:
      return "stream";
    case Technique::kLongPoll:
      return "longpoll";
  }
  return "?";
}

void print_usage() {
  std::fputs(R"(usage: pushwire-loadgen --sub-url URL [options]

Opens N subscribers, publishes numbered, timestamped messages and reports
delivered messages/s, loss, duplicates and latency percentiles; with --idle,
holds the connections and reports the server's memory per connection.
URL templates replace {channel}; hosts must be numeric IPv4 (or localhost).

Subscribers
  --sub-url URL             subscriber URL, ws://... or http://... (required);
                            wss://... and https://... for TLS (not verified)
  --also-sub-url URL        the same path on another server (repeatable): subscribers
                            alternate between the servers
  --technique T             ws | sse | stream | longpoll (default ws for ws:// URLs)
  -n, --subscribers N       subscriber connections (default 100)
  --channels K              subscribers spread round-robin over K channels (default 1)
  --channels-per-sub M      each subscriber holds M channels on its one connection:
                            subscriber i takes channels i*M .. i*M+M-1 (mod K), and
                            the query parameter holding {channel} in --sub-url is
                            repeated once per channel (default 1). A longpoll URL
                            with {channel} in its query opens a poll session
                            (GET /lp?channel=..&channel=.., then ?session=ID&ack=ID)
  --channel-prefix P        channels are named P0, P1, ... (default bench-PID-TIME-)
  --header 'Name: value'    extra header on subscriber requests (repeatable)
  --lp-since-param NAME     query parameter for the long-poll cursor (default since)

Publishing
  --pub-url URL             http(s)://... : POST the payload; ws(s)://... : publish op
  --rate R                  offer R messages/s in total, round-robin over channels
  --window W                keep at most W publishes in flight (default 1 without
                            --rate; with --rate, a second's worth)
  --publishers P            publisher connections (default 1); with W > P, HTTP
                            requests are pipelined
  --pub-header 'Name: value'  extra header on HTTP publishes (repeatable)
  --pub-ws-template T       text frame of a WebSocket publish; {channel} {data} {ref}
                            (default: {"op":"publish","channel":"{channel}","data":"{data}","ref":{ref}})
  --pub-ack ref|none        ws publishes: wait for a reply carrying "ref":N (default), or
                            count them as acknowledged when sent (rate mode only)
  --size B                  payload bytes (default 64)

Run
  --duration S              seconds of publishing (default 10); --idle: seconds to hold
  --settle S                pause between the last subscriber ready and the first
                            publish (default 1)
  --drain S                 longest wait for outstanding deliveries after the last
                            publish (default 5)
  --interval S              while publishing, print a JSON line every S seconds with
                            that interval's latency percentiles and deliveries
  --idle                    open the subscribers, hold them, report server RSS per connection
  --connect-concurrency C   connects and handshakes in progress at once (default 200)
  --connect-timeout S       subscribers not ready after S seconds are dropped (default 60)
  --source-addrs K          bind connections to 127.0.0.1 .. 127.0.0.K (default 4)
  --poll-interval US        look for ready sockets every US microseconds instead of
                            sleeping in epoll until one is ready (default 0: sleep);
                            adds up to US to a latency (see bench/README.md)
  --server-pid PID          sample this process's CPU time and RSS (repeatable; summed)
  --label TEXT              copied into the JSON result
  --json FILE               also write the JSON result line to FILE
  --quiet                   print only the JSON result line

Output: a human summary, then one JSON line (the last line of stdout).
Exit status: 0 ran, 1 bad usage, 2 could not run (nothing connected, no publisher).
)",
             stdout);
}

namespace {

bool to_int(const std::string& s, int& out, int min) {
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end || v < min || v > 100000000) return false;
  out = int(v);
  return true;
}

bool to_double(const std::string& s, double& out, double min) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end || !(v >= min)) return false;
  out = v;
  return true;
}

}  // namespace

bool parse_options(int argc, char** argv, Options& opt, std::string& error, bool& help) {
  help = false;
  bool technique_given = false;
  std::string pub_ack = "ref";
  using Setter = std::function<bool(const std::string&)>;
  auto integer = [](int& field, int min) {
    return Setter([&field, min](const std::string& v) { return to_int(v, field, min); });
  };
  auto real = [](double& field, double min) {
    return Setter([&field, min](const std::string& v) { return to_double(v, field, min); });
  };
  auto text = [](std::string& field) {
    return Setter([&field](const std::string& v) {
      field = v;
      return true;
    });
  };
  auto list = [](std::vector<std::string>& field) {
    return Setter([&field](const std::string& v) {
      if (v.find(':') == std::string::npos) return false;
      field.push_back(v);
      return true;
    });
  };
  std::map<std::string, Setter> with_value = {
      {"--sub-url", text(opt.sub_url_text)},
      {"--technique",
       [&](const std::string& v) {
         technique_given = true;
         if (v == "ws" || v == "websocket")
           opt.technique = Technique::kWebSocket;
         else if (v == "sse")
           opt.technique = Technique::kSse;
         else if (v == "stream")
           opt.technique = Technique::kStream;
         else if (v == "longpoll" || v == "lp")
           opt.technique = Technique::kLongPoll;
         else
           return false;
         return true;
       }},
      {"--subscribers", integer(opt.subscribers, 0)},
      {"-n", integer(opt.subscribers, 0)},
      {"--channels", integer(opt.channels, 1)},
      {"--channels-per-sub", integer(opt.channels_per_sub, 1)},
      {"--channel-prefix", text(opt.channel_prefix)},
      {"--header", list(opt.sub_headers)},
      {"--also-sub-url", Setter([&opt](const std::string& v) {
         opt.also_sub_url_texts.push_back(v);
         return true;
       })},
      {"--lp-since-param", text(opt.since_param)},
      {"--pub-url", text(opt.pub_url_text)},
      {"--rate", real(opt.rate, 0.001)},
      {"--window", integer(opt.window, 1)},
      {"--publishers", integer(opt.publishers, 1)},
      {"--pub-header", list(opt.pub_headers)},
      {"--pub-ws-template", text(opt.pub_ws_template)},
      {"--pub-ack", text(pub_ack)},
      {"--size", integer(opt.size, 1)},
      {"--duration", real(opt.duration, 0)},
      {"--settle", real(opt.settle, 0)},
      {"--drain", real(opt.drain, 0)},
      {"--interval", real(opt.interval, 0)},
      {"--connect-concurrency", integer(opt.connect_concurrency, 1)},
      {"--connect-timeout", real(opt.connect_timeout, 0.1)},
      {"--source-addrs", integer(opt.source_addrs, 1)},
      {"--poll-interval", integer(opt.poll_interval_us, 0)},
      {"--server-pid",
       [&](const std::string& v) {
         int pid = 0;
         if (!to_int(v, pid, 1)) return false;
         opt.server_pids.push_back(pid);
         return true;
       }},
      {"--label", text(opt.label)},
      {"--json", text(opt.json_path)},
  };

  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    std::string value;
    bool inline_value = false;
    if (arg.rfind("--", 0) == 0) {
      size_t eq = arg.find('=');
      if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg.resize(eq);
        inline_value = true;
      }
    }
    if (arg == "-h" || arg == "--help") {
      help = true;
      return true;
    }
    if (arg == "--idle" || arg == "--quiet") {
      (arg == "--idle" ? opt.idle : opt.quiet) = true;
      continue;
    }
    auto it = with_value.find(arg);
    if (it == with_value.end()) {
      error = "unknown option " + arg;
      return false;
    }
    if (!inline_value) {
      if (i + 1 >= argc) {
        error = arg + " needs a value";
        return false;
      }
      value = argv[++i];
    }
    if (!it->second(value)) {
      error = "bad value for " + arg + ": '" + value + "'";
      return false;
    }
  }

  if (opt.sub_url_text.empty()) {
    error = "--sub-url is required";
    return false;
  }
  if (!parse_url(opt.sub_url_text, opt.sub_url, error)) return false;
  if (!technique_given && opt.sub_url.scheme == "http") {
    error = "--technique is required for an http:// subscriber URL (sse, stream or longpoll)";
    return false;
  }
  if ((opt.technique == Technique::kWebSocket) != (opt.sub_url.scheme == "ws")) {
    error = std::string("technique ") + technique_name(opt.technique) + " does not fit URL scheme " +
            opt.sub_url.scheme;
    return false;
  }
  opt.sub_urls = {opt.sub_url};
  for (const std::string& text : opt.also_sub_url_texts) {
    Url url;
    if (!parse_url(text, url, error)) return false;
    if (url.scheme != opt.sub_url.scheme || url.target != opt.sub_url.target) {
      error = "--also-sub-url " + text + " must differ from --sub-url only in host and port";
      return false;
    }
    opt.sub_urls.push_back(url);
  }
  if (opt.channels_per_sub > opt.channels) {
    error = "--channels-per-sub cannot exceed --channels";
    return false;
  }
  const size_t channel_at = opt.sub_url.target.find("{channel}");
  if (opt.channels_per_sub > 1 && (channel_at == std::string::npos || opt.sub_url.target.find('?') > channel_at)) {
    error = "--channels-per-sub needs {channel} in the query of --sub-url (e.g. /sse?channel={channel})";
    return false;
  }
  if (pub_ack != "ref" && pub_ack != "none") {
    error = "--pub-ack must be ref or none";
    return false;
  }
  opt.pub_ack_ref = pub_ack == "ref";
  if (!opt.idle) {
    if (opt.pub_url_text.empty()) {
      error = "--pub-url is required (or --idle)";
      return false;
    }
    if (!parse_url(opt.pub_url_text, opt.pub_url, error)) return false;
    if (opt.rate == 0 && opt.window == 0) opt.window = 1;
    if (!opt.pub_ack_ref && opt.rate == 0) {
      error = "--pub-ack none needs --rate: without acknowledgments there is no window";
      return false;
    }
    if (opt.pub_url.scheme == "ws" && opt.pub_ws_template.find("{data}") == std::string::npos) {
      error = "--pub-ws-template needs {data}";
      return false;
    }
  }
  if (opt.channel_prefix.empty()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "bench-%d-%ld-", int(getpid()), long(std::time(nullptr)));
    opt.channel_prefix = buf;
  }
  if (opt.source_addrs > 254) opt.source_addrs = 254;
  return true;
}

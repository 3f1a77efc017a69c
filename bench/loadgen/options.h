// Command-line options of pushwire-loadgen (see usage() for their meaning).
#pragma once

#include <string>
#include <vector>

#include "url.h"

enum class Technique { kWebSocket, kSse, kStream, kLongPoll };

const char* technique_name(Technique t);

struct Options {
  // Subscribers
  std::string sub_url_text;
  Url sub_url;
  std::vector<std::string> also_sub_url_texts;
  std::vector<Url> sub_urls;  // sub_url, then the --also-sub-url servers: subscribers alternate over them
  Technique technique = Technique::kWebSocket;
  int subscribers = 100;
  int channels = 1;
  int channels_per_sub = 1;  // > 1: each subscriber holds several channels on its one connection
  std::string channel_prefix;
  std::vector<std::string> sub_headers;
  std::string since_param = "since";

  // Publishing
  std::string pub_url_text;
  Url pub_url;
  double rate = 0;  // msgs/s; 0: window mode
  int window = 0;   // publishes in flight at most; 0: unbounded (rate mode)
  int publishers = 1;
  std::vector<std::string> pub_headers;
  std::string pub_ws_template = R"({"op":"publish","channel":"{channel}","data":"{data}","ref":{ref}})";
  bool pub_ack_ref = true;
  int size = 64;

  // Run
  bool idle = false;
  double duration = 10;
  double settle = 1;
  double drain = 5;
  double interval = 0;  // seconds between progress lines while publishing; 0: none
  int connect_concurrency = 200;
  double connect_timeout = 60;
  int source_addrs = 4;
  int poll_interval_us = 0;  // 0: wait in epoll until a socket is ready
  std::vector<int> server_pids;
  std::string json_path;
  std::string label;
  bool quiet = false;
};

// Fills `opt` from argv. Returns false with `error` set on bad input; sets
// `help` when --help was asked for.
bool parse_options(int argc, char** argv, Options& opt, std::string& error, bool& help);
void print_usage();

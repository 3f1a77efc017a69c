#include "http/request_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pushwire::http {
namespace {

constexpr ParserLimits kSmallLimits{.max_header_bytes = 256, .max_body_bytes = 100};

// What a connection sees after feeding some input the way the server does.
struct Outcome {
  std::vector<Request> requests;
  RequestParser::Result last;
  std::string unconsumed;
};

// Feeds `input` in pieces of `piece` bytes, keeping unconsumed bytes for the next feed and
// taking every request as soon as it is ready, like a connection does.
Outcome feed_in_pieces(std::string_view input, size_t piece, ParserLimits limits = {}) {
  RequestParser parser(limits);
  Outcome out;
  std::string pending;
  for (size_t at = 0; at < input.size(); at += piece) {
    pending.append(input.substr(at, piece));
    for (;;) {
      out.last = parser.feed(pending);
      pending.erase(0, out.last.consumed);
      if (out.last.error != ParseError::none) return out;
      if (!out.last.request_ready) break;
      out.requests.push_back(parser.take_request());
    }
  }
  out.unconsumed = pending;
  return out;
}

Outcome feed_all(std::string_view input, ParserLimits limits = {}) {
  return feed_in_pieces(input, input.size(), limits);
}

Request parse_one(std::string_view input) {
  Outcome out = feed_all(input);
  EXPECT_EQ(out.last.error, ParseError::none) << out.last.error_reason;
  EXPECT_EQ(out.requests.size(), 1u);
  return out.requests.empty() ? Request{} : out.requests.front();
}

std::string value_of(const std::string* value) { return value ? *value : "<missing>"; }

// A request head of exactly `size` bytes, padded with a header.
std::string head_of_size(size_t size) {
  std::string head = "GET /pad HTTP/1.1\r\nHost: h\r\nX-Pad: \r\n\r\n";
  head.insert(head.find("\r\n\r\n"), size - head.size(), 'p');
  return head;
}

TEST(RequestParser, ParsesASimpleGet) {
  const std::string input =
      "GET /poll/news%2Dx?since=4&callback=a+b HTTP/1.1\r\n"
      "Host: example.com\r\n"
      "X-Custom-Header:   spaced value \t \r\n"
      "Empty:\r\n"
      "\r\n";
  RequestParser parser(ParserLimits{});
  RequestParser::Result result = parser.feed(input);
  EXPECT_EQ(result.consumed, input.size());
  ASSERT_TRUE(result.request_ready);
  EXPECT_EQ(result.error, ParseError::none);

  Request r = parser.take_request();
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/poll/news%2Dx?since=4&callback=a+b");
  EXPECT_EQ(r.path, "/poll/news-x");
  ASSERT_EQ(r.query.size(), 2u);
  EXPECT_EQ(value_of(r.query_param("since")), "4");
  EXPECT_EQ(value_of(r.query_param("callback")), "a b");
  EXPECT_EQ(r.query_param("timeout"), nullptr);
  ASSERT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(r.headers[1].name, "x-custom-header");
  EXPECT_EQ(value_of(r.header("x-custom-header")), "spaced value");
  EXPECT_EQ(value_of(r.header("empty")), "");
  EXPECT_EQ(r.header("X-Custom-Header"), nullptr);
  EXPECT_EQ(r.http_major, 1);
  EXPECT_EQ(r.http_minor, 1);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_FALSE(r.upgrade);
  EXPECT_TRUE(r.body.empty());
}

TEST(RequestParser, KeepsRepeatedHeadersInOrder) {
  Request r = parse_one(
      "GET / HTTP/1.1\r\nHost: h\r\nAccept: a\r\nX-Other: 1\r\nACCEPT: b\r\naccept: c\r\n\r\n");
  std::vector<std::string> accepts;
  for (const Header& h : r.headers) {
    if (h.name == "accept") accepts.push_back(h.value);
  }
  EXPECT_EQ(accepts, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(value_of(r.header("accept")), "a");
}

TEST(RequestParser, JoinsTheLinesOfAListHeader) {
  Request r = parse_one(
      "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nX-Other: 1\r\nconnection: Upgrade, x\r\n"
      "Connection:\r\nConnection: last\r\n\r\n");
  EXPECT_EQ(r.header_list("connection"), "keep-alive, Upgrade, x, last");  // the empty line adds nothing
  EXPECT_EQ(r.header_count("connection"), 4u);
  EXPECT_EQ(r.header_list("x-other"), "1");
  EXPECT_EQ(r.header_list("absent"), "");
  EXPECT_EQ(r.header_count("absent"), 0u);
}

TEST(RequestParser, KeepAliveRules) {
  EXPECT_TRUE(parse_one("GET / HTTP/1.1\r\nHost: h\r\n\r\n").keep_alive);
  EXPECT_FALSE(parse_one("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").keep_alive);
  Request old = parse_one("GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(old.http_minor, 0);
  EXPECT_FALSE(old.keep_alive);
  EXPECT_TRUE(parse_one("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
}

TEST(RequestParser, ReadsAContentLengthBody) {
  Request r = parse_one(
      "POST /pub/news?event=alert HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/pub/news");
  EXPECT_EQ(r.body, "hello world");
}

TEST(RequestParser, DeChunksABodyWithExtensionsAndTrailers) {
  Request r = parse_one(
      "POST /pub/c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;flag;name=value\r\nhello\r\n"
      "1\r\n \r\n"
      "5;ext=\"quoted\";flag\r\nworld\r\n"
      "0;last\r\nX-Trailer: dropped\r\n\r\n");
  EXPECT_EQ(r.body, "hello world");
  EXPECT_EQ(r.header("x-trailer"), nullptr);
  EXPECT_EQ(value_of(r.header("transfer-encoding")), "chunked");
}

const std::string kFirst = "GET /one HTTP/1.1\r\nHost: h\r\n\r\n";
const std::string kSecond = "POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
const std::string kThird = "GET /three?x=1 HTTP/1.1\r\nHost: h\r\n\r\n";
const std::string kPipeline = kFirst + kSecond + kThird;

TEST(RequestParser, StopsAfterEachPipelinedRequest) {
  RequestParser parser(ParserLimits{});
  std::string_view rest = kPipeline;
  for (const std::string& expected : {kFirst, kSecond, kThird}) {
    RequestParser::Result result = parser.feed(rest);
    ASSERT_TRUE(result.request_ready);
    ASSERT_EQ(result.error, ParseError::none);
    EXPECT_EQ(result.consumed, expected.size());
    Request r = parser.take_request();
    EXPECT_EQ(r.target, expected.substr(expected.find(' ') + 1,
                                        expected.find(" HTTP") - expected.find(' ') - 1));
    rest.remove_prefix(result.consumed);
  }
  EXPECT_TRUE(rest.empty());
}

TEST(RequestParser, AReadyRequestBlocksFurtherInputUntilTaken) {
  RequestParser parser(ParserLimits{});
  ASSERT_TRUE(parser.feed(kPipeline).request_ready);
  RequestParser::Result again = parser.feed(kPipeline);
  EXPECT_TRUE(again.request_ready);
  EXPECT_EQ(again.consumed, 0u);
  EXPECT_EQ(parser.take_request().path, "/one");
}

void expect_same_as_whole(const Outcome& whole, const Outcome& pieces, size_t piece) {
  ASSERT_EQ(pieces.last.error, ParseError::none) << "piece " << piece;
  ASSERT_EQ(pieces.requests.size(), whole.requests.size()) << "piece " << piece;
  for (size_t i = 0; i < whole.requests.size(); ++i) {
    const Request& a = whole.requests[i];
    const Request& b = pieces.requests[i];
    EXPECT_EQ(a.method, b.method);
    EXPECT_EQ(a.target, b.target);
    EXPECT_EQ(a.path, b.path);
    EXPECT_EQ(a.query, b.query);
    EXPECT_EQ(a.body, b.body);
    ASSERT_EQ(a.headers.size(), b.headers.size());
    for (size_t h = 0; h < a.headers.size(); ++h) {
      EXPECT_EQ(a.headers[h].name, b.headers[h].name);
      EXPECT_EQ(a.headers[h].value, b.headers[h].value);
    }
  }
}

TEST(RequestParser, GivesTheSameRequestsWhateverTheSplit) {
  const std::string input = kPipeline +
                            "POST /pub/c?event=e HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                            "X-Spaced: a b\r\n\r\n"
                            "3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: v\r\n\r\n"
                            "GET /last HTTP/1.0\r\n\r\n";
  Outcome whole = feed_all(input);
  ASSERT_EQ(whole.last.error, ParseError::none);
  ASSERT_EQ(whole.requests.size(), 5u);
  EXPECT_EQ(whole.requests[3].body, "abcde");
  EXPECT_EQ(value_of(whole.requests[3].header("x-spaced")), "a b");
  for (size_t piece : {1, 2, 3, 7, 64}) {
    expect_same_as_whole(whole, feed_in_pieces(input, piece), piece);
  }
}

TEST(RequestParser, GivesTheSameRequestsForEveryTwoPieceSplit) {
  const std::string input =
      "POST /pub/c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;x\r\nabc\r\n0\r\n\r\n" +
      kPipeline;
  Outcome whole = feed_all(input);
  for (size_t split = 1; split < input.size(); ++split) {
    RequestParser parser(ParserLimits{});
    Outcome out;
    std::string pending;
    for (std::string_view part : {std::string_view(input).substr(0, split),
                                  std::string_view(input).substr(split)}) {
      pending.append(part);
      for (out.last = parser.feed(pending); out.last.request_ready;
           out.last = parser.feed(pending)) {
        pending.erase(0, out.last.consumed);
        out.requests.push_back(parser.take_request());
      }
      pending.erase(0, out.last.consumed);
    }
    EXPECT_TRUE(pending.empty());
    expect_same_as_whole(whole, out, split);
  }
}

TEST(RequestParser, StopsAfterTheHeadOfAnUpgrade) {
  const std::string head =
      "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  const std::string frame = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  RequestParser parser(ParserLimits{});
  RequestParser::Result result = parser.feed(head + frame);
  ASSERT_TRUE(result.request_ready);
  EXPECT_EQ(result.consumed, head.size());
  Request r = parser.take_request();
  EXPECT_TRUE(r.upgrade);
  EXPECT_EQ(r.path, "/ws");
  EXPECT_EQ(value_of(r.header("upgrade")), "websocket");
}

TEST(RequestParser, AnUpgradeHeaderWithoutConnectionUpgradeIsNotAnUpgrade) {
  EXPECT_FALSE(parse_one("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n").upgrade);
}

TEST(RequestParser, AcceptsAsteriskOnlyForOptions) {
  EXPECT_EQ(parse_one("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").path, "*");
  EXPECT_EQ(feed_all("GET * HTTP/1.1\r\nHost: h\r\n\r\n").last.error, ParseError::bad_request);
}

TEST(RequestParser, ReducesAbsoluteFormToItsPath) {
  Request r = parse_one("GET http://example.com/poll/a?since=0 HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(r.target, "http://example.com/poll/a?since=0");
  EXPECT_EQ(r.path, "/poll/a");
  EXPECT_EQ(value_of(r.query_param("since")), "0");
}

TEST(RequestParser, RejectsMalformedRequests) {
  using namespace std::literals;
  const std::string_view malformed[] = {
      "garbage\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: h\r\nBad Header: x\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: h\r\nX : smuggled\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n"sv,
      "GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET /a%00b HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET /a?b=%4 HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET a/b HTTP/1.1\r\nHost: h\r\n\r\n",
      "CONNECT example.com:443 HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET / HTTP/2.0\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
  };
  for (std::string_view bad : malformed) {
    Outcome out = feed_all(bad);
    EXPECT_EQ(out.last.error, ParseError::bad_request) << bad;
    EXPECT_TRUE(out.requests.empty()) << bad;
    EXPECT_FALSE(out.last.error_reason.empty()) << bad;
  }
}

TEST(RequestParser, AnErrorIsFinal) {
  RequestParser parser(ParserLimits{});
  RequestParser::Result first = parser.feed("BAD\x01 / HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(first.error, ParseError::bad_request);
  RequestParser::Result again = parser.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(again.error, ParseError::bad_request);
  EXPECT_EQ(again.error_reason, first.error_reason);
  EXPECT_FALSE(again.request_ready);
  EXPECT_EQ(again.consumed, 0u);
}

TEST(RequestParser, AHeadOfExactlyTheLimitPasses) {
  const std::string head = head_of_size(kSmallLimits.max_header_bytes);
  ASSERT_EQ(head.size(), 256u);
  for (size_t piece : {head.size(), size_t{1}}) {
    Outcome out = feed_in_pieces(head, piece, kSmallLimits);
    EXPECT_EQ(out.last.error, ParseError::none) << out.last.error_reason;
    EXPECT_EQ(out.requests.size(), 1u);
  }
}

TEST(RequestParser, AHeadOneByteOverTheLimitFails) {
  const std::string head = head_of_size(kSmallLimits.max_header_bytes + 1);
  for (size_t piece : {head.size(), size_t{1}}) {
    Outcome out = feed_in_pieces(head, piece, kSmallLimits);
    EXPECT_EQ(out.last.error, ParseError::headers_too_large);
    EXPECT_TRUE(out.requests.empty());
  }
}

TEST(RequestParser, TheHeadLimitAppliesToEachPipelinedRequest) {
  const std::string head = head_of_size(kSmallLimits.max_header_bytes);
  Outcome out = feed_all(head + head + head, kSmallLimits);
  EXPECT_EQ(out.last.error, ParseError::none);
  EXPECT_EQ(out.requests.size(), 3u);
}

TEST(RequestParser, RefusesAnEndlessHeadWithoutWaitingForItsEnd) {
  std::string endless = "GET / HTTP/1.1\r\nHost: h\r\nX-Endless: " + std::string(100000, 'a');
  RequestParser parser(kSmallLimits);
  RequestParser::Result result = parser.feed(endless);
  EXPECT_EQ(result.error, ParseError::headers_too_large);
  EXPECT_LE(result.consumed, kSmallLimits.max_header_bytes + 1);
}

TEST(RequestParser, AContentLengthOfExactlyTheLimitPasses) {
  Request r = feed_all("POST /pub/a HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n" +
                           std::string(100, 'x'),
                       kSmallLimits)
                  .requests.at(0);
  EXPECT_EQ(r.body.size(), 100u);
}

TEST(RequestParser, AContentLengthOverTheLimitFailsBeforeTheBodyArrives) {
  RequestParser parser(kSmallLimits);
  RequestParser::Result result =
      parser.feed("POST /pub/a HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n");
  EXPECT_EQ(result.error, ParseError::body_too_large);
  EXPECT_FALSE(result.error_reason.empty());
}

TEST(RequestParser, AChunkedBodyMayReachButNotPassTheLimit) {
  const std::string head = "POST /pub/a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string fifty(50, 'x');
  Outcome exact = feed_all(head + "32\r\n" + fifty + "\r\n32\r\n" + fifty + "\r\n0\r\n\r\n",
                           kSmallLimits);
  ASSERT_EQ(exact.last.error, ParseError::none);
  EXPECT_EQ(exact.requests.at(0).body.size(), 100u);

  // Refused at the size line of the chunk that goes over, before its data.
  Outcome over = feed_all(head + "32\r\n" + fifty + "\r\n33\r\n", kSmallLimits);
  EXPECT_EQ(over.last.error, ParseError::body_too_large);
  EXPECT_EQ(feed_all(head + "ffffffffffff\r\n", kSmallLimits).last.error,
            ParseError::body_too_large);
}

TEST(RequestParser, BoundsTheFramingOfAChunkedBody) {
  std::string input = "POST /pub/a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;";
  input.append(kSmallLimits.max_body_bytes + kSmallLimits.max_header_bytes, 'e');
  EXPECT_EQ(feed_all(input, kSmallLimits).last.error, ParseError::body_too_large);
}

// Expect: 100-continue

const std::string kExpectHead =
    "POST /pub/a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n";

TEST(RequestParser, AsksForAContinueWhenTheHeadArrivesBeforeTheBody) {
  RequestParser parser(ParserLimits{});
  RequestParser::Result head = parser.feed(kExpectHead);
  EXPECT_EQ(head.error, ParseError::none) << head.error_reason;
  EXPECT_EQ(head.consumed, kExpectHead.size());
  EXPECT_FALSE(head.request_ready);
  EXPECT_TRUE(head.expects_continue);

  RequestParser::Result body = parser.feed("hello");
  EXPECT_EQ(body.consumed, 5u);
  ASSERT_TRUE(body.request_ready);
  EXPECT_FALSE(body.expects_continue);
  Request r = parser.take_request();
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(value_of(r.header("expect")), "100-continue");
}

TEST(RequestParser, MatchesTheContinueExpectationIgnoringCase) {
  for (std::string_view expect : {"100-Continue", "100-CONTINUE", "  100-continue \t",
                                  "foo, 100-continue", "100-continue,bar=1"}) {
    RequestParser parser(ParserLimits{});
    RequestParser::Result head = parser.feed(
        "POST /pub/a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nEXPECT: " + std::string(expect) +
        "\r\n\r\n");
    EXPECT_EQ(head.error, ParseError::none) << expect;
    EXPECT_TRUE(head.expects_continue) << expect;
  }
}

TEST(RequestParser, AsksForAContinueOnlyInTheFeedThatCompletesTheHead) {
  const std::string input = kExpectHead + "hello";
  RequestParser parser(ParserLimits{});
  std::vector<size_t> asked_at;  // input bytes fed when the flag was set
  std::string pending;
  bool ready = false;
  for (size_t at = 0; at < input.size(); ++at) {
    pending += input[at];
    RequestParser::Result result = parser.feed(pending);
    ASSERT_EQ(result.error, ParseError::none);
    pending.erase(0, result.consumed);
    if (result.expects_continue) asked_at.push_back(at + 1);
    EXPECT_FALSE(result.expects_continue && result.request_ready);
    ready = result.request_ready;
  }
  ASSERT_TRUE(ready);
  EXPECT_EQ(parser.take_request().body, "hello");
  EXPECT_EQ(asked_at, std::vector<size_t>{kExpectHead.size()});
}

TEST(RequestParser, AsksForAContinueWhenPartOfTheBodyCameWithTheHead) {
  RequestParser parser(ParserLimits{});
  RequestParser::Result result = parser.feed(kExpectHead + "hel");
  EXPECT_FALSE(result.request_ready);
  EXPECT_TRUE(result.expects_continue);
  EXPECT_FALSE(parser.feed("l").expects_continue);
  RequestParser::Result last = parser.feed("o");
  EXPECT_TRUE(last.request_ready);
  EXPECT_FALSE(last.expects_continue);
}

TEST(RequestParser, AsksForAContinueBeforeAChunkedBody) {
  RequestParser parser(ParserLimits{});
  RequestParser::Result head = parser.feed(
      "POST /pub/a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(head.error, ParseError::none);
  EXPECT_TRUE(head.expects_continue);
  RequestParser::Result body = parser.feed("5\r\nhello\r\n0\r\n\r\n");
  ASSERT_TRUE(body.request_ready);
  EXPECT_FALSE(body.expects_continue);
  EXPECT_EQ(parser.take_request().body, "hello");
}

TEST(RequestParser, NoContinueWhenTheRequestCompletesInTheSameFeed) {
  const std::string bodiless[] = {
      kExpectHead + "hello",
      "POST /pub/a HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n",
      "GET /poll/a HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n",
      "POST /pub/a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
      "0\r\n\r\n",
  };
  for (const std::string& input : bodiless) {
    RequestParser parser(ParserLimits{});
    RequestParser::Result result = parser.feed(input + kFirst);
    EXPECT_TRUE(result.request_ready) << input;
    EXPECT_EQ(result.consumed, input.size()) << input;
    EXPECT_FALSE(result.expects_continue) << input;
    parser.take_request();
    // The next pipelined request has no Expect of its own.
    RequestParser::Result next = parser.feed(kFirst);
    EXPECT_TRUE(next.request_ready);
    EXPECT_FALSE(next.expects_continue);
  }
}

TEST(RequestParser, AContentLengthOverTheLimitGetsA413InsteadOfAContinue) {
  RequestParser parser(kSmallLimits);
  RequestParser::Result result = parser.feed(
      "POST /pub/a HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(result.error, ParseError::body_too_large);
  EXPECT_FALSE(result.expects_continue);
  RequestParser::Result again = parser.feed(std::string(101, 'x'));
  EXPECT_EQ(again.error, ParseError::body_too_large);
  EXPECT_FALSE(again.expects_continue);

  // At the limit, the client may go on.
  RequestParser at_limit(kSmallLimits);
  EXPECT_TRUE(at_limit
                  .feed("POST /pub/a HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n"
                        "Expect: 100-continue\r\n\r\n")
                  .expects_continue);
}

TEST(RequestParser, NoContinueWhenTheRequestFailsInTheSameFeed) {
  const std::string failing[] = {
      // A bad head.
      "POST /a%zz HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
      // A bad chunk right after the head.
      "POST /pub/a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
      "zz\r\n",
      // A chunk over the body limit right after the head.
      "POST /pub/a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
      "65\r\n",
  };
  for (const std::string& input : failing) {
    RequestParser::Result result = RequestParser(kSmallLimits).feed(input);
    EXPECT_NE(result.error, ParseError::none) << input;
    EXPECT_FALSE(result.expects_continue) << input;
  }
}

TEST(RequestParser, NoContinueWithoutTheContinueExpectation) {
  for (std::string_view expect : {"", "Expect: \r\n", "Expect: foo\r\n",
                                  "Expect: 200-continue\r\n", "Expect: 100-continue-x\r\n",
                                  "X-Expect: 100-continue\r\n"}) {
    RequestParser parser(ParserLimits{});
    RequestParser::Result head = parser.feed(
        "POST /pub/a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n" + std::string(expect) + "\r\n");
    EXPECT_EQ(head.error, ParseError::none) << expect;
    EXPECT_FALSE(head.request_ready) << expect;
    EXPECT_FALSE(head.expects_continue) << expect;
    RequestParser::Result body = parser.feed("hello");
    EXPECT_TRUE(body.request_ready) << expect;
    EXPECT_EQ(parser.take_request().body, "hello") << expect;
  }
}

TEST(RequestParser, IgnoresTheContinueExpectationOfAnHttp10Request) {
  // RFC 9110 10.1.1: a server MUST ignore a 100-continue expectation in an HTTP/1.0 request.
  RequestParser parser(ParserLimits{});
  RequestParser::Result head = parser.feed(
      "POST /pub/a HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(head.error, ParseError::none);
  EXPECT_FALSE(head.expects_continue);
}

}  // namespace
}  // namespace pushwire::http

namespace pushwire::http {
namespace {

// Each of these lets a lenient proxy and this server disagree about a request.
TEST(RequestParserStrict, RefusesObsFoldContinuationLines) {
  for (const char* input : {"GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n two\r\n\r\n",
                            "POST /pub/a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n"}) {
    Outcome out = feed_all(input);
    EXPECT_EQ(out.last.error, ParseError::bad_request) << input;
    EXPECT_TRUE(out.requests.empty()) << input;
  }
}

TEST(RequestParserStrict, RefusesHttp11WithoutHost) {
  Outcome out = feed_all("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n");
  EXPECT_EQ(out.last.error, ParseError::bad_request);
  EXPECT_EQ(out.last.error_reason, "HTTP/1.1 requests need a Host header");
}

TEST(RequestParserStrict, RefusesADuplicatedHost) {
  for (const char* input : {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n"}) {
    Outcome out = feed_all(input);
    EXPECT_EQ(out.last.error, ParseError::bad_request) << input;
    EXPECT_EQ(out.last.error_reason, "Host appears more than once");
  }
}

TEST(RequestParserStrict, TakesHttp10WithoutHost) {
  EXPECT_EQ(parse_one("GET /healthz HTTP/1.0\r\n\r\n").path, "/healthz");
}

TEST(RequestParserStrict, RefusesHttp10WithTransferEncoding) {
  Outcome out = feed_all("POST /pub/a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n");
  EXPECT_EQ(out.last.error, ParseError::bad_request);
  EXPECT_TRUE(out.requests.empty());
}

}  // namespace
}  // namespace pushwire::http

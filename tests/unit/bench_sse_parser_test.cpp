// The load generator's text/event-stream parser: the benchmark's SSE figures
// are only as right as this.
#include "../../bench/loadgen/sse.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using Events = std::vector<std::pair<std::string, std::string>>;

Events parse_in_pieces(const std::string& stream, size_t piece) {
  SseParser parser;
  Events events;
  for (size_t i = 0; i < stream.size(); i += piece) {
    const size_t n = std::min(piece, stream.size() - i);
    parser.feed(stream.data() + i, n, [&](const std::string& event, const std::string& data) {
      events.emplace_back(event, data);
    });
  }
  return events;
}

void expect_same_in_any_pieces(const std::string& stream, const Events& expected) {
  for (size_t piece = 1; piece <= stream.size(); ++piece)
    EXPECT_EQ(parse_in_pieces(stream, piece), expected) << "read in pieces of " << piece;
}

TEST(BenchSseParser, DispatchesEventsOnBlankLines) {
  expect_same_in_any_pieces("id: 1\nevent: tick\ndata: a\n\ndata: b\n\n", {{"tick", "a"}, {"", "b"}});
}

TEST(BenchSseParser, JoinsDataLinesWithLineFeeds) {
  expect_same_in_any_pieces("data: one\ndata:two\n\n", {{"", "one\ntwo"}});
}

TEST(BenchSseParser, AcceptsCrLfAndBareCrLineEnds) {
  expect_same_in_any_pieces("data: crlf\r\n\r\ndata: cr\r\rdata: lf\n\n", {{"", "crlf"}, {"", "cr"}, {"", "lf"}});
}

TEST(BenchSseParser, AnEmptyReadBetweenCrAndLfEndsOneLineOnly) {
  SseParser parser;
  Events events;
  auto collect = [&](const std::string& event, const std::string& data) { events.emplace_back(event, data); };
  for (const std::string piece : {"data: x\r", "", "\ndata: y\n\n"}) parser.feed(piece.data(), piece.size(), collect);
  EXPECT_EQ(events, (Events{{"", "x\ny"}}));
}

TEST(BenchSseParser, SkipsCommentsAndEventsWithoutData) {
  expect_same_in_any_pieces(": heartbeat\n\nevent: empty\n\ndata: x\n\n", {{"", "x"}});
}

TEST(BenchSseParser, KeepsAnUnfinishedEventForLater) {
  EXPECT_EQ(parse_in_pieces("data: whole\n\ndata: half", 64), (Events{{"", "whole"}}));
}

}  // namespace

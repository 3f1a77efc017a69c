#include "ws/permessage_deflate.h"

#include <gtest/gtest.h>

namespace pushwire::ws {
namespace {

constexpr std::string_view kPlainResponse =
    "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

std::string response_to(std::string_view offers) {
  const auto agreement = negotiate_deflate(offers);
  return agreement ? agreement->response : "declined";
}

// A client that did not offer client_no_context_takeover is told to use it
// anyway, so that the server keeps no inflate state between its messages.
TEST(PermessageDeflate, AsksEveryClientForNoContextTakeover) {
  const auto agreement = negotiate_deflate("permessage-deflate");
  ASSERT_TRUE(agreement);
  EXPECT_EQ(agreement->response, kPlainResponse);
  EXPECT_TRUE(agreement->params.client_no_context_takeover);
}

TEST(PermessageDeflate, AcceptsWhatBrowsersOffer) {
  EXPECT_EQ(response_to("permessage-deflate; client_max_window_bits"), kPlainResponse);
  EXPECT_EQ(response_to("permessage-deflate; client_max_window_bits=10"), kPlainResponse);
  EXPECT_EQ(response_to("permessage-deflate;client_max_window_bits=\"15\""), kPlainResponse);
}

TEST(PermessageDeflate, AcceptsClientNoContextTakeover) {
  const auto agreement = negotiate_deflate("permessage-deflate; client_no_context_takeover");
  ASSERT_TRUE(agreement);
  EXPECT_EQ(agreement->response, kPlainResponse);
  EXPECT_TRUE(agreement->params.client_no_context_takeover);
}

TEST(PermessageDeflate, AcceptsServerNoContextTakeover) {
  EXPECT_EQ(response_to("permessage-deflate; server_no_context_takeover"), kPlainResponse);
}

TEST(PermessageDeflate, AnswersServerMaxWindowBitsItCanHonour) {
  EXPECT_EQ(response_to("permessage-deflate; server_max_window_bits=15"),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15");
  EXPECT_EQ(response_to("permessage-deflate; server_max_window_bits=\"15\""),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15");
  for (std::string_view smaller : {"8", "9", "10", "14"})
    EXPECT_EQ(response_to("permessage-deflate; server_max_window_bits=" + std::string(smaller)), "declined");
}

TEST(PermessageDeflate, DeclinesBadParameters) {
  for (std::string_view offer : {
           "permessage-deflate; server_max_window_bits",
           "permessage-deflate; server_max_window_bits=16",
           "permessage-deflate; client_max_window_bits=7",
           "permessage-deflate; client_max_window_bits=08",
           "permessage-deflate; client_max_window_bits=abc",
           "permessage-deflate; client_max_window_bits=\"\"",
           "permessage-deflate; client_no_context_takeover=1",
           "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
           "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
           "permessage-deflate; unknown_parameter",
           "permessage-deflate; =15",
           "permessage-deflate; client_max_window_bits=\"15",
           "permessage-deflate client_max_window_bits",
       })
    EXPECT_EQ(response_to(offer), "declined") << offer;
}

TEST(PermessageDeflate, TakesTheFirstOfferItCanHonour) {
  const auto agreement = negotiate_deflate(
      "permessage-deflate; server_max_window_bits=10, permessage-deflate; client_no_context_takeover, "
      "permessage-deflate");
  ASSERT_TRUE(agreement);
  EXPECT_TRUE(agreement->params.client_no_context_takeover);
}

TEST(PermessageDeflate, IgnoresOtherExtensions) {
  EXPECT_EQ(response_to("x-webkit-deflate-frame, permessage-deflate; client_max_window_bits"), kPlainResponse);
  EXPECT_EQ(response_to("foo; bar=\"a,b;c\", permessage-deflate"), kPlainResponse);
  EXPECT_EQ(response_to(" , permessage-deflate ;\tclient_no_context_takeover ,"),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
  EXPECT_EQ(response_to("x-webkit-deflate-frame"), "declined");
  EXPECT_EQ(response_to(""), "declined");
}

}  // namespace
}  // namespace pushwire::ws

#pragma once
#include <string_view>

namespace pushwire::util {

// Whether a presented secret equals the configured one, in time that does not
// depend on where they first differ (only on their lengths).
bool secret_equal(std::string_view presented, std::string_view expected);

}  // namespace pushwire::util

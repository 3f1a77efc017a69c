#pragma once
#include <string>
#include <string_view>

namespace pushwire::util {

// Appends `text` as a JSON string literal (with quotes) to `out`. Besides the
// escapes JSON requires, '<', '>' and '&' become \u003c, \u003e and \u0026,
// and U+2028/U+2029 become \u2028/\u2029, so that the literal is also safe
// inside an HTML <script> element and in JavaScript (JSONP, forever-iframe).
void append_json_string(std::string& out, std::string_view text);

std::string json_string(std::string_view text);

}  // namespace pushwire::util

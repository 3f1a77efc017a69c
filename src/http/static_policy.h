#pragma once
#include <string>
#include <string_view>

#include "http/response_head.h"

namespace pushwire::http {

// What a file served under / may do in a browser: scripts, styles and
// connections of this origin only, no plugins, no <base>; an SVG is
// sandboxed (it is an image, never a script on this origin). `html` is the
// page when the caller has it whole: the hashes of its inline scripts are
// allowed, so a page of ours may keep a small inline script.
std::string static_csp(std::string_view path, std::string_view html = {});

std::string_view content_type_for(std::string_view path);

// The headers of a static file: its type, the policy, and for a type we do
// not know, an attachment (a browser downloads it rather than guessing).
HeaderList static_file_headers(std::string_view path, std::string csp);

}  // namespace pushwire::http

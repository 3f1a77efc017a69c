#pragma once
#include "http/router.h"
#include "http/static_files.h"
#include "transports/context.h"

namespace pushwire::app {

// Every endpoint of the contract, bound to one worker's context.
void add_routes(http::Router& router, transports::Context& context, const http::StaticFiles& static_files);

}  // namespace pushwire::app

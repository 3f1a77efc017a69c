#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pushwire::http {

class Exchange;

// Maps a path to its handler. A route whose path ends in '/' is a prefix
// ("/poll/" matches "/poll/news" with rest "news"); others match exactly.
// Paths no route matches go to the fallback (static files), with any method,
// OPTIONS included.
class Router {
 public:
  using Handler = std::function<void(Exchange&, std::string_view rest)>;
  struct Route {
    std::string path;
    std::string methods;  // "GET, POST": for 405 checks and CORS preflight
    Handler handle;
    bool allows(std::string_view method) const;
  };

  void add(std::string path, std::string methods, Handler handle);
  void set_fallback(Handler handle) { fallback_ = std::move(handle); }

  // The route for `path`, with `rest` set to what follows a prefix; nullptr
  // when only the fallback applies.
  const Route* match(std::string_view path, std::string_view& rest) const;
  const Handler& fallback() const { return fallback_; }

  // Answers `exchange` by its route: preflights, 404 through the fallback,
  // 405, or the route's handler. Every HTTP version's requests come here.
  void dispatch(Exchange& exchange) const;

 private:
  std::vector<Route> routes_;
  Handler fallback_;
};

}  // namespace pushwire::http

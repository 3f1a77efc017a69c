#include "app/options.h"

namespace pushwire::app {

// What --help prints: every flag of options.cpp's table, grouped, with its default.
std::string help_text() {
  return R"(Usage: pushwire [--config FILE] [FLAG]...

pushwire is a realtime push server. Clients subscribe to named channels and
receive every message published to a channel, over whichever technique they
can use: WebSocket, Server-Sent Events, HTTP streaming, long-polling, polling,
a forever-iframe or JSONP. A message is published with an HTTP POST to
/pub/CHANNEL. The server keeps the newest messages of each channel, so a
client that reconnects resumes where it left off. The built-in demo page at
/ shows it working.

Every flag can also be set in a TOML file given with --config FILE, with the
flag's name as the key: history = 50, publish-key = "s3cret",
allow-origin = ["https://a.example", "https://b.example"], ws-deflate = false.
A flag on the command line wins over the file.

A flag's value follows it as --flag VALUE or --flag=VALUE. S stands for a
number of seconds and may have a fraction (0.5); N for a whole number.

Listening:
  --listen HOST:PORT     where to accept connections. HOST is an IPv4 address,
                         an IPv6 address in brackets ([::1]:8080) or localhost;
                         0.0.0.0 accepts connections on every interface. Port 0
                         picks a free port, shown in the "listening on" line.
                         (default: 127.0.0.1:8080)
  --threads N            event-loop threads, 1 to 256
                         (default: the number of CPU cores)
  --idle-timeout S       close a keep-alive connection that has had no request
                         for S seconds (default: 60)
  --linger S             after the server closes a connection, read and drop
                         what the client still sends until it closes too, for
                         at most S seconds, so that it sees the answer rather
                         than a reset; 0 to 60, 0: off (default: 2)

Publishing and browsers:
  --publish-key KEY      require "Authorization: Bearer KEY" on every publish;
                         a WebSocket client sends {"op":"auth","key":KEY} first.
                         Subscribing stays open unless access control is on.
                         (default: none, anyone may publish)
  --allow-origin ORIGIN  a web origin whose pages may use pushwire (CORS),
                         written scheme://host[:port]; repeat the flag to allow
                         several, or give * to allow any page (default: *)
  --max-message-bytes N  largest message accepted, 1 to 67108864 (64 MiB);
                         a larger publish is refused with 413 (default: 65536)

Access control (off unless --jwt-secret or --jwt-public-key is given):
  --jwt-secret SECRET    check tokens (JWT) signed with HS256, HS384 or HS512
                         and this secret. A command line is visible to every
                         user of the machine (ps): prefer jwt-secret in the
                         --config file or the environment variable
                         PUSHWIRE_JWT_SECRET (default: none)
  --jwt-public-key FILE  check tokens signed with the private half of this
                         PEM public key: RSA (RS256/384/512, PS256/384/512),
                         EC P-256 (ES256), EC P-384 (ES384) or Ed25519 (EdDSA)
  --jwt-issuer ISSUER    also require the token's "iss" to be ISSUER
  --jwt-audience AUD     also require the token's "aud" to be or hold AUD
  --public-channels PATTERN
                         channels anyone may subscribe to without a token: a
                         channel name, or a prefix ending in * (news.*);
                         repeat the flag for several (default: none)
  --max-token-bytes N    longest token taken, 256 to 65536 (default: 8192)

  With access control on, subscribing needs a token whose "subscribe" claim
  matches the channel, and publishing one whose "publish" claim does (or the
  publish key). Tokens come as "Authorization: Bearer TOKEN" or ?token=TOKEN.

Message history:
  --history N            messages kept per channel, so that a client that
                         polls or reconnects gets what it missed, 0 to 1000000
                         (default: 100)
  --history-ttl S        seconds a message is kept (default: 300)

Subscribers:
  --heartbeat S          seconds between keep-alive signals on open streams and
                         WebSockets, so that proxies do not close them
                         (default: 15)
  --max-pending-bytes N  bytes a subscriber may fall behind by before it is
                         disconnected, so that a slow client cannot hold up the
                         server; it resumes from history when it reconnects.
                         Also the unsent answers past which a client's
                         pipelined requests wait. 1024 to 1073741824
                         (default: 1048576, 1 MiB)
  --max-sessions N       sessions (multi-channel streams and poll sessions) open
                         on the whole server, 1 to 100000000; more are refused
                         with 503 too_many_sessions (default: 100000)
  --max-session-buffer-bytes N
                         messages a poll session (long-poll, poll, JSONP) keeps
                         for its client between polls, 1024 to 1073741824;
                         past it the oldest go and their channels get a gap
                         signal (default: 1048576, 1 MiB)
  --session-grace S      seconds a poll session lives after its last poll was
                         answered; then its id answers 404 unknown_session
                         (default: 30)
  --ws-deflate, --no-ws-deflate
                         offer WebSocket compression (permessage-deflate)
                         (default: on)

Limits (what one client can take; docs/security.md says what each protects):
  --max-connections N    connections served at once, all clients together;
                         one more is answered 503 overloaded and closed
                         (default: the open-file limit less 256)
  --max-connections-per-ip N
                         connections served at once from one address
                         (default: 0, no limit)
  --max-channels-per-client N
                         channels one client may subscribe to at once; one
                         more is refused with too_many_channels (default: 256)
  --publish-rate R       publishes a second from one address, with bursts of
                         R; more are refused with 429 rate_limited
                         (default: 0, no limit)
  --header-timeout S     seconds a request's headers may take to arrive; a
                         slower client is answered 408 and closed (default: 10)
  --history-bytes N      bytes of messages kept for all channels together; over
                         it the oldest messages of any channel go first, and a
                         client that resumes there is told of the gap;
                         1048576 or more (default: 268435456, 256 MiB)

TLS (HTTPS and WSS):
  --tls-cert FILE        serve TLS 1.2 and 1.3 with this PEM certificate; the
                         file may hold the chain after the certificate. Needs
                         --tls-key. SIGHUP rereads both files; if they do not
                         load, the error is logged and the old pair kept.
                         (default: none, plain HTTP)
  --tls-key FILE         the certificate's PEM private key
  --tls-handshake-timeout S
                         close a connection that has not finished its TLS
                         handshake after S seconds (default: 10)

HTTP/2:
  --http2, --no-http2    offer HTTP/2: "h2" by ALPN over TLS, and HTTP/2 with
                         prior knowledge (h2c) on a plain listener (default: on)
  --http2-max-streams N  streams one HTTP/2 connection may have open at once,
                         1 to 10000 (default: 128)

Scale-out and files:
  --redis URL            share channels, ids and history among several pushwire
                         servers through Redis:
                         redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], e.g.
                         redis://127.0.0.1:6379, or through Sentinels:
                         redis+sentinel://[[USER]:PASSWORD@]HOST[:PORT][,...]
                         /MASTER[/DB], or on a Redis Cluster:
                         redis+cluster://[[USER]:PASSWORD@]HOST[:PORT][,...]
                         (nodes to ask for the slot map); rediss://,
                         rediss+sentinel:// and rediss+cluster:// use TLS,
                         verifying the server's certificate and name; give
                         every server the same --history and --history-ttl
                         (default: none, channels live in this process)
  --redis-ca FILE        with rediss://, trust the CA certificates in this
                         PEM file instead of the system's (default: none)
  --redis-last-id-ttl S  seconds Redis remembers a channel's newest id after
                         its last publish or read, at least --history-ttl; a
                         cursor at it then waits for the next message instead
                         of being told it may have missed some (default: 86400)
  --static DIR           serve the files of DIR under / instead of the built-in
                         demo page (default: the built-in demo); symlinks
                         out of DIR and names starting with a dot are not served
  --static-max-bytes N   largest file --static serves; bigger ones get 413
                         (default: 67108864)

Other:
  --config FILE          read settings from a TOML file (see above)
  --log-level LEVEL      error, warn, info or debug (default: info)
  --log-rate N           lines a second of each kind that clients can cause
                         (refused requests, protocol errors, slow subscribers);
                         the rest are counted in one line (default: 10)
  -h, --help             show this help and exit
  --version              show the version and exit

Example:
  pushwire --listen 0.0.0.0:8080 --publish-key s3cret
  curl -H 'Authorization: Bearer s3cret' -d hello http://127.0.0.1:8080/pub/news
  curl 'http://127.0.0.1:8080/poll/news?since=0'
)";
}

}  // namespace pushwire::app

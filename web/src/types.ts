/** The public types of the pushwire browser client. */
import type { PushwireError } from './errors';

/** The ways the client can reach the server, in the default order of preference. */
export const TRANSPORTS = ['websocket', 'sse', 'stream', 'longpoll', 'poll', 'iframe', 'jsonp'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

/** A message as the server sends it. */
export interface Envelope {
  channel: string;
  /** Opaque resume cursor; unique in its channel. Never compare ids. */
  id: string;
  /** `message` unless the publisher named another event. */
  event: string;
  data: string;
  /**
   * Publish time, milliseconds since the Unix epoch, set by the server.
   * Absent on the `sse` transport: the SSE wire format has no field for it.
   */
  time?: number;
}

export interface ClientOptions {
  /** Transports to try, in order. Default: all of TRANSPORTS, in that order. */
  transports?: TransportName[];
  /** Sent as `Authorization: Bearer KEY` with HTTP publishes and as the `auth` op on the WebSocket. */
  publishKey?: string;
  /** An access token (JWT) presented with every request; it is not renewed. */
  token?: string;
  /**
   * Gives an access token (JWT), asked before the first connection and again before the token
   * expires (at 80% of its lifetime, read from its `exp`), when the server refuses it, and when a
   * subscription expires. Takes precedence over `token` for renewals.
   */
  getToken?: () => Promise<string>;
  /** `poll` transport: milliseconds between two requests. Default 2000. */
  pollInterval?: number;
  /** `longpoll` and `jsonp`: the `timeout` the server holds a request, in seconds. Default 30. */
  longPollTimeout?: number;
  /** Milliseconds an attempt may take to become live before it counts as failed. Default 10000. */
  connectTimeout?: number;
  /**
   * Milliseconds without a byte on a WebSocket or an NDJSON/SSE stream after which it is
   * taken for dead. Default 45000 (three times the server's default heartbeat).
   */
  idleTimeout?: number;
  /** Reconnect delay: `initial * 2^(failures-1)`, at most `max`, times a random 0.5..1. Default 500 / 15000 ms. */
  backoff?: { initial?: number; max?: number };
  /** Failed attempts of a transport before the client moves on to the next one. Default 2. */
  fallbackAfter?: number;
  /** How `stream` and `sse` read a response as it arrives. Default: `fetch` where the browser can stream a body, else `xhr`. */
  httpStreaming?: 'fetch' | 'xhr';
}

export interface SubscribeOptions {
  /** Resume after this id; `"0"` starts from the oldest message kept. Default: new messages only. */
  since?: string;
}

export interface Subscription {
  readonly channel: string;
  /** Resolves once the subscription is live on the server (see the README); rejects if it is ended first. */
  readonly ready: Promise<void>;
  unsubscribe(): void;
}

export interface PublishOptions {
  /** Event name, `[A-Za-z0-9_.:-]{1,64}`; default `message`. */
  event?: string;
}

export interface PublishResult {
  id: string;
  /** Server time of the publish, when the server reported it. */
  time?: number;
}

/** One step of the client's network traffic, for tools and the demo page. */
export interface Traffic {
  /** `request`: an HTTP request or WebSocket handshake was sent; `open`: its response headers arrived
   *  (101 for a WebSocket); `data`: bytes of a body or frame; `end`: the exchange is over. */
  type: 'request' | 'open' | 'data' | 'end';
  /** Which exchange (request or WebSocket connection) this belongs to; unique per client. */
  conn: number;
  /** `http`: requests of the client itself (publishes, a later subscriber's backlog). */
  transport: TransportName | 'http';
  channel?: string;
  method?: string;
  url?: string;
  /** `data` only. */
  dir?: 'in' | 'out';
  /** Body or frame payload bytes (UTF-8). `request`: bytes of the request body. */
  bytes?: number;
  /** `end` only: why it ended when it was not a normal completion. */
  error?: string;
}

export interface ClientEvents {
  /** The client switched to (or started with) this transport. */
  transport: TransportName;
  /** The current transport is up: the WebSocket is open, or a first channel is live. */
  connected: { transport: TransportName };
  /** A connection that was up went down; the client reconnects after `retryIn` ms. */
  disconnected: { transport: TransportName; reason: string; retryIn: number };
  /** Messages after a resume cursor were no longer kept; what is kept follows. */
  gap: { channel: string };
  traffic: Traffic;
  /**
   * Something the client cannot retry by itself: getToken failed (`token_failed`; it is asked
   * again with backoff), the server refused the token and there is no getToken
   * (`unauthorized`), or refused a channel (`forbidden`; its subscriptions end).
   */
  error: PushwireError;
}

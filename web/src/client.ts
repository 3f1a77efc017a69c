/**
 * The pushwire client: subscriptions, publishing, and the choice of transport with fallback,
 * reconnection with backoff, and resumption from each channel's cursor.
 */
import { callSafely, Emitter } from './emitter';
import { PushwireError } from './errors';
import { canStreamFetch, endpoint, HttpError, parsePollBody, request, type Tap } from './http';
import type { ChannelState, Driver, Drivers, Host, Settings } from './transports/driver';
import { iframeDriver } from './transports/iframe';
import { jsonpDriver } from './transports/jsonp';
import { longpollDriver, pollDriver } from './transports/polling';
import { toEnvelope } from './transports/shared';
import { Credentials } from './token';
import { sseDriver } from './transports/sse';
import { streamDriver } from './transports/stream';
import { websocketDriver } from './transports/websocket';
import {
  TRANSPORTS, type ClientEvents, type ClientOptions, type Envelope, type PublishOptions, type PublishResult,
  type SubscribeOptions, type Subscription, type Traffic, type TransportName,
} from './types';

const DRIVERS: Drivers = {
  websocket: websocketDriver,
  sse: sseDriver,
  stream: streamDriver,
  longpoll: longpollDriver,
  poll: pollDriver,
  iframe: iframeDriver,
  jsonp: jsonpDriver,
};

const CHANNEL_NAME = /^[A-Za-z0-9_.:@-]{1,128}$/;
const EVENT_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A connection that stays up this long, or delivers a message, counts as working: the failure counts start over. */
const STABLE_MS = 5000;

/** The directory pushwire.js was loaded from, the default server (IIFE build only). */
const scriptBase: string | undefined = (() => {
  const script = typeof document !== 'undefined' ? document.currentScript : null;
  return script instanceof HTMLScriptElement && script.src ? script.src.replace(/\/[^/]*$/, '') : undefined;
})();

function resolveBase(baseUrl: string | undefined): string {
  const here = typeof location !== 'undefined' ? location.href : undefined;
  const url = new URL(baseUrl || scriptBase || (here ? new URL(here).origin : ''), here);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`pushwire: not an http(s) URL: ${url.href}`);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

class Sub {
  active = true;
  /** Messages held back while a later subscriber's backlog is fetched; null when delivering directly. */
  buffer: Envelope[] | null = null;
  readonly ready: Promise<void>;
  private settled = false;
  private settle!: (err?: Error) => void;

  constructor(readonly onMessage: (env: Envelope) => void) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.settle = (err) => (err ? reject(err) : resolve());
    });
    this.ready.catch(() => {}); // nobody has to listen for an early unsubscribe
  }

  resolve(): void {
    if (!this.settled) {
      this.settled = true;
      this.settle();
    }
  }

  reject(err: Error): void {
    if (!this.settled) {
      this.settled = true;
      this.settle(err);
    }
  }
}

interface Channel extends ChannelState {
  subs: Set<Sub>;
  /** Live on the server through the current driver. */
  live: boolean;
}

export class Client extends Emitter<ClientEvents> {
  /** The server, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  readonly baseUrl: string;
  private readonly order: TransportName[];
  private readonly settings: Settings;
  private readonly connectTimeout: number;
  private readonly backoff: { initial: number; max: number };
  private readonly fallbackAfter: number;
  private readonly credentials: Credentials;

  private readonly channels = new Map<string, Channel>();
  private driver: Driver | null = null;
  /** Identifies the current driver's host: calls through an older host are ignored. */
  private attempt: object | null = null;
  /** connect() waits for a token. */
  private awaitingToken = false;
  /** The driver was reopened to present a new token: its coming up is no news. */
  private reopened = false;
  private index = 0;
  private current: TransportName | null = null;
  private isUp = false;
  /** Attempts failed in a row, whatever the transport: the exponent of the backoff. */
  private failures = 0;
  /** Failed attempts of the current transport, counted toward the fallback. */
  private tries = 0;
  /** Transports that were up at least once. */
  private readonly worked = new Set<TransportName>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private exchanges = 0;
  private closed = false;

  constructor(baseUrl?: string, options: ClientOptions = {}) {
    super();
    this.baseUrl = resolveBase(baseUrl);
    const order = options.transports ?? [...TRANSPORTS];
    for (const t of order) {
      if (!(TRANSPORTS as readonly string[]).includes(t)) throw new TypeError(`pushwire: unknown transport ${String(t)}`);
    }
    this.order = order.filter((t, i) => order.indexOf(t) === i);
    if (this.order.length === 0) throw new TypeError('pushwire: no transports');
    const positive = (v: number | undefined, d: number): number => (typeof v === 'number' && v > 0 ? v : d);
    this.settings = {
      pollInterval: positive(options.pollInterval, 2000),
      longPollTimeout: Math.min(120, Math.ceil(positive(options.longPollTimeout, 30))),
      idleTimeout: positive(options.idleTimeout, 45000),
      httpStreaming: options.httpStreaming ?? (canStreamFetch() ? 'fetch' : 'xhr'),
      publishKey: options.publishKey,
    };
    this.connectTimeout = positive(options.connectTimeout, 10000);
    this.backoff = { initial: positive(options.backoff?.initial, 500), max: positive(options.backoff?.max, 15000) };
    this.fallbackAfter = Math.max(1, Math.floor(positive(options.fallbackAfter, 2)));
    this.credentials = new Credentials(options, {
      renewed: () => this.renew(),
      failed: (err) => this.emit('error', err),
    }, (failures) => this.retryDelay(failures));
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
  }

  /** The transport in use or being tried; null until the first subscription. */
  get transport(): TransportName | null {
    return this.current;
  }

  /** Whether the current transport is up. */
  get connected(): boolean {
    return this.isUp;
  }

  subscribe(channel: string, onMessage: (env: Envelope) => void, options: SubscribeOptions = {}): Subscription {
    if (this.closed) throw new Error('pushwire: the client is closed');
    if (typeof channel !== 'string' || !CHANNEL_NAME.test(channel)) throw new TypeError(`pushwire: bad channel name ${JSON.stringify(channel)}`);
    if (typeof onMessage !== 'function') throw new TypeError('pushwire: onMessage must be a function');
    const since = options.since;
    if (since !== undefined && (typeof since !== 'string' || since === '')) throw new TypeError('pushwire: since must be a non-empty string');

    const sub = new Sub(onMessage);
    let ch = this.channels.get(channel);
    if (!ch) {
      ch = { name: channel, cursor: since, subs: new Set([sub]), live: false };
      this.channels.set(channel, ch);
      if (this.driver) this.driver.add(ch);
      else this.connect();
    } else {
      ch.subs.add(sub);
      if (since !== undefined) this.backfill(ch, sub, since);
      else if (ch.live) sub.resolve();
    }
    const owner = ch;
    return { channel, ready: sub.ready, unsubscribe: () => this.unsubscribe(owner, sub) };
  }

  publish(channel: string, data: string, options: PublishOptions = {}): Promise<PublishResult> {
    if (typeof channel !== 'string' || !CHANNEL_NAME.test(channel)) return Promise.reject(new TypeError(`pushwire: bad channel name ${JSON.stringify(channel)}`));
    if (typeof data !== 'string') return Promise.reject(new TypeError('pushwire: data must be a string'));
    const event = options.event;
    if (event !== undefined && !EVENT_NAME.test(event)) return Promise.reject(new TypeError(`pushwire: bad event name ${JSON.stringify(event)}`));
    const viaSocket = this.driver?.publish?.(channel, data, event);
    if (viaSocket) return viaSocket;

    const headers: Record<string, string> = { 'Content-Type': 'text/plain;charset=UTF-8' };
    if (this.settings.publishKey !== undefined) headers.Authorization = `Bearer ${this.settings.publishKey}`;
    const url = endpoint(this.baseUrl, 'pub', channel, { event });
    return request(this.tap('http'), { method: 'POST', url, channel, body: data, headers, timeout: 15000 }).promise.then(
      (text) => {
        const r = JSON.parse(text) as { id?: unknown; time?: unknown };
        if (typeof r.id !== 'string') throw new Error('publish: the response carries no id');
        return typeof r.time === 'number' ? { id: r.id, time: r.time } : { id: r.id };
      },
      (err: unknown) => {
        if (!(err instanceof HttpError)) throw err;
        let code = `http_${err.status}`;
        let message = err.message;
        try {
          const body = JSON.parse(err.body) as { error?: unknown; message?: unknown };
          if (typeof body.error === 'string') code = body.error;
          if (typeof body.message === 'string') message = body.message;
        } catch {
          // not JSON: keep the status
        }
        throw new PushwireError(code, message, err.status);
      },
    );
  }

  /** Ends every subscription and connection. No events follow. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.credentials.stop();
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.stopDriver();
    for (const ch of this.channels.values()) for (const sub of ch.subs) this.endSub(sub, 'the client was closed');
    this.channels.clear();
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
  }

  // --- subscriptions ---

  private unsubscribe(ch: Channel, sub: Sub): void {
    if (!sub.active) return;
    this.endSub(sub, 'unsubscribed');
    ch.subs.delete(sub);
    if (ch.subs.size === 0 && this.channels.get(ch.name) === ch) {
      this.channels.delete(ch.name);
      this.driver?.remove(ch);
    }
  }

  private endSub(sub: Sub, why: string | Error): void {
    sub.active = false;
    sub.buffer = null;
    sub.reject(why instanceof Error ? why : new Error(`pushwire: ${why}`));
  }

  /** The server refused a channel for good: its subscriptions end with `err`, which is also emitted. */
  private refuse(ch: Channel, err: PushwireError): void {
    this.channels.delete(ch.name);
    for (const sub of ch.subs) this.endSub(sub, err);
    this.emit('error', err);
  }

  /**
   * A second subscriber of a channel that is already subscribed, with its own `since`: it gets
   * the backlog from /poll while live messages are held back for it, then the held messages
   * that the backlog did not contain (the ids are only checked for equality).
   */
  private backfill(ch: Channel, sub: Sub, since: string): void {
    sub.buffer = [];
    const seen = new Set<string>();
    request(this.tap('http'), { url: endpoint(this.baseUrl, 'poll', ch.name, { since }), channel: ch.name, timeout: 15000 }).promise
      .then((text) => {
        const body = parsePollBody(text);
        if (!sub.active) return;
        if (body.gap) this.emit('gap', { channel: ch.name });
        for (const m of body.messages) {
          const env = toEnvelope(m, ch.name);
          if (env) {
            seen.add(env.id);
            callSafely(sub.onMessage, env);
          }
        }
      })
      .catch(() => {}) // no backlog then; the live messages still come
      .then(() => {
        const held = sub.buffer ?? [];
        sub.buffer = null;
        for (const env of held) if (sub.active && !seen.has(env.id)) callSafely(sub.onMessage, env);
        if (sub.active && ch.live) sub.resolve();
      });
  }

  private deliver(ch: Channel, env: Envelope): void {
    if (env.id) ch.cursor = env.id;
    this.stable();
    for (const sub of Array.from(ch.subs)) {
      if (!sub.active) continue;
      if (sub.buffer) sub.buffer.push(env);
      else callSafely(sub.onMessage, env);
    }
  }

  // --- connection management ---

  private connect(): void {
    if (this.closed || this.driver || this.retryTimer !== undefined || this.awaitingToken || this.channels.size === 0) return;
    const tokenToCome = this.credentials.pending();
    if (tokenToCome) {
      this.awaitingToken = true;
      void tokenToCome.then(() => {
        this.awaitingToken = false;
        this.connect();
      });
      return;
    }
    const name = this.order[this.index] as TransportName;
    if (name !== this.current) {
      this.current = name;
      this.emit('transport', name);
    }
    const attempt = {};
    this.attempt = attempt;
    const host = this.host(attempt, name);
    this.connectTimer = setTimeout(() => host.down(`not connected within ${this.connectTimeout} ms`), this.connectTimeout);
    let driver: Driver;
    try {
      driver = DRIVERS[name](host);
    } catch (err) {
      driver = { add() {}, remove() {}, close() {} };
      setTimeout(() => host.down(`${name}: ${String(err)}`));
    }
    this.driver = driver;
    for (const ch of this.channels.values()) driver.add(ch);
  }

  private host(attempt: object, name: TransportName): Host {
    const current = (): boolean => this.attempt === attempt;
    const mine = (ch: ChannelState): ch is Channel => current() && this.channels.get(ch.name) === ch;
    return {
      base: this.baseUrl,
      settings: this.settings,
      deliver: (ch, env) => {
        if (mine(ch)) this.deliver(ch, env);
      },
      gap: (ch) => {
        if (mine(ch)) this.emit('gap', { channel: ch.name });
      },
      cursor: (ch, lastId) => {
        if (mine(ch)) ch.cursor = lastId ?? '0';
      },
      live: (ch) => {
        if (!mine(ch)) return;
        ch.live = true;
        for (const sub of ch.subs) if (sub.active && !sub.buffer) sub.resolve();
      },
      refuse: (ch, code, message) => {
        if (mine(ch)) this.refuse(ch, new PushwireError(code, `the server refused channel ${ch.name}: ${message}`));
      },
      up: () => {
        if (current()) this.onUp(name);
      },
      down: (reason) => {
        if (current()) this.onDown(name, reason);
      },
      expired: () => {
        if (current()) void this.credentials.refresh();
      },
      ...this.tap(name),
    };
  }

  private onUp(name: TransportName): void {
    if (this.isUp) return;
    this.isUp = true;
    clearTimeout(this.connectTimer);
    this.worked.add(name);
    this.stableTimer = setTimeout(() => this.stable(), STABLE_MS);
    if (!this.reopened) this.emit('connected', { transport: name });
    this.reopened = false;
  }

  private stable(): void {
    this.failures = 0;
    this.tries = 0;
  }

  /**
   * A failed attempt or a lost connection. A transport that never worked moves on to the next
   * after `fallbackAfter` failures; one that worked before moves on only when it keeps dropping
   * soon after connecting, for a mere failure to connect is more likely the server being away.
   */
  private onDown(name: TransportName, reason: string): void {
    const wasUp = this.isUp;
    this.reopened = false;
    this.stopDriver();
    this.failures++;
    const proven = this.worked.has(name);
    if (!proven || wasUp) this.tries++;
    if (this.order.length > 1 && this.tries >= this.fallbackAfter + (proven ? 1 : 0)) {
      this.index = (this.index + 1) % this.order.length;
      this.tries = 0;
    }
    const delay = this.retryDelay(this.failures - 1);
    if (wasUp) this.emit('disconnected', { transport: name, reason, retryIn: delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delay);
  }

  private retryDelay(failures: number): number {
    const exp = Math.min(failures, 20);
    return Math.round(Math.min(this.backoff.max, this.backoff.initial * 2 ** exp) * (0.5 + Math.random() * 0.5));
  }

  /** A new token is current: the driver presents it, or is reopened with it, resuming every channel from its cursor. */
  private renew(): void {
    const driver = this.driver;
    if (!driver) return; // the next connection presents it
    if (driver.renew) return driver.renew();
    this.reopened = this.isUp;
    this.stopDriver();
    this.connect();
  }

  /** The server refused a request: 401, the token, which is renewed; 403 of a read, the channel. */
  private refused(status: 401 | 403, channel: string | undefined): void {
    if (status === 401) {
      void this.credentials.refresh();
      return;
    }
    const ch = channel === undefined ? undefined : this.channels.get(channel);
    if (!ch) return;
    this.refuse(ch, new PushwireError('forbidden', `the token does not grant channel ${ch.name}`, 403));
    this.driver?.remove(ch);
  }

  private stopDriver(): void {
    const driver = this.driver;
    this.driver = null;
    this.attempt = null;
    this.isUp = false;
    clearTimeout(this.connectTimer);
    clearTimeout(this.stableTimer);
    for (const ch of this.channels.values()) ch.live = false;
    driver?.close();
  }

  /** Back online: retry now rather than when the backoff says. */
  private readonly onOnline = (): void => {
    if (this.retryTimer === undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.connect();
  };

  private traffic(transport: Traffic['transport'], t: Omit<Traffic, 'transport'>): void {
    if (!this.closed && this.hasListeners('traffic')) this.emit('traffic', { transport, ...t });
  }

  private tap(transport: Traffic['transport']): Tap {
    return {
      traffic: (t) => this.traffic(transport, t),
      exchange: () => ++this.exchanges,
      token: () => this.credentials.token,
      refused: (status, channel) => this.refused(status, channel),
    };
  }
}

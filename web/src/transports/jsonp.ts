/**
 * `jsonp`: long-polling with <script> tags, GET /jsonp/{channel}?callback=FN, which answers
 * `FN(POLL_BODY);`. Scripts load from any origin without CORS. The first request of a channel
 * asks with timeout=1, so that its answer (and the cursor in it) comes within a second: from
 * then on the channel is live. Later requests wait up to longPollTimeout.
 */
import { endpoint, utf8Length, withToken, type Pending, type Tap } from '../http';
import type { DriverFactory } from './driver';
import { pollingLoops } from './shared';

type Callbacks = Record<string, (body: unknown) => void>;
const GLOBAL = '__pushwire_jsonp';
const callbacks = (): Callbacks => {
  const w = window as unknown as Record<string, Callbacks | undefined>;
  return (w[GLOBAL] ??= {});
};
/** Several copies of the client (IIFE and ESM) may share the page: names carry a random part. */
const prefix = 'c' + Math.random().toString(36).slice(2, 8);
let sequence = 0;

/** Loads one JSONP script; resolves with the argument its callback got. */
export function jsonp(tap: Tap, url: (callback: string) => string, channel: string, timeoutMs: number): Pending<unknown> {
  const name = `${prefix}_${++sequence}`;
  const src = withToken(tap, url(`${GLOBAL}.${name}`));
  const conn = tap.exchange();
  const script = document.createElement('script');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settled = false;
  const cleanup = (): void => {
    clearTimeout(timer);
    script.onload = script.onerror = null;
    script.parentNode?.removeChild(script);
    // A script already on its way may still run: leave it a harmless callback for a while.
    callbacks()[name] = () => {};
    setTimeout(() => delete callbacks()[name], 180000);
  };
  const promise = new Promise<unknown>((resolve, reject) => {
    let called = false;
    let value: unknown;
    const settle = (err: Error | null, v?: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      tap.traffic(err ? { type: 'end', conn, error: err.message } : { type: 'end', conn });
      if (err) reject(err);
      else resolve(v);
    };
    callbacks()[name] = (body) => {
      called = true;
      value = body;
      tap.traffic({ type: 'open', conn });
      tap.traffic({ type: 'data', conn, dir: 'in', bytes: utf8Length(JSON.stringify(body)) + name.length + GLOBAL.length + 5 });
    };
    script.onload = () => settle(called ? null : new Error('the script did not call back'), value);
    script.onerror = () => settle(new Error('the script failed to load'));
    timer = setTimeout(() => settle(new Error('request timed out')), timeoutMs);
  });
  promise.catch(() => {});
  tap.traffic({ type: 'request', conn, method: 'GET', url: src, channel, bytes: 0 });
  script.async = true;
  script.src = src;
  (document.head || document.documentElement).appendChild(script);
  const abort = (): void => {
    if (settled) return;
    settled = true;
    cleanup();
    tap.traffic({ type: 'end', conn, error: 'aborted' });
  };
  return { promise, abort };
}

export const jsonpDriver: DriverFactory = (host) =>
  pollingLoops(host, 'jsonp', (ch, first) => {
    const timeout = first ? 0 : host.settings.longPollTimeout;
    return jsonp(host, (callback) => endpoint(host.base, 'jsonp', ch.name, { callback, since: ch.cursor, timeout }),
      ch.name, (timeout + 10) * 1000);
  });

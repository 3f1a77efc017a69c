/**
 * `jsonp`: every channel of the client on one poll session (see poll_session.ts), with <script>
 * tags: GET /jsonp?session=ID&ack=CURSOR&callback=FN answers `FN(ANSWER);`, and ops go as
 * GET /session/{id}/op?...&callback=FN. Scripts load from any origin without CORS; the server
 * answers its refusals with 200 too, as `FN({"error":...});`, since a script tag runs nothing else.
 */
import { endpoint, utf8Length, withToken, type Pending, type Tap } from '../http';
import type { Host } from './driver';
import { pollSessionDriver, sessionUrl } from './poll_session';
import type { Op, OpResult } from './shared';

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

/** Each op is a script of its own: GET /session/{id}/op?op=...&channel=...&callback=FN. */
function scriptOps(host: Host, session: string, ops: Op[]): Promise<OpResult[]> {
  return Promise.all(ops.map((op) => jsonp(host,
    (callback) => endpoint(host.base, `session/${session}`, 'op', { op: op.op, channel: op.channel, since: op.since, callback }),
    op.channel, 15000).promise.then((answer) => {
    const v = answer as { results?: OpResult[]; error?: string };
    if (v.error) throw new Error(v.error);
    return v.results?.[0] ?? {};
  })));
}

export const jsonpDriver = pollSessionDriver('jsonp', {
  waits: true,
  poll: (host, query, timeout) => jsonp(host, (callback) => sessionUrl(host, 'jsonp', { ...query, callback }), '', timeout),
  ops: scriptOps,
  history: (host, channel, since) =>
    jsonp(host, (callback) => endpoint(host.base, 'jsonp', channel, { since, timeout: 0, callback }), channel, 15000),
});

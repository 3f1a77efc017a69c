/**
 * `websocket`: one connection to GET /ws for every channel, speaking the JSON ops of the
 * contract. A channel is live when the ok of its subscribe op arrives. The client pings
 * when it has sent nothing for a while, and takes a connection silent for idleTimeout for dead.
 */
import { PushwireError } from '../errors';
import { utf8Length, withToken } from '../http';
import type { PublishResult } from '../types';
import type { ChannelState, DriverFactory } from './driver';
import { anchor, isGap, toEnvelope } from './shared';

interface Waiter {
  resolve(op: Record<string, unknown>): void;
  reject(err: Error): void;
}


export const wsUrl = (base: string): string => base.replace(/^http/, 'ws') + '/ws';

export const websocketDriver: DriverFactory = (host) => {
  const url = withToken(host, wsUrl(host.base));
  const ws = new WebSocket(url);
  const conn = host.exchange();
  const channels = new Map<string, ChannelState>();
  /** Channels whose cursor is settled (see anchor()), so that their subscribe op can go out. */
  const prepared = new Set<ChannelState>();
  const waiters = new Map<number, Waiter>();
  let nextRef = 1;
  let open = false;
  let closed = false;
  let lastIn = Date.now();
  let lastOut = Date.now();
  let watchdog: ReturnType<typeof setInterval> | undefined;

  host.traffic({ type: 'request', conn, method: 'GET', url, bytes: 0 });

  const send = (op: Record<string, unknown>, waiter?: Waiter): void => {
    const ref = nextRef++;
    const text = JSON.stringify({ ...op, ref });
    if (waiter) waiters.set(ref, waiter);
    ws.send(text);
    lastOut = Date.now();
    host.traffic({ type: 'data', conn, dir: 'out', bytes: utf8Length(text) });
  };

  const fail = (reason: string): void => {
    shutdown(new Error(`websocket: ${reason}`));
    host.down(`websocket: ${reason}`);
  };

  const shutdown = (err: Error): void => {
    if (closed) return;
    closed = true;
    clearInterval(watchdog);
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(1000);
    host.traffic({ type: 'end', conn });
    for (const w of waiters.values()) w.reject(err);
    waiters.clear();
  };

  const subscribe = (ch: ChannelState): void => {
    const op: Record<string, unknown> = { op: 'subscribe', channel: ch.name };
    if (ch.cursor !== undefined) op.since = ch.cursor;
    send(op, {
      resolve: () => {
        if (channels.get(ch.name) === ch) host.live(ch);
      },
      reject: (err) => {
        if (err instanceof PushwireError && channels.get(ch.name) === ch) {
          channels.delete(ch.name);
          host.refuse(ch, err.code, err.message);
        }
      },
    });
  };

  const trySubscribe = (ch: ChannelState): void => {
    if (open && !closed && prepared.has(ch) && channels.get(ch.name) === ch) subscribe(ch);
  };

  ws.onopen = () => {
    open = true;
    lastIn = Date.now();
    host.traffic({ type: 'open', conn });
    host.up();
    const key = host.settings.publishKey;
    if (key !== undefined) send({ op: 'auth', key }, { resolve() {}, reject() {} });
    for (const ch of channels.values()) trySubscribe(ch);
    const idle = host.settings.idleTimeout;
    watchdog = setInterval(() => {
      const now = Date.now();
      if (now - lastIn > idle) fail(`silent for ${idle} ms`);
      else if (now - lastOut > idle / 3) send({ op: 'ping' });
    }, Math.max(250, Math.min(5000, idle / 6)));
  };

  ws.onmessage = (e: MessageEvent) => {
    lastIn = Date.now();
    if (typeof e.data !== 'string') return;
    host.traffic({ type: 'data', conn, dir: 'in', bytes: utf8Length(e.data) });
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(e.data) as Record<string, unknown>;
    } catch {
      return fail('unreadable frame');
    }
    const ch = typeof msg.channel === 'string' ? channels.get(msg.channel) : undefined;
    const waiter = typeof msg.ref === 'number' ? waiters.get(msg.ref) : undefined;
    switch (msg.op) {
      case 'message': {
        if (!ch) return;
        if (isGap(msg)) return host.gap(ch);
        const env = toEnvelope(msg, ch.name);
        if (env) host.deliver(ch, env);
        return;
      }
      case 'gap':
        if (ch) host.gap(ch);
        return;
      case 'expired': // suspended until renew() presents a new token
        return host.expired();
      case 'ok':
        if (waiter) {
          waiters.delete(msg.ref as number);
          waiter.resolve(msg);
        }
        return;
      case 'error':
        if (waiter) {
          waiters.delete(msg.ref as number);
          waiter.reject(new PushwireError(String(msg.code ?? 'error'), String(msg.message ?? '')));
        }
        return;
      default: // pong, and ops of later versions
        return;
    }
  };

  ws.onclose = (e: CloseEvent) => fail(open ? `closed (${e.code}${e.reason ? ' ' + e.reason : ''})` : 'could not connect');
  ws.onerror = () => {}; // a close event follows and says more

  return {
    add(ch) {
      channels.set(ch.name, ch);
      void anchor(host, ch).then(() => {
        prepared.add(ch);
        trySubscribe(ch);
      });
    },
    remove(ch) {
      if (channels.get(ch.name) !== ch) return;
      channels.delete(ch.name);
      prepared.delete(ch);
      if (open && !closed) send({ op: 'unsubscribe', channel: ch.name });
    },
    close() {
      shutdown(new Error('websocket: closed'));
    },
    renew() {
      const token = host.token();
      if (!open || closed || token === undefined) return;
      // The server resumes the suspended subscriptions after what each delivered.
      send({ op: 'auth', token }, { resolve() {}, reject: (err) => { if (err instanceof PushwireError) fail(`the server refused the new token: ${err.message}`); } });
    },
    publish(channel, data, event): Promise<PublishResult> | undefined {
      if (!open || closed) return undefined;
      return new Promise<PublishResult>((resolve, reject) => {
        const op: Record<string, unknown> = { op: 'publish', channel, data };
        if (event !== undefined) op.event = event;
        send(op, {
          resolve: (ok) => {
            if (typeof ok.id !== 'string') return reject(new Error('publish: the ok carries no id'));
            resolve(typeof ok.time === 'number' ? { id: ok.id, time: ok.time } : { id: ok.id });
          },
          reject: (err) => reject(err instanceof PushwireError ? err : new Error('publish: the connection closed before the server acknowledged it')),
        });
      });
    },
  };
};

/**
 * `sse`, `stream` and `iframe` on one connection: one never-ending response (the carrier) carries
 * every channel as a session. It opens with the first channel (GET /sse?channel=A&since=CURSOR,
 * /stream?..., /iframe?...), and the others join it, or leave it, with POST /session/{id}, each
 * subscribe with the channel's own cursor; the carrier brings the acknowledgements, then each added
 * channel's catch-up. The session ends with the carrier: the client then opens a new one, resuming
 * every channel from its cursor.
 */
import { HttpError, openStream, RECYCLE } from '../http';
import type { Envelope } from '../types';
import type { ChannelState, DriverFactory, Host } from './driver';
import { anchor, errorText, postOps, settleSubscribe, type Op, type OpResult } from './shared';

/** What a stream parser reports: messages (envelopes), and the server's own events as objects. */
export interface StreamSink {
  message(env: Envelope): void;
  control(o: Record<string, unknown>): void;
}

/** Turns response text into sink calls; text arrives in arbitrary pieces. */
export type Parser = (text: string) => void;

/** What a carrier tells its session besides what it carries. */
export interface CarrierEvents {
  /** The response began: the first channel is live. */
  open(): void;
  /** A sign of life (a heartbeat). */
  alive(): void;
  end(reason: string): void;
}

/** Opens a session's carrier for its first channel; returns what stops it. */
export type Carrier = (host: Host, first: ChannelState, sink: StreamSink, events: CarrierEvents) => () => void;

/** The carrier of `sse` and `stream`: the response read as it arrives, by `parser`. */
export function streamCarrier(path: 'sse' | 'stream', parser: (sink: StreamSink) => Parser): Carrier {
  return (host, first, sink, events) => {
    const parse = parser(sink);
    const since = first.cursor === undefined ? '' : `&since=${encodeURIComponent(first.cursor)}`;
    const url = `${host.base}/${path}?channel=${encodeURIComponent(first.name)}${since}`;
    return openStream(host, url, first.name, host.settings.httpStreaming, {
      open: events.open,
      chunk: (text) => {
        events.alive();
        try {
          parse(text);
        } catch (err) {
          events.end(`unreadable response: ${String(err)}`);
        }
      },
      // A recycled XHR is a new session too: the client resumes every channel from its cursor.
      end: (reason) => events.end(reason === RECYCLE ? 'recycled' : reason),
    });
  };
}

export function sessionDriver(name: string, carrier: Carrier): DriverFactory {
  return (host) => {
    const channels = new Map<string, ChannelState>();
    /** Channels to subscribe once the session is announced (or to open the stream with). */
    let waiting: ChannelState[] = [];
    let session: string | undefined;
    let stop: (() => void) | undefined;
    let idle: ReturnType<typeof setTimeout> | undefined;
    let scheduled = false;
    let closed = false;

    const close = (): void => {
      closed = true;
      clearTimeout(idle);
      stop?.();
    };
    const fail = (reason: string): void => {
      if (closed) return;
      close();
      host.down(`${name}: ${reason}`);
    };
    const arm = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => fail(`silent for ${host.settings.idleTimeout} ms`), host.settings.idleTimeout);
    };

    const sink: StreamSink = {
      message(env) {
        const ch = channels.get(env.channel);
        if (ch && env.event.charAt(0) !== '_') host.deliver(ch, env);
      },
      control(o) {
        if (o.event === '_session' && typeof o.session === 'string') {
          session = o.session;
          send();
        } else if (o.event === '_gap' && typeof o.channel === 'string') {
          const ch = channels.get(o.channel);
          if (ch) host.gap(ch);
        } else if (o.event === '_expired') {
          // The stream ends next: the client reopens it once it has a new token.
          close();
          host.expired();
        }
      },
    };

    const post = (ops: Op[]): Promise<OpResult[]> => postOps(host, session as string, ops);

    /** Subscribes every waiting channel that is still wanted, in one request. */
    const send = (): void => {
      if (!session || closed) return;
      const batch = waiting.filter((ch) => channels.get(ch.name) === ch);
      waiting = [];
      if (!batch.length) return;
      post(batch.map((ch) => ({ op: 'subscribe', channel: ch.name, since: ch.cursor })))
        .then((results) => batch.forEach((ch, i) => {
          if (!closed && channels.get(ch.name) === ch) settleSubscribe(host, ch, results[i]);
        }))
        .catch((err: unknown) => fail(err instanceof HttpError && err.status === 404 ? 'the session ended' : errorText(err)));
    };

    const open = (first: ChannelState): void => {
      stop = carrier(host, first, sink, {
        open: () => {
          arm();
          host.up();
          if (channels.get(first.name) === first) host.live(first);
        },
        alive: arm,
        end: fail,
      });
    };

    /** Channels added together (the client adds them all at once) share one start. */
    const start = (): void => {
      scheduled = false;
      const batch = waiting;
      void Promise.all(batch.map((ch) => anchor(host, ch))).then(() => {
        if (closed) return;
        if (!stop) {
          const first = batch.find((ch) => channels.get(ch.name) === ch);
          if (!first) return;
          waiting = waiting.filter((ch) => ch !== first);
          open(first);
        }
        send();
      });
    };

    return {
      add(ch) {
        channels.set(ch.name, ch);
        waiting.push(ch);
        if (stop || scheduled) {
          if (stop) void anchor(host, ch).then(send);
          return;
        }
        scheduled = true;
        void Promise.resolve().then(start);
      },
      remove(ch) {
        if (channels.get(ch.name) !== ch) return;
        channels.delete(ch.name);
        if (session && !closed) post([{ op: 'unsubscribe', channel: ch.name }]).catch(() => {});
      },
      close,
    };
  };
}

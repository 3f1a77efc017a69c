/** Pieces several transports share. */
import { endpoint, parsePollBody, request, type Pending, type PollBody } from '../http';
import type { Envelope } from '../types';
import type { ChannelState, Driver, Host } from './driver';

/** Hands a poll-shaped body (/poll, /lp, /jsonp) to the client: gap first, then messages, then the cursor. */
export function applyPollBody(host: Host, ch: ChannelState, body: PollBody): void {
  if (body.gap) host.gap(ch);
  for (const m of body.messages) {
    const env = toEnvelope(m, ch.name);
    if (env) host.deliver(ch, env);
  }
  host.cursor(ch, body.last_id);
}

/** A well-formed envelope from a parsed JSON object, or null when it is not a message. */
export function toEnvelope(o: unknown, channel: string): Envelope | null {
  if (!o || typeof o !== 'object') return null;
  const v = o as Record<string, unknown>;
  if (typeof v.id !== 'string' || typeof v.data !== 'string') return null;
  const env: Envelope = {
    channel: typeof v.channel === 'string' ? v.channel : channel,
    id: v.id,
    event: typeof v.event === 'string' ? v.event : 'message',
    data: v.data,
  };
  if (typeof v.time === 'number') env.time = v.time;
  return env;
}

/** Whether a parsed JSON object is the server's gap signal. */
export const isGap = (o: unknown): boolean =>
  !!o && typeof o === 'object' && (o as Record<string, unknown>).event === '_gap';

/**
 * Gives a channel subscribed "new messages only" a cursor before a stream opens: the channel's
 * newest id from /poll (or "0" when it is empty). A stream that drops before its first message
 * then resumes from there instead of skipping what was published while it was down.
 * Best effort: if /poll cannot be read (CORS, say), the stream opens without a cursor.
 */
export function anchor(host: Host, ch: ChannelState): Promise<void> {
  if (ch.cursor !== undefined) return Promise.resolve();
  const req = request(host, { url: endpoint(host.base, 'poll', ch.name), channel: ch.name, timeout: 10000 });
  return req.promise.then((text) => applyPollBody(host, ch, parsePollBody(text)), () => {});
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * add, remove and close for a driver that runs something for each channel and keeps, in `runs`,
 * the function that stops it: start(ch) begins a channel's run and puts its stop function there.
 * A run that finds another function (or none) in `runs` for its channel has been stopped.
 */
export function perChannel(runs: Map<ChannelState, () => void>, start: (ch: ChannelState) => void): Driver {
  return {
    add: start,
    remove(ch) {
      runs.get(ch)?.();
      runs.delete(ch);
    },
    close() {
      for (const stop of runs.values()) stop();
      runs.clear();
    },
    renew() {}, // each request takes the current token
  };
}

/** One request of a polling loop; pause(body) gives the ms to wait before the next (none or 0: at once). */
export interface PollRequest extends Pending<unknown> {
  pause?(body: PollBody): number;
}

/**
 * A driver that keeps one request at a time going per channel, each answered with a poll-shaped
 * body: next(ch, first) sends the next one. The first answer makes the channel live; a failed
 * request is the transport's failure (`${label}: why`).
 */
export function pollingLoops(host: Host, label: string, next: (ch: ChannelState, first: boolean) => PollRequest): Driver {
  const loops = new Map<ChannelState, () => void>();

  const start = (ch: ChannelState): void => {
    let cancel = (): void => {};
    const stop = (): void => cancel();
    const run = (first: boolean): void => {
      if (loops.get(ch) !== stop) return;
      const req = next(ch, first);
      let timer: ReturnType<typeof setTimeout> | undefined;
      cancel = () => {
        clearTimeout(timer);
        req.abort();
      };
      req.promise
        .then((value) => {
          if (loops.get(ch) !== stop) return;
          const body = parsePollBody(value);
          applyPollBody(host, ch, body);
          if (first) {
            host.up();
            host.live(ch);
          }
          const wait = req.pause ? req.pause(body) : 0;
          if (wait) timer = setTimeout(() => run(false), wait);
          else run(false);
        })
        .catch((err: unknown) => {
          if (loops.get(ch) === stop) host.down(`${label}: ${errorText(err)}`);
        });
    };
    loops.set(ch, stop);
    run(true);
  };

  return perChannel(loops, start);
}

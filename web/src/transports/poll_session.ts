/**
 * `longpoll`, `poll` and `jsonp` on one poll session: each request answers for every channel of
 * the client. The session opens with the first channel (GET /lp?channel=A&since=CURSOR, answered
 * at once); the others join or leave it with session ops, each subscribe with the channel's own
 * cursor. Every next request acks the last answer's last_id and brings what came after it, with a
 * cursor and a gap flag for each channel it moves (the others keep theirs). A session that ended
 * (unknown_session) is opened again, every channel resuming from its own cursor.
 */
import { endpoint, HttpError, parsePollBody, type Pending } from '../http';
import type { ChannelState, DriverFactory, Host } from './driver';
import { applyPollBody, errorText, settleSubscribe, toEnvelope, type Op, type OpResult } from './shared';

interface SessionAnswer {
  session: string;
  messages: unknown[];
  last_id: string;
  /** Only the channels the answer moves; `last_id` is absent when a channel has only a gap. */
  channels: Record<string, { last_id?: string; gap: boolean }>;
}

/** How one technique sends a session's requests. */
export interface PollCarrier {
  /** Whether a poll waits for news (then with ?timeout=), or answers at once. */
  readonly waits: boolean;
  /** GET /{path}?query: resolves with the parsed JSON answer, or rejects. */
  poll(host: Host, query: Record<string, string | number | undefined>, timeoutMs: number): Pending<unknown>;
  /** The session's ops: resolves with their results, in order. */
  ops(host: Host, session: string, ops: Op[]): Promise<OpResult[]>;
  /** What history keeps of `channel` after `since`, answered at once (a v1 poll-shaped answer). */
  history(host: Host, channel: string, since: string): Pending<unknown>;
}

/**
 * A long-poll answered this fast with nothing in it (no message, no channel's news) is not waiting
 * as it should: pause before the next.
 */
const TOO_FAST_MS = 500;
const OPEN_TIMEOUT_MS = 15000;

const isUnknownSession = (err: unknown): boolean =>
  (err instanceof HttpError && err.status === 404) || (err instanceof Error && err.message === 'unknown_session');

/** The answer, or what the server refused (a JSONP refusal comes with 200). */
function readAnswer(value: unknown): SessionAnswer {
  const v = (typeof value === 'string' ? JSON.parse(value) : value) as Partial<SessionAnswer> & { error?: string } | null;
  if (v && typeof v.error === 'string') throw new Error(v.error);
  if (!v || typeof v.session !== 'string' || !Array.isArray(v.messages) || typeof v.last_id !== 'string' || !v.channels) {
    throw new Error('malformed poll session answer');
  }
  return v as SessionAnswer;
}

export function pollSessionDriver(name: string, carrier: PollCarrier): DriverFactory {
  return (host) => {
    const channels = new Map<string, ChannelState>();
    let session: string | undefined;
    let ack: string | undefined;
    let pending: Pending<unknown> | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let scheduled = false;
    let closed = false;

    const close = (): void => {
      closed = true;
      clearTimeout(timer);
      pending?.abort();
    };
    const fail = (reason: string): void => {
      if (closed) return;
      close();
      host.down(`${name}: ${reason}`);
    };

    /** Gaps first, then messages in publish order, then each channel's cursor; nothing of `skip`. */
    const apply = (a: SessionAnswer, skip: ChannelState[] = []): void => {
      const states = Object.keys(a.channels).map((c) => [channels.get(c), a.channels[c]] as const)
        .filter(([ch]) => !skip.includes(ch as ChannelState));
      for (const [ch, state] of states) if (ch && state?.gap) host.gap(ch);
      for (const m of a.messages) {
        const env = toEnvelope(m, '');
        const ch = env && channels.get(env.channel);
        if (ch && !skip.includes(ch)) host.deliver(ch, env);
      }
      for (const [ch, state] of states) if (ch && state?.last_id !== undefined) host.cursor(ch, state.last_id);
      ack = a.last_id;
    };

    const join = (batch: ChannelState[]): void => {
      if (!session || closed || !batch.length) return;
      const ops = batch.map((ch): Op => ({ op: 'subscribe', channel: ch.name, since: ch.cursor }));
      carrier.ops(host, session, ops).then((results) => batch.forEach((ch, i) => {
        if (!closed && channels.get(ch.name) === ch) settleSubscribe(host, ch, results[i]);
      }), (err: unknown) => (isUnknownSession(err) ? undefined : fail(errorText(err))));
    };

    /**
     * A gap in an answer for a channel the client has a cursor for: the session dropped messages
     * past its buffer while answers were lost, and history may still keep them. The channel
     * leaves the session, takes what history keeps after its cursor, and joins again from there;
     * polling waits meanwhile, so that nothing of it comes twice or out of order.
     */
    const refill = async (gapped: ChannelState[]): Promise<void> => {
      for (const ch of gapped) {
        const sid = session as string;
        await carrier.ops(host, sid, [{ op: 'unsubscribe', channel: ch.name }]);
        const body = parsePollBody(await carrier.history(host, ch.name, ch.cursor as string).promise);
        if (closed) return;
        if (channels.get(ch.name) !== ch) continue;
        applyPollBody(host, ch, body);
        settleSubscribe(host, ch, (await carrier.ops(host, sid, [{ op: 'subscribe', channel: ch.name, since: ch.cursor }]))[0]);
      }
    };

    const next = (): void => {
      if (closed || !session) return;
      const timeout = carrier.waits ? host.settings.longPollTimeout : undefined;
      const started = Date.now();
      const req = carrier.poll(host, { session, ack, timeout }, ((timeout ?? 5) + 10) * 1000);
      pending = req;
      req.promise.then((value) => {
        if (closed || pending !== req) return;
        const answer = readAnswer(value);
        const gapped = Object.keys(answer.channels).filter((c) => answer.channels[c]?.gap)
          .map((c) => channels.get(c)).filter((ch): ch is ChannelState => ch?.cursor !== undefined);
        apply(answer, gapped);
        if (gapped.length) {
          refill(gapped).then(next, (err: unknown) => (isUnknownSession(err) ? open() : fail(errorText(err))));
          return;
        }
        let pause = 0;
        if (!carrier.waits) pause = host.settings.pollInterval;
        else if (!answer.messages.length && !Object.keys(answer.channels).length && Date.now() - started < TOO_FAST_MS) {
          pause = 1000;
        }
        timer = setTimeout(next, pause);
      }).catch((err: unknown) => {
        if (closed || pending !== req) return;
        if (isUnknownSession(err)) open();
        else fail(errorText(err));
      });
    };

    /** Opens a session with the first channel; the others join it with ops. */
    const open = (): void => {
      scheduled = false;
      session = undefined;
      const all = Array.from(channels.values());
      const first = all[0];
      if (closed || !first) return;
      const req = carrier.poll(host, { channel: first.name, since: first.cursor }, OPEN_TIMEOUT_MS);
      pending = req;
      req.promise.then((value) => {
        if (closed || pending !== req) return;
        const answer = readAnswer(value);
        session = answer.session;
        apply(answer);
        host.up();
        if (channels.get(first.name) === first) host.live(first);
        join(Array.from(channels.values()).filter((ch) => ch !== first));
        next();
      }).catch((err: unknown) => {
        if (pending === req) fail(errorText(err));
      });
    };

    return {
      add(ch) {
        channels.set(ch.name, ch);
        if (session) join([ch]);
        else if (!scheduled && !pending) {
          // Channels added together (the client adds them all at once) share one opening.
          scheduled = true;
          void Promise.resolve().then(open);
        }
      },
      remove(ch) {
        if (channels.get(ch.name) !== ch) return;
        channels.delete(ch.name);
        if (session && !closed) carrier.ops(host, session, [{ op: 'unsubscribe', channel: ch.name }]).catch(() => {});
      },
      close,
      // A poll presenting the new token moves the session's end to its expiry; a waiting poll holds
      // the old one, so it gives way to a poll now (acking the same answer: nothing is lost).
      renew() {
        if (closed || !session) return;
        clearTimeout(timer);
        pending?.abort();
        next();
      },
    };
  };
}

/** The URL of a session request: /{path}?query, without a channel in the path. */
export const sessionUrl = (host: Host, path: string, query: Record<string, string | number | undefined>): string =>
  endpoint(host.base, path, '', query);

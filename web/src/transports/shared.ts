/** Pieces several transports share. */
import { endpoint, parsePollBody, request, type PollBody } from '../http';
import type { Envelope } from '../types';
import type { ChannelState, Host } from './driver';

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

/** A session op (docs/protocol.md, "Session ops"). */
export interface Op {
  op: 'subscribe' | 'unsubscribe';
  channel: string;
  since?: string | undefined;
}

export interface OpResult {
  ok?: boolean;
  error?: string;
  message?: string;
}

/**
 * What a subscribe op's result means for its channel. `already_subscribed` is success: a browser
 * sends a POST again when the kept-alive connection it went on breaks before the answer, and the
 * first one may have reached the session.
 */
export function settleSubscribe(host: Host, ch: ChannelState, result: OpResult | undefined): void {
  if (result?.ok || result?.error === 'already_subscribed') host.live(ch);
  else host.refuse(ch, result?.error ?? 'no_answer', result?.message ?? 'no answer');
}

/** POST /session/{id} with `ops`: resolves with their results, in order. */
export function postOps(host: Host, session: string, ops: Op[]): Promise<OpResult[]> {
  const url = `${host.base}/session/${session}`;
  // text/plain keeps it a simple request: no CORS preflight.
  const req = request(host, { method: 'POST', url, body: JSON.stringify(ops), headers: { 'content-type': 'text/plain' }, timeout: 15000 });
  return req.promise.then((text) => (JSON.parse(text) as { results: OpResult[] }).results);
}

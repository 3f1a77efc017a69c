/**
 * `iframe`: the forever-iframe, carrying every channel as one session (see session.ts). The
 * server's /iframe?channel=... page calls `parent.FN(envelope)`, which reaches only a parent of
 * the server's own origin. So the client loads a relay page of the server's origin,
 * /iframe-relay.html, in a hidden iframe; the relay loads the forever-iframe inside itself and
 * forwards each envelope with postMessage to this page's origin, and this side accepts only
 * messages from the relay's window and the server's origin.
 *
 * Relay → page messages, each `{pushwire: KEY, type, ...}`:
 *   hello                    the relay page runs
 *   cursor {cursor}          it fetched /poll to give a "new only" channel its cursor
 *   open                     the forever-iframe's document has begun (headers and padding came): live
 *   message {env}            an envelope, or one of the server's own events (`_session`, `_gap`, ...)
 *   beat                     the stream changed (a heartbeat came); at most every `b` ms
 *   closed {reason}          the forever-iframe ended or could not load
 */
import { utf8Length } from '../http';
import { sessionDriver, type Carrier } from './session';
import { toEnvelope } from './shared';

export const RELAY_PAGE = 'iframe-relay.html';

interface RelayMessage {
  pushwire: string;
  type: 'hello' | 'cursor' | 'open' | 'message' | 'beat' | 'closed';
  cursor?: unknown;
  env?: unknown;
  reason?: unknown;
}

/** `<script>parent.FN(` and `);</script>` around each envelope in the forever-iframe's page. */
const SCRIPT_OVERHEAD = 31;

const iframeCarrier: Carrier = (host, first, sink, events) => {
  const serverOrigin = new URL(host.base).origin;
  const key = Math.random().toString(36).slice(2) + Date.now().toString(36);
  const params = new URLSearchParams({ c: first.name, k: key, b: String(Math.ceil(host.settings.idleTimeout / 3)) });
  if (first.cursor !== undefined) params.set('s', first.cursor);
  const token = host.token();
  if (token !== undefined) params.set('t', token);
  const frame = document.createElement('iframe');
  const relayConn = host.exchange();
  let streamConn = 0;
  let hello = false;
  let stopped = false;

  const stop = (): void => {
    stopped = true;
    window.removeEventListener('message', onMessage);
    frame.onload = null;
    frame.parentNode?.removeChild(frame);
    if (streamConn) host.traffic({ type: 'end', conn: streamConn });
    streamConn = 0;
  };
  const end = (reason: string): void => {
    if (stopped) return;
    stop();
    events.end(reason);
  };
  const onMessage = (e: MessageEvent): void => {
    if (e.origin !== serverOrigin || e.source !== frame.contentWindow) return;
    const m = e.data as RelayMessage | null;
    if (!m || typeof m !== 'object' || m.pushwire !== key) return;
    if (streamConn) events.alive();
    switch (m.type) {
      case 'hello':
        hello = true;
        host.traffic({ type: 'open', conn: relayConn });
        host.traffic({ type: 'end', conn: relayConn });
        return;
      case 'cursor':
        if (typeof m.cursor === 'string') host.cursor(first, m.cursor);
        return;
      case 'open':
        streamConn = host.exchange();
        host.traffic({ type: 'request', conn: streamConn, method: 'GET', url: `${host.base}/iframe?channel=${first.name}`, channel: first.name, bytes: 0 });
        host.traffic({ type: 'open', conn: streamConn });
        events.open();
        return;
      case 'message': {
        if (streamConn) host.traffic({ type: 'data', conn: streamConn, dir: 'in', bytes: utf8Length(JSON.stringify(m.env)) + SCRIPT_OVERHEAD });
        const o = m.env as Record<string, unknown> | null;
        if (o && typeof o === 'object' && typeof o.event === 'string' && o.event.charAt(0) === '_') return sink.control(o);
        const env = toEnvelope(o, first.name);
        if (env) sink.message(env);
        return;
      }
      case 'beat':
        return;
      case 'closed':
        return end(typeof m.reason === 'string' ? m.reason : 'closed');
    }
  };

  window.addEventListener('message', onMessage);
  // The relay's load event waits for the forever-iframe inside it, so it fires early only
  // when the relay itself failed (an error page cannot say hello).
  frame.onload = () => {
    if (!hello) end('the relay page did not load');
  };
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
  frame.src = `${host.base}/${RELAY_PAGE}?origin=${encodeURIComponent(location.origin)}#${params.toString()}`;
  host.traffic({ type: 'request', conn: relayConn, method: 'GET', url: frame.src, channel: first.name, bytes: 0 });
  (document.body || document.documentElement).appendChild(frame);
  return stop;
};

export const iframeDriver = sessionDriver('iframe', iframeCarrier);

/**
 * `iframe`: the forever-iframe. The server's /iframe/{channel} page calls `parent.FN(envelope)`,
 * which reaches only a parent of the server's own origin. So the client loads a relay page of
 * the server's origin, /iframe-relay.html, in a hidden iframe; the relay loads the forever-iframe
 * inside itself and forwards each envelope with postMessage to this page's origin, and this side
 * accepts only messages from the relay's window and the server's origin.
 *
 * Relay → page messages, each `{pushwire: KEY, type, ...}`:
 *   hello                    the relay page runs
 *   cursor {cursor}          it fetched /poll to give a "new only" channel its cursor
 *   open                     the forever-iframe's document has begun (headers and padding came): live
 *   message {env}            an envelope (or the `_gap` signal)
 *   beat                     the stream changed (a heartbeat came); at most every `b` ms
 *   closed {reason}          the forever-iframe ended or could not load
 */
import { utf8Length } from '../http';
import type { ChannelState, DriverFactory } from './driver';
import { isGap, perChannel, toEnvelope } from './shared';

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

export const iframeDriver: DriverFactory = (host) => {
  const serverOrigin = new URL(host.base).origin;
  const frames = new Map<ChannelState, () => void>();

  const open = (ch: ChannelState): (() => void) => {
    const key = Math.random().toString(36).slice(2) + Date.now().toString(36);
    const params = new URLSearchParams({ c: ch.name, k: key, o: location.origin, b: String(Math.ceil(host.settings.idleTimeout / 3)) });
    if (ch.cursor !== undefined) params.set('s', ch.cursor);
    const frame = document.createElement('iframe');
    const relayConn = host.exchange();
    let streamConn = 0;
    let hello = false;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => fail(`silent for ${host.settings.idleTimeout} ms`), host.settings.idleTimeout);
    };

    const stop = (): void => {
      clearTimeout(idle);
      window.removeEventListener('message', onMessage);
      frame.onload = null;
      frame.parentNode?.removeChild(frame);
      if (streamConn) host.traffic({ type: 'end', conn: streamConn });
      streamConn = 0;
    };
    const fail = (reason: string): void => {
      if (frames.get(ch) !== stop) return;
      stop();
      host.down(`iframe: ${reason}`);
    };
    const onMessage = (e: MessageEvent): void => {
      if (e.origin !== serverOrigin || e.source !== frame.contentWindow) return;
      const m = e.data as RelayMessage | null;
      if (!m || typeof m !== 'object' || m.pushwire !== key) return;
      if (streamConn) arm();
      switch (m.type) {
        case 'hello':
          hello = true;
          host.traffic({ type: 'open', conn: relayConn });
          host.traffic({ type: 'end', conn: relayConn });
          return;
        case 'cursor':
          if (typeof m.cursor === 'string') host.cursor(ch, m.cursor);
          return;
        case 'open':
          streamConn = host.exchange();
          host.traffic({ type: 'request', conn: streamConn, method: 'GET', url: `${host.base}/iframe/${ch.name}`, channel: ch.name, bytes: 0 });
          host.traffic({ type: 'open', conn: streamConn });
          arm();
          host.up();
          host.live(ch);
          return;
        case 'message': {
          if (streamConn) host.traffic({ type: 'data', conn: streamConn, dir: 'in', bytes: utf8Length(JSON.stringify(m.env)) + SCRIPT_OVERHEAD });
          if (isGap(m.env)) return host.gap(ch);
          const env = toEnvelope(m.env, ch.name);
          if (env && env.event.charAt(0) !== '_') host.deliver(ch, env);
          return;
        }
        case 'beat':
          return;
        case 'closed':
          return fail(typeof m.reason === 'string' ? m.reason : 'closed');
      }
    };

    window.addEventListener('message', onMessage);
    // The relay's load event waits for the forever-iframe inside it, so it fires early only
    // when the relay itself failed (an error page cannot say hello).
    frame.onload = () => {
      if (!hello) fail('the relay page did not load');
    };
    frame.setAttribute('aria-hidden', 'true');
    frame.tabIndex = -1;
    frame.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
    frame.src = `${host.base}/${RELAY_PAGE}#${params.toString()}`;
    host.traffic({ type: 'request', conn: relayConn, method: 'GET', url: frame.src, channel: ch.name, bytes: 0 });
    (document.body || document.documentElement).appendChild(frame);
    return stop;
  };

  return perChannel(frames, (ch) => {
    frames.set(ch, open(ch));
  });
};

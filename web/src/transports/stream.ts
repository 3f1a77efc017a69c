/** `stream`: GET /stream/{channel}, chunked application/x-ndjson, one envelope a line. */
import type { ChannelState, Host } from './driver';
import { isGap, toEnvelope } from './shared';
import { streamingDriver, type Parser } from './streaming';

export function ndjsonParser(host: Host, ch: ChannelState): Parser {
  let buffer = '';
  return (text) => {
    buffer += text;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue; // a heartbeat
      const o: unknown = JSON.parse(line);
      if (isGap(o)) host.gap(ch);
      else {
        const env = toEnvelope(o, ch.name);
        if (env && env.event.charAt(0) !== '_') host.deliver(ch, env);
      }
    }
  };
}

export const streamDriver = streamingDriver('stream', ndjsonParser);

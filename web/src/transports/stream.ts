/**
 * `stream`: GET /stream?channel=..., chunked application/x-ndjson, one envelope a line, every
 * channel of the client as one session (see session.ts).
 */
import { toEnvelope } from './shared';
import { sessionDriver, streamCarrier, type Parser, type StreamSink } from './session';

export function streamParser(sink: StreamSink): Parser {
  let buffer = '';
  return (text) => {
    buffer += text;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue; // a heartbeat
      const o = JSON.parse(line) as Record<string, unknown>;
      if (typeof o.event === 'string' && o.event.charAt(0) === '_') sink.control(o);
      else {
        const env = toEnvelope(o, '');
        if (env) sink.message(env);
      }
    }
  };
}

export const streamDriver = sessionDriver('stream', streamCarrier('stream', streamParser));

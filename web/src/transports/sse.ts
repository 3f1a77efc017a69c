/**
 * `sse`: GET /sse?channel=..., text/event-stream, every channel of the client as one session
 * (see session.ts); each message's data is its JSON envelope. The client parses the stream itself
 * (over fetch or XHR) rather than using EventSource, because EventSource delivers a named event
 * only to a listener registered for that name, and publishers may use any event name.
 */
import { toEnvelope } from './shared';
import { sessionDriver, streamCarrier, type Parser, type StreamSink } from './session';

/** The SSE parser of the HTML standard (§9.2.6), reporting to `sink`. */
export function sseParser(sink: StreamSink): Parser {
  let buffer = '';
  let first = true;
  let data: string[] = [];
  let event = '';

  const dispatch = (): void => {
    if (data.length === 0) {
      event = '';
      return;
    }
    const type = event || 'message';
    const o: unknown = JSON.parse(data.join('\n'));
    data = [];
    event = '';
    if (type.charAt(0) === '_') {
      if (o && typeof o === 'object') sink.control({ ...(o as Record<string, unknown>), event: type });
      return;
    }
    const env = toEnvelope(o, '');
    if (env) sink.message(env);
  };

  const line = (l: string): void => {
    if (l === '') return dispatch();
    if (l.charAt(0) === ':') return; // comment: the server's heartbeat
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? '' : l.slice(colon + 1);
    if (value.charAt(0) === ' ') value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  };

  return (text) => {
    buffer += text;
    if (first && buffer.length) {
      if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
      first = false;
    }
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // A CR at the very end may be the first half of a CRLF split across two chunks.
      if (c === 13 && i === buffer.length - 1) break;
      line(buffer.slice(start, i));
      if (c === 13 && buffer.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    buffer = buffer.slice(start);
  };
}

export const sseDriver = sessionDriver('sse', streamCarrier('sse', sseParser));

/**
 * `sse`: GET /sse/{channel}, text/event-stream. The client parses the stream itself (over fetch or
 * XHR) rather than using EventSource, because EventSource delivers a named event only to a
 * listener registered for that name, and publishers may use any event name.
 */
import type { ChannelState, Host } from './driver';
import { streamingDriver, type Parser } from './streaming';

/** The SSE parser of the HTML standard (§9.2.6), dispatching to the client. */
export function sseParser(host: Host, ch: ChannelState): Parser {
  let buffer = '';
  let first = true;
  let data: string[] = [];
  let event = '';
  let lastId = '';

  const dispatch = (): void => {
    if (data.length === 0) {
      event = '';
      return;
    }
    const type = event || 'message';
    const text = data.join('\n');
    data = [];
    event = '';
    if (type === '_gap') host.gap(ch);
    else if (type.charAt(0) !== '_' && lastId) host.deliver(ch, { channel: ch.name, id: lastId, event: type, data: text });
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
    else if (field === 'id' && value.indexOf('\0') < 0) lastId = value;
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

export const sseDriver = streamingDriver('sse', sseParser);

// Helpers for the streaming techniques (SSE, NDJSON streaming, forever-iframe):
// a raw-socket stream reader that keeps the exact bytes and checks the chunk
// framing as it goes, parsers for the three body formats, /metrics, an
// EventSource that sends extra request headers, and a TCP proxy whose
// connections a test can cut.
import assert from 'node:assert/strict';
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { EventSource } from 'eventsource';
import { request } from './http.mjs';
import { parseResponseHead } from './raw_http.mjs';

// ---------------------------------------------------------------------------
// Raw stream reader

// Opens `GET path` on a fresh TCP connection and reads the response head.
// Resolves to a StreamReader once the whole head has arrived.
export async function openStream(port, path, { headers = {}, version = '1.1', timeoutMs = 3000 } = {}) {
  const reader = await connectReader(port, { timeoutMs });
  reader.sendRequest(path, { headers, version });
  try {
    await reader.head(timeoutMs);
  } catch (error) {
    reader.destroy();
    throw error;
  }
  return reader;
}

export function connectReader(port, { timeoutMs = 3000, host = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`could not connect to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', reject);
      resolve(new StreamReader(socket));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

// Reads one streaming response as it arrives.
//   response  {version, status, headers (lower-case names), raw} once the head is read
//   raw       every byte after the head, exactly as received (Buffer)
//   chunks    the chunk payloads of a chunked body, in order (Buffers)
//   body      the body without framing (Buffer); text: the same as UTF-8
//   terminated  the last chunk (size 0 and the final CRLF) has arrived
//   framingError  a description of the first chunk framing violation, or null
//   ended     the server closed the connection (FIN or reset); error: the socket error
export class StreamReader {
  socket;
  response = null;
  #rawParts = [];
  #rawLength = 0;
  chunks = [];
  terminated = false;
  framingError = null;
  ended = false;
  error = null;
  trailingAfterTerminator = Buffer.alloc(0);
  #pre = Buffer.alloc(0);        // bytes before the end of the head
  #frame = Buffer.alloc(0);      // chunked bytes not yet parsed
  #bodyParts = [];
  #bodyLength = 0;
  #body = null;
  #text = null;
  #chunked = false;
  #listeners = new Set();
  #onText = [];
  #decoder = new StringDecoder('utf8');

  constructor(socket) {
    this.socket = socket;
    socket.on('data', (data) => this.#onData(data));
    socket.on('end', () => this.#finish());
    socket.on('error', (error) => {
      this.error = error;
      this.#finish();
    });
    socket.on('close', () => this.#finish());
    this.closed = new Promise((resolve) => socket.once('close', resolve));
  }

  sendRequest(path, { headers = {}, version = '1.1' } = {}) {
    let text = `GET ${path} HTTP/${version}\r\nHost: 127.0.0.1\r\n`;
    for (const [name, value] of Object.entries(headers)) text += `${name}: ${value}\r\n`;
    this.socket.write(`${text}\r\n`);
  }

  // Called with each piece of decoded body text as it arrives (for readers
  // that count messages themselves instead of keeping `text` up to date).
  onText(callback) {
    this.#onText.push(callback);
  }

  get raw() {
    if (this.#rawParts.length !== 1) this.#rawParts = [Buffer.concat(this.#rawParts, this.#rawLength)];
    return this.#rawParts[0];
  }

  get body() {
    if (!this.#body) {
      this.#body = Buffer.concat(this.#bodyParts, this.#bodyLength);
      this.#bodyParts = [this.#body];
    }
    return this.#body;
  }

  get text() {
    if (this.#text === null) this.#text = this.body.toString('utf8');
    return this.#text;
  }

  get bodyLength() {
    return this.#bodyLength;
  }

  // Resolves to the head once it has arrived.
  head(timeoutMs = 3000) {
    return this.waitFor(() => this.response, timeoutMs, 'the response head');
  }

  // Resolves to predicate()'s first truthy value, checked on every arrival.
  waitFor(predicate, timeoutMs = 3000, what = 'a condition') {
    return new Promise((resolve, reject) => {
      const check = () => {
        let value;
        try {
          value = predicate(this);
        } catch (error) {
          done();
          reject(error);
          return true;
        }
        if (value) {
          done();
          resolve(value);
          return true;
        }
        if (this.ended) {
          done();
          reject(new Error(`connection ended while waiting for ${what}; ${this.describe()}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        if (check()) return;
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${this.describe()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      if (!check()) this.#listeners.add(check);
    });
  }

  // Waits until the body text contains `needle`.
  waitForText(needle, timeoutMs = 3000) {
    return this.waitFor((reader) => reader.text.includes(needle), timeoutMs, JSON.stringify(needle));
  }

  // Resolves true once the server has closed the connection, false if it is still open after timeoutMs.
  async waitForEnd(timeoutMs = 3000) {
    if (this.ended) return true;
    let timer;
    const result = await Promise.race([
      this.closed.then(() => true),
      new Promise((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); }),
    ]);
    clearTimeout(timer);
    return result;
  }

  pause() {
    this.socket.pause();
  }

  resume() {
    this.socket.resume();
  }

  destroy() {
    this.socket.destroy();
  }

  describe() {
    const head = this.response ? `status ${this.response.status}` : `no head yet (${JSON.stringify(this.#pre.toString('latin1').slice(0, 300))})`;
    const raw = this.#rawLength > 100000 ? `(${this.#rawLength} bytes)` : this.raw.toString('utf8');
    const shown = raw.length > 600 ? `${JSON.stringify(raw.slice(0, 200))} ... ${JSON.stringify(raw.slice(-400))}` : JSON.stringify(raw);
    return `${head}, ${this.#rawLength} body bytes received: ${shown}` +
      (this.framingError ? `, framing error: ${this.framingError}` : '') +
      (this.ended ? `, connection ended${this.error ? ` (${this.error.code ?? this.error.message})` : ''}` : '');
  }

  #onData(data) {
    if (!this.response) {
      this.#pre = Buffer.concat([this.#pre, data]);
      const end = this.#pre.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.response = parseResponseHead(this.#pre.subarray(0, end).toString('latin1'));
      this.#chunked = /\bchunked\b/i.test(this.response.headers['transfer-encoding'] ?? '');
      data = this.#pre.subarray(end + 4);
      this.#pre = Buffer.alloc(0);
    }
    if (data.length) {
      this.#rawParts.push(Buffer.from(data));
      this.#rawLength += data.length;
      if (this.#chunked) this.#parseChunks(data);
      else this.#addBody(data);
    }
    this.#wake();
  }

  #parseChunks(data) {
    if (this.terminated) {
      this.trailingAfterTerminator = Buffer.concat([this.trailingAfterTerminator, data]);
      this.framingError ??= `bytes after the last chunk: ${JSON.stringify(data.toString('latin1'))}`;
      return;
    }
    this.#frame = this.#frame.length ? Buffer.concat([this.#frame, data]) : data;
    while (!this.framingError && !this.terminated) {
      const lineEnd = this.#frame.indexOf('\r\n');
      if (lineEnd < 0) {
        if (this.#frame.length > 64) this.framingError = `no CRLF after a chunk size: ${JSON.stringify(this.#frame.subarray(0, 64).toString('latin1'))}`;
        return;
      }
      const line = this.#frame.subarray(0, lineEnd).toString('latin1');
      if (!/^[0-9A-Fa-f]+(;.*)?$/.test(line)) {
        this.framingError = `bad chunk size line ${JSON.stringify(line)}`;
        return;
      }
      const size = parseInt(line, 16);
      if (size === 0) {
        // Last chunk: no trailers expected, so just the final CRLF.
        if (this.#frame.length < lineEnd + 4) return;
        if (this.#frame.subarray(lineEnd + 2, lineEnd + 4).toString('latin1') !== '\r\n') {
          this.framingError = `last chunk not followed by CRLF: ${JSON.stringify(this.#frame.subarray(lineEnd).toString('latin1'))}`;
          return;
        }
        this.terminated = true;
        const rest = this.#frame.subarray(lineEnd + 4);
        if (rest.length) {
          this.trailingAfterTerminator = Buffer.from(rest);
          this.framingError = `bytes after the last chunk: ${JSON.stringify(rest.toString('latin1'))}`;
        }
        return;
      }
      if (this.#frame.length < lineEnd + 2 + size + 2) return;
      const payload = Buffer.from(this.#frame.subarray(lineEnd + 2, lineEnd + 2 + size));
      if (this.#frame.subarray(lineEnd + 2 + size, lineEnd + 4 + size).toString('latin1') !== '\r\n') {
        this.framingError = `chunk of ${size} bytes not followed by CRLF`;
        return;
      }
      this.chunks.push(payload);
      this.#addBody(payload);
      this.#frame = this.#frame.subarray(lineEnd + 4 + size);
    }
  }

  // True when every received byte belongs to a complete chunk (nothing half-sent).
  get atChunkBoundary() {
    return this.#frame.length === 0;
  }

  #addBody(data) {
    this.#bodyParts.push(data);
    this.#bodyLength += data.length;
    this.#body = null;
    this.#text = null;
    if (this.#onText.length) {
      const text = this.#decoder.write(data);
      if (text) for (const callback of this.#onText) callback(text);
    }
  }

  #wake() {
    for (const check of [...this.#listeners]) check();
  }

  #finish() {
    if (this.ended) return;
    this.ended = true;
    this.#wake();
  }
}

// ---------------------------------------------------------------------------
// Body formats

// Parses an SSE body (the event stream format of the HTML standard) into
// records: {type:'event', id, event, data} for dispatched events,
// {type:'comment', text} for comment lines, {type:'retry', value}. Lines
// end with CRLF, LF or CR. An unfinished last event is left out.
export function parseSse(text) {
  const records = [];
  let data = null;
  let id;
  let event;
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop();  // after the last line break: unfinished
  for (const line of lines) {
    if (line === '') {
      if (data !== null) records.push({ type: 'event', id, event: event ?? 'message', data: data.join('\n') });
      data = null;
      id = undefined;
      event = undefined;
      continue;
    }
    if (line.startsWith(':')) {
      records.push({ type: 'comment', text: line.slice(1).replace(/^ /, '') });
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') (data ??= []).push(value);
    else if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'retry') records.push({ type: 'retry', value });
  }
  return records;
}

export function sseEvents(text) {
  return parseSse(text).filter((record) => record.type === 'event');
}

// NDJSON: one JSON value a line; empty lines (heartbeats) are reported as null.
export function parseStream(text) {
  const lines = text.split('\n');
  lines.pop();  // unfinished last line
  return lines.map((line) => {
    if (line === '') return null;
    try {
      return JSON.parse(line);
    } catch {
      assert.fail(`NDJSON line is not JSON: ${JSON.stringify(line)}`);
    }
  });
}

// Forever-iframe body after the opening page: the argument of every
// `<script>parent.FN(...);</script>\n` (as raw JSON text and parsed), and heartbeats.
export function parseIframe(text, callback) {
  const prefix = `<script>parent.${callback}(`;
  const suffix = ');</script>\n';
  const records = [];
  let at = text.indexOf('<script>');
  if (at < 0) return { opening: text, records };
  const opening = text.slice(0, at);
  while (at < text.length) {
    if (text.startsWith('<!-- heartbeat -->\n', at)) {
      records.push({ type: 'heartbeat' });
      at += '<!-- heartbeat -->\n'.length;
      continue;
    }
    // An unfinished call or heartbeat at the end (a stream cut off mid-way).
    const rest = text.slice(at, at + 64);
    if ((rest.length < prefix.length && prefix.startsWith(rest)) || '<!-- heartbeat -->\n'.startsWith(rest)) break;
    if (!text.startsWith(prefix, at)) {
      assert.fail(`unexpected bytes in the iframe body at ${at}: ${JSON.stringify(text.slice(at, at + 200))}`);
    }
    const end = text.indexOf(suffix, at);
    if (end < 0) break;  // unfinished
    const json = text.slice(at + prefix.length, end);
    let value;
    try {
      value = JSON.parse(json);
    } catch {
      assert.fail(`iframe call argument is not JSON: ${JSON.stringify(json)}`);
    }
    records.push({ type: 'call', json, value });
    at = end + suffix.length;
  }
  return { opening, records };
}

// The messages of a stream body, whatever the format: [{id, event, data}] and gap signals as {gap: channel}.
export function streamMessages(format, text, callback = 'cb') {
  if (format === 'sse') {
    return sseEvents(text).map((e) => (e.event === '_gap' ? { gap: JSON.parse(e.data).channel } : { id: e.id, event: e.event, data: e.data }));
  }
  const values = format === 'stream'
    ? parseStream(text).filter((v) => v !== null)
    : parseIframe(text, callback).records.filter((r) => r.type === 'call').map((r) => r.value);
  return values.map((v) => (v.event === '_gap' && v.id === undefined ? { gap: v.channel } : { id: v.id, event: v.event, data: v.data }));
}

// The three streaming techniques, for tests that cover each.
export const FORMATS = [
  { name: 'sse', path: (channel, query = '') => `/sse/${channel}${query ? `?${query}` : ''}` },
  { name: 'stream', path: (channel, query = '') => `/stream/${channel}${query ? `?${query}` : ''}` },
  { name: 'iframe', path: (channel, query = '') => `/iframe/${channel}?callback=cb${query ? `&${query}` : ''}` },
];

// ---------------------------------------------------------------------------
// /metrics

export async function metrics(base) {
  const res = await request(base, '/metrics');
  assert.equal(res.status, 200, `/metrics: ${res.body}`);
  const values = {};
  for (const line of res.body.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match && !line.startsWith('#')) values[match[1] + (match[2] ?? '')] = Number(match[3]);
  }
  return values;
}

export async function metric(base, name) {
  const values = await metrics(base);
  assert.ok(name in values, `/metrics should have ${name}`);
  return values[name];
}

// Polls until metric `name` satisfies predicate; resolves to {value, elapsedMs}, or the last value on timeout.
export async function waitForMetric(base, name, predicate, timeoutMs = 2000, intervalMs = 25) {
  const started = performance.now();
  for (;;) {
    const value = await metric(base, name);
    const elapsedMs = performance.now() - started;
    if (predicate(value)) return { value, elapsedMs, ok: true };
    if (elapsedMs > timeoutMs) return { value, elapsedMs, ok: false };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// ---------------------------------------------------------------------------
// EventSource

// An EventSource (the npm `eventsource` package) that adds `headers` to
// every request it makes, and records what it saw.
export function eventSource(url, { headers = {}, events = [] } = {}) {
  const source = new EventSource(url, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...headers } }),
  });
  const seen = { messages: [], opens: 0, errors: 0, named: {} };
  source.addEventListener('open', () => { seen.opens++; });
  source.addEventListener('error', () => { seen.errors++; });
  source.addEventListener('message', (event) => {
    seen.messages.push({ id: event.lastEventId, data: event.data, event: 'message' });
  });
  for (const name of events) {
    seen.named[name] = [];
    source.addEventListener(name, (event) => {
      const record = { id: event.lastEventId, data: event.data, event: name };
      seen.named[name].push(record);
      seen.messages.push(record);
    });
  }
  return { source, seen };
}

export function waitForOpen(source, timeoutMs = 3000) {
  if (source.readyState === EventSource.OPEN) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`EventSource did not open within ${timeoutMs} ms`)), timeoutMs);
    source.addEventListener('open', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

// Polls `predicate` every few ms until it is truthy.
export async function until(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// ---------------------------------------------------------------------------
// A TCP proxy whose connections can be cut

export async function tcpProxy(targetPort, targetHost = '127.0.0.1') {
  const pairs = new Set();
  const requests = [];  // the first bytes each client sent, as latin1 text
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    const pair = { client, upstream };
    pairs.add(pair);
    let first = '';
    client.on('data', (data) => {
      if (first.length < 16384) {
        first += data.toString('latin1');
        if (first.includes('\r\n\r\n') && !pair.logged) {
          pair.logged = true;
          requests.push(first);
        }
      }
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    requests,
    get open() { return pairs.size; },
    // Drops every proxied connection at once, in both directions.
    cut() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    close() {
      this.cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

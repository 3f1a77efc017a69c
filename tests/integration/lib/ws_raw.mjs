// WebSocket clients for the ws_*.test.mjs files.
//
// RawWs speaks RFC 6455 by hand over node:net, so that a test can send what
// the `ws` package never would (unmasked frames, reserved bits, unknown
// opcodes, broken fragmentation, invalid UTF-8, a header announcing more than
// it sends) and see exactly which frames the server answers with, down to the
// close code, and when it closes the TCP connection.
//
// OpSocket wraps a `ws` package client for the JSON ops of /ws: it queues
// every text message the server sends, in order, so that a test can check
// both what arrives and in which order.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { openSocket, SocketInput, Waiter } from './raw_http.mjs';

export const OP = Object.freeze({
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
});

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const DEFAULT_TIMEOUT_MS = 3000;

export function acceptFor(key) {
  return createHash('sha1').update(key + GUID).digest('base64');
}

// Encodes one frame. `payload` is a string (UTF-8) or a Buffer. `mask: false`
// sends it unmasked; `rsv` is the three reserved bits as a number 0..7 (4 is
// RSV1); `length` overrides the length written in the header (the payload is
// still the one given, which may then be empty).
export function encodeFrame(opcode, payload = Buffer.alloc(0), { fin = true, rsv = 0, mask = true, length } = {}) {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
  const announced = length ?? body.length;
  let header;
  if (announced < 126) {
    header = Buffer.alloc(2);
    header[1] = announced;
  } else if (announced < 0x10000) {
    header = Buffer.alloc(4);
    header[1] = 126;
    header.writeUInt16BE(announced, 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(announced), 2);
  }
  header[0] = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f);
  if (!mask) return Buffer.concat([header, body]);
  header[1] |= 0x80;
  const key = randomBytes(4);
  const masked = Buffer.alloc(body.length);
  for (let i = 0; i < body.length; i++) masked[i] = body[i] ^ key[i % 4];
  return Buffer.concat([header, key, masked]);
}

export function closePayload(code, reason = '') {
  const reasonBytes = Buffer.from(reason, 'utf8');
  const payload = Buffer.alloc(2 + reasonBytes.length);
  payload.writeUInt16BE(code, 0);
  reasonBytes.copy(payload, 2);
  return payload;
}

function parseHead(text) {
  const lines = text.split('\r\n');
  const match = /^HTTP\/1\.1 (\d{3})/.exec(lines[0]);
  assert.ok(match, `not an HTTP/1.1 status line: ${JSON.stringify(lines[0])}`);
  const headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status: Number(match[1]), headers };
}

// The headers of a well-formed upgrade request, as an object; a test deletes
// or replaces some of them to make a bad one.
export function upgradeHeaders({ key = randomBytes(16).toString('base64'), extensions } = {}) {
  const headers = {
    Host: 'test',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': key,
    'Sec-WebSocket-Version': '13',
  };
  if (extensions) headers['Sec-WebSocket-Extensions'] = extensions;
  return headers;
}

// Sends `GET path` with exactly `headers` (null values left out) and reads
// the response head. A 101 gives a RawWs ready for frames in `ws`; any other
// status reads the body (Content-Length) into `body`.
export async function handshake(port, { path = '/ws', headers = upgradeHeaders(), host = '127.0.0.1', method = 'GET' } = {}) {
  const socket = await openSocket(port, host);
  socket.setNoDelay(true);
  const lines = [`${method} ${path} HTTP/1.1`];
  // An array value sends one header line per element.
  for (const [name, value] of Object.entries(headers)) {
    for (const line of [value].flat()) if (line !== null && line !== undefined) lines.push(`${name}: ${line}`);
  }
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  const ws = new RawWs(socket);
  let head;
  try {
    head = await ws.readHead();
  } catch (error) {
    socket.destroy();
    throw error;
  }
  const result = { ...head, ws: null, body: '' };
  if (head.status === 101) {
    result.ws = ws;
  } else {
    const length = Number(head.headers['content-length'] ?? 0);
    if (length > 0) result.body = (await ws.readBytes(length)).toString('utf8');
    ws.destroy();
  }
  return result;
}

// Opens a WebSocket and checks the 101 (Upgrade, Connection, Accept).
export async function rawConnect(port, { path = '/ws', extensions, headers = {} } = {}) {
  const base = upgradeHeaders({ extensions });
  const result = await handshake(port, { path, headers: { ...base, ...headers } });
  assert.equal(result.status, 101, `upgrade of ${path} should answer 101, got ${result.status}: ${result.body}`);
  assert.match(result.headers.upgrade ?? '', /^websocket$/i);
  assert.match(result.headers.connection ?? '', /upgrade/i);
  assert.equal(result.headers['sec-websocket-accept'], acceptFor(base['Sec-WebSocket-Key']));
  result.ws.headers = result.headers;
  return result.ws;
}

export class RawWs {
  #socket;
  #input;

  constructor(socket) {
    this.#socket = socket;
    this.headers = {};
    this.ended = new Promise((resolve) => socket.once('close', resolve));
    this.#input = new SocketInput(socket);
  }

  get socket() {
    return this.#socket;
  }

  // The socket error, if the connection failed.
  get error() {
    return this.#input.error;
  }

  // True once the server has closed the TCP connection (FIN or reset).
  get isEnded() {
    return this.#input.ended;
  }

  // Resolves with check()'s first non-undefined answer, re-checking as bytes
  // arrive; rejects at the deadline or when the connection ends first.
  #until(check, timeoutMs, what) {
    const input = this.#input;
    return input.until(check, Date.now() + timeoutMs, {
      ended: () => (input.ended
        ? `connection ended while waiting for ${what}` +
          `${input.error ? ` (${input.error.code ?? input.error.message})` : ''}; ${input.buffer.length} bytes unread`
        : undefined),
      timedOut: () => `no ${what} within ${timeoutMs} ms; ${input.buffer.length} bytes unread`,
    });
  }

  async readHead(timeoutMs = DEFAULT_TIMEOUT_MS) {
    const end = await this.#until(() => this.#input.indexOf('\r\n\r\n'), timeoutMs, 'HTTP response head');
    return parseHead(this.#input.take(end + 4).subarray(0, end).toString('latin1'));
  }

  async readBytes(n, timeoutMs = DEFAULT_TIMEOUT_MS) {
    await this.#until(() => (this.#input.buffer.length >= n ? true : undefined), timeoutMs, `${n} bytes`);
    return this.#input.take(n);
  }

  // Parses one frame from the buffer, or undefined if it is not all there.
  #takeFrame() {
    const b = this.#input.buffer;
    if (b.length < 2) return undefined;
    let length = b[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(b.readBigUInt64BE(2));
      offset = 10;
    }
    const masked = (b[1] & 0x80) !== 0;
    if (masked) offset += 4;
    if (b.length < offset + length) return undefined;
    const frame = {
      fin: (b[0] & 0x80) !== 0,
      rsv: (b[0] >> 4) & 7,
      opcode: b[0] & 0x0f,
      masked,
      payload: Buffer.from(b.subarray(offset, offset + length)),
    };
    this.#input.take(offset + length);
    return frame;
  }

  // The next frame from the server: {fin, rsv, opcode, masked, payload}.
  async readFrame(timeoutMs = DEFAULT_TIMEOUT_MS) {
    const frame = await this.#until(() => this.#takeFrame(), timeoutMs, 'frame');
    assert.equal(frame.masked, false, 'a server must not mask its frames (RFC 6455 5.1)');
    return frame;
  }

  // The next frame that is not a ping (the server's heartbeat pings are
  // skipped, the rest returned).
  async readFrameSkippingPings(timeoutMs = DEFAULT_TIMEOUT_MS) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.readFrame(Math.max(1, deadline - Date.now()));
      if (frame.opcode !== OP.ping) return frame;
    }
  }

  // The next text message (uncompressed, possibly fragmented), parsed as JSON.
  async readJson(timeoutMs = DEFAULT_TIMEOUT_MS) {
    const deadline = Date.now() + timeoutMs;
    const parts = [];
    for (;;) {
      const frame = await this.readFrameSkippingPings(Math.max(1, deadline - Date.now()));
      if (frame.opcode === OP.close) {
        throw new Error(`expected a text message, got a close frame ${describeClose(frame.payload)}`);
      }
      if (frame.opcode === OP.pong) continue;
      assert.ok(parts.length ? frame.opcode === OP.continuation : frame.opcode === OP.text,
        `expected a text frame, got opcode ${frame.opcode}`);
      assert.equal(frame.rsv, 0, 'the raw client did not negotiate an extension, so RSV bits must be 0');
      parts.push(frame.payload);
      if (frame.fin) {
        const text = Buffer.concat(parts).toString('utf8');
        try {
          return JSON.parse(text);
        } catch {
          assert.fail(`text message is not JSON: ${JSON.stringify(text.slice(0, 300))}`);
        }
      }
    }
  }

  // Reads frames (skipping pings, pongs and messages) up to the server's close
  // frame, and returns {code, reason}; code is null for an empty close body.
  async readClose(timeoutMs = DEFAULT_TIMEOUT_MS) {
    const deadline = Date.now() + timeoutMs;
    const skipped = [];
    for (;;) {
      let frame;
      try {
        frame = await this.readFrame(Math.max(1, deadline - Date.now()));
      } catch (error) {
        error.message += skipped.length ? `; frames before it: ${skipped.join(' | ')}` : '';
        throw error;
      }
      if (frame.opcode === OP.close) {
        const payload = frame.payload;
        if (payload.length === 0) return { code: null, reason: '' };
        assert.ok(payload.length >= 2, 'a close body is empty or at least 2 bytes');
        return { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8') };
      }
      skipped.push(`opcode ${frame.opcode}: ${frame.payload.toString('utf8').slice(0, 120)}`);
    }
  }

  // Resolves true once the server has closed the TCP connection, false if it
  // is still open after timeoutMs.
  async waitForEnd(timeoutMs = DEFAULT_TIMEOUT_MS) {
    try {
      await this.#until(() => (this.#input.ended ? true : undefined), timeoutMs, 'end');
      return true;
    } catch {
      return this.#input.ended;
    }
  }

  // Asserts that the server sends a close frame with `code` and then closes
  // the TCP connection.
  async expectClose(code, timeoutMs = DEFAULT_TIMEOUT_MS) {
    const close = await this.readClose(timeoutMs);
    assert.equal(close.code, code, `close code should be ${code}, got ${close.code} (reason ${JSON.stringify(close.reason)})`);
    assert.ok(await this.waitForEnd(timeoutMs), `the TCP connection should be closed after the close frame ${code}`);
    return close;
  }

  // Bytes received and not yet read as frames.
  pending() {
    return this.#input.buffer;
  }

  write(bytes) {
    if (!this.#socket.destroyed) this.#socket.write(bytes);
  }

  send(opcode, payload, options) {
    this.write(encodeFrame(opcode, payload, options));
  }

  sendText(text, options) {
    this.send(OP.text, text, options);
  }

  sendJson(value) {
    this.sendText(JSON.stringify(value));
  }

  sendClose(code, reason = '') {
    this.send(OP.close, code === undefined ? Buffer.alloc(0) : closePayload(code, reason));
  }

  pause() {
    this.#socket.pause();
  }

  resume() {
    this.#socket.resume();
  }

  destroy() {
    this.#socket.destroy();
  }
}

export function describeClose(payload) {
  if (payload.length < 2) return '(no code)';
  return `${payload.readUInt16BE(0)} ${JSON.stringify(payload.subarray(2).toString('utf8'))}`;
}

// ---------------------------------------------------------------------------
// The `ws` package as a normal client.

export function wsUrl(base, path) {
  return `${base.replace(/^http/, 'ws')}${path}`;
}

// Opens a `ws` client; resolves once open, rejects on an error or an
// unexpected response. `deflate` is the client's perMessageDeflate option.
export function openWs(base, path = '/ws', { deflate = false, headers, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(base, path), { perMessageDeflate: deflate, headers, handshakeTimeout: timeoutMs });
    const socket = new OpSocket(ws);
    const fail = (error) => {
      ws.terminate();
      reject(error);
    };
    ws.once('open', () => {
      ws.off('error', fail);
      resolve(socket);
    });
    ws.once('error', fail);
    ws.once('unexpected-response', (req, res) => fail(new Error(`upgrade of ${path} answered ${res.statusCode}`)));
  });
}

export class OpSocket {
  #queue = [];
  #waiter = new Waiter();
  #nextRef = 1;

  constructor(ws) {
    this.ws = ws;
    this.pings = 0;
    this.binary = [];
    this.closeInfo = null;
    this.errors = [];
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString('utf8') };
        this.#waiter.notify();
        resolve(this.closeInfo);
      });
    });
    ws.on('error', (error) => this.errors.push(error));
    ws.on('ping', () => { this.pings++; });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.binary.push(data);
      } else {
        const text = data.toString('utf8');
        let value;
        try {
          value = JSON.parse(text);
        } catch {
          value = { notJson: text };
        }
        this.#queue.push(value);
      }
      this.#waiter.notify();
    });
  }

  #until(check, timeoutMs, what) {
    return this.#waiter.until(check, Date.now() + timeoutMs, {
      ended: () => (this.closeInfo
        ? `socket closed (${this.closeInfo.code} ${JSON.stringify(this.closeInfo.reason)}) while waiting for ${what};` +
          ` unread: ${this.describeQueue()}`
        : undefined),
      timedOut: () => `no ${what} within ${timeoutMs} ms; unread: ${this.describeQueue()}`,
    });
  }

  describeQueue() {
    const shown = this.#queue.slice(0, 5).map((op) => JSON.stringify(op).slice(0, 200));
    return `${this.#queue.length} op(s)${shown.length ? `: ${shown.join(' ')}` : ''}`;
  }

  // Ops received and not yet taken.
  get unread() {
    return this.#queue.length;
  }

  send(value) {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  // The next op the server sent, in order.
  async next(timeoutMs = DEFAULT_TIMEOUT_MS) {
    return this.#until(() => this.#queue.shift(), timeoutMs, 'op');
  }

  // Takes the first unread op that matches, leaving the others in order.
  async take(predicate, timeoutMs = DEFAULT_TIMEOUT_MS, what = 'matching op') {
    return this.#until(() => {
      const at = this.#queue.findIndex(predicate);
      return at >= 0 ? this.#queue.splice(at, 1)[0] : undefined;
    }, timeoutMs, what);
  }

  newRef() {
    return this.#nextRef++;
  }

  // Sends `op` with a fresh ref and resolves with the reply that carries it.
  async call(op, timeoutMs = DEFAULT_TIMEOUT_MS) {
    const ref = op.ref ?? this.newRef();
    this.send({ ...op, ref });
    return this.take((reply) => reply.ref === ref, timeoutMs, `reply to ${JSON.stringify({ ...op, ref }).slice(0, 200)}`);
  }

  // Like call(), and asserts an ok reply.
  async ok(op, timeoutMs) {
    const reply = await this.call(op, timeoutMs);
    assert.equal(reply.op, 'ok', `${op.op} should be ok: ${JSON.stringify(reply)}`);
    return reply;
  }

  async subscribe(channel, since) {
    const reply = await this.ok(since === undefined ? { op: 'subscribe', channel } : { op: 'subscribe', channel, since });
    assert.equal(reply.channel, channel);
    return reply;
  }

  async publish(channel, data, event) {
    const reply = await this.ok(event === undefined ? { op: 'publish', channel, data } : { op: 'publish', channel, data, event });
    return reply;
  }

  // The next `count` message ops of `channel`, in the order received.
  async messages(channel, count, timeoutMs = DEFAULT_TIMEOUT_MS) {
    const out = [];
    for (let i = 0; i < count; i++) {
      out.push(await this.take((op) => op.op === 'message' && op.channel === channel, timeoutMs,
        `message ${i + 1} of ${count} on ${channel}`));
    }
    return out;
  }

  // Waits `ms` and asserts that nothing else arrived meanwhile.
  async assertQuiet(ms = 300, what = 'nothing more') {
    await new Promise((resolve) => setTimeout(resolve, ms));
    assert.equal(this.#queue.length, 0, `expected ${what}, got ${this.describeQueue()}`);
  }

  close(code, reason) {
    this.ws.close(code, reason);
    return this.closed;
  }

  terminate() {
    this.ws.terminate();
  }
}

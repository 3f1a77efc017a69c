// RFC 6455 at the frame level, with a hand-made client: every protocol
// violation gets its close code in the server's close frame and then the TCP
// connection closes; control frames, fragmentation and UTF-8 across fragment
// boundaries work; the handshake refuses what it must.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { constants as zlibConstants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { channelName, publish } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { OP, closePayload, encodeFrame, handshake, rawConnect, upgradeHeaders } from './lib/ws_raw.mjs';

const MAX = 1024;  // --max-message-bytes
const FRAME_LIMIT = MAX + 4096;

// permessage-deflate payload of `bytes` (RFC 7692 7.2.1: the trailing
// 00 00 ff ff of a sync flush is left out).
function deflated(bytes) {
  const out = deflateRawSync(Buffer.from(bytes), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  assert.deepEqual([...out.subarray(-4)], [0x00, 0x00, 0xff, 0xff]);
  return out.subarray(0, -4);
}

describe('WebSocket frames (raw client)', () => {
  let server;
  before(async () => {
    server = await startServer(null, ['--max-message-bytes', String(MAX), '--heartbeat', '60']);
  });
  after(() => server?.stop());

  async function connect(t, options) {
    const ws = await rawConnect(server.port, options);
    t.after(() => ws.destroy());
    return ws;
  }

  // A connection that has just proven it works: a ping op answered.
  async function connectReady(t, options) {
    const ws = await connect(t, options);
    ws.sendJson({ op: 'ping', ref: 1 });
    assert.deepEqual(await ws.readJson(), { op: 'pong', ref: 1 });
    return ws;
  }

  describe('violations close with 1002', () => {
    const cases = [
      ['an unmasked text frame', (ws) => ws.send(OP.text, '{"op":"ping","ref":2}', { mask: false })],
      ['an unmasked ping', (ws) => ws.send(OP.ping, 'x', { mask: false })],
      ['an unmasked close', (ws) => ws.send(OP.close, closePayload(1000), { mask: false })],
      ['RSV1 without permessage-deflate', (ws) => ws.send(OP.text, '{"op":"ping"}', { rsv: 4 })],
      ['RSV2', (ws) => ws.send(OP.text, '{"op":"ping"}', { rsv: 2 })],
      ['RSV3', (ws) => ws.send(OP.text, '{"op":"ping"}', { rsv: 1 })],
      ['RSV bits on a ping', (ws) => ws.send(OP.ping, 'x', { rsv: 4 })],
      ['opcode 0x3', (ws) => ws.send(0x3, 'x')],
      ['opcode 0x7', (ws) => ws.send(0x7, 'x')],
      ['opcode 0xB', (ws) => ws.send(0xb, 'x')],
      ['opcode 0xF', (ws) => ws.send(0xf, 'x')],
      ['a fragmented ping', (ws) => ws.send(OP.ping, 'x', { fin: false })],
      ['a fragmented close', (ws) => ws.send(OP.close, closePayload(1000), { fin: false })],
      ['a 126-byte ping', (ws) => ws.send(OP.ping, Buffer.alloc(126, 0x61))],
      ['a 126-byte pong', (ws) => ws.send(OP.pong, Buffer.alloc(126, 0x61))],
      ['a close with a 126-byte body', (ws) => ws.send(OP.close, closePayload(1000, 'r'.repeat(124)))],
      ['a continuation without a start', (ws) => ws.send(OP.continuation, 'x')],
      ['a final continuation without a start', (ws) => ws.send(OP.continuation, '{"op":"ping"}', { fin: true })],
      ['a text frame inside a fragmented message', (ws) => {
        ws.send(OP.text, '{"op":', { fin: false });
        ws.send(OP.text, '"ping"}');
      }],
      ['a binary frame inside a fragmented message', (ws) => {
        ws.send(OP.text, '{"op":', { fin: false });
        ws.send(OP.binary, 'x');
      }],
      ['a close with a 1-byte body', (ws) => ws.send(OP.close, Buffer.from([0x03]))],
      ...[0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535].map((code) =>
        [`a close with the code ${code}`, (ws) => ws.sendClose(code, 'x')]),
    ];
    for (const [what, violate] of cases) {
      test(what, async (t) => {
        const ws = await connectReady(t);
        violate(ws);
        await ws.expectClose(1002);
      });
    }

    test('RSV1 on a ping with permessage-deflate agreed', async (t) => {
      const ws = await connectReady(t, { extensions: 'permessage-deflate' });
      assert.match(ws.headers['sec-websocket-extensions'] ?? '', /^permessage-deflate\b/);
      ws.send(OP.ping, 'x', { rsv: 4 });
      await ws.expectClose(1002);
    });

    test('RSV1 on a continuation frame with permessage-deflate agreed', async (t) => {
      const ws = await connectReady(t, { extensions: 'permessage-deflate' });
      const body = deflated('{"op":"ping","ref":3}');
      ws.send(OP.text, body.subarray(0, 4), { rsv: 4, fin: false });
      ws.send(OP.continuation, body.subarray(4), { rsv: 4 });
      await ws.expectClose(1002);
    });

    test('a violation in the same TCP segment as a good frame', async (t) => {
      const ws = await connect(t);
      ws.write(Buffer.concat([encodeFrame(OP.text, '{"op":"ping","ref":4}'), encodeFrame(0x3, 'x')]));
      assert.deepEqual(await ws.readJson(), { op: 'pong', ref: 4 });
      await ws.expectClose(1002);
    });
  });

  describe('invalid UTF-8 closes with 1007', () => {
    const bad = {
      'a 0xFF byte': [0x7b, 0xff, 0x7d],
      'an overlong "/"': [0x22, 0xc0, 0xaf, 0x22],
      'an overlong 3-byte NUL': [0xe0, 0x80, 0x80],
      'a UTF-16 surrogate encoded in UTF-8': [0xed, 0xa0, 0x80],
      'a code point over U+10FFFF': [0xf4, 0x90, 0x80, 0x80],
      'a lone continuation byte': [0x61, 0x80, 0x62],
    };
    for (const [what, bytes] of Object.entries(bad)) {
      test(`a text frame with ${what}`, async (t) => {
        const ws = await connectReady(t);
        ws.send(OP.text, Buffer.from(bytes));
        await ws.expectClose(1007);
      });
    }

    test('a text message that ends inside a code point', async (t) => {
      const ws = await connectReady(t);
      ws.send(OP.text, Buffer.from([0x61, 0xe2, 0x82]));
      await ws.expectClose(1007);
    });

    test('a code point split across fragments whose second half is not a continuation', async (t) => {
      const ws = await connectReady(t);
      ws.send(OP.text, Buffer.from([0x61, 0xe2, 0x82]), { fin: false });
      ws.send(OP.continuation, Buffer.from([0x28, 0x61]));
      await ws.expectClose(1007);
    });

    test('a fragmented message ending inside a code point', async (t) => {
      const ws = await connectReady(t);
      ws.send(OP.text, Buffer.from('{"op":"ping"}'), { fin: false });
      ws.send(OP.continuation, Buffer.from([0xf0, 0x9f]));
      await ws.expectClose(1007);
    });

    test('is detected at the first invalid byte, before the message is complete', async (t) => {
      const ws = await connectReady(t);
      // The first fragment carries the bad byte; the rest never comes.
      ws.send(OP.text, Buffer.from([0x7b, 0x22, 0xff]), { fin: false });
      await ws.expectClose(1007, 3000);
    });

    test('is detected inside a frame whose payload has not all arrived', async (t) => {
      const ws = await connectReady(t);
      const frame = encodeFrame(OP.text, Buffer.concat([Buffer.from([0xff]), Buffer.alloc(200, 0x61)]));
      ws.write(frame.subarray(0, frame.length - 100));
      await ws.expectClose(1007, 3000);
    });

    test('invalid UTF-8 in a close reason', async (t) => {
      const ws = await connectReady(t);
      ws.send(OP.close, Buffer.concat([closePayload(1000), Buffer.from([0xff, 0xfe])]));
      await ws.expectClose(1007);
    });

    test('invalid UTF-8 inside a compressed text message', async (t) => {
      const ws = await connectReady(t, { extensions: 'permessage-deflate' });
      assert.match(ws.headers['sec-websocket-extensions'] ?? '', /^permessage-deflate\b/);
      ws.send(OP.text, deflated(Buffer.from([0x7b, 0xc3, 0x28, 0x7d])), { rsv: 4 });
      await ws.expectClose(1007);
    });
  });

  describe('too big closes with 1009', () => {
    test('a frame header announcing more than the limit, without its payload', async (t) => {
      const ws = await connectReady(t);
      ws.write(encodeFrame(OP.text, Buffer.alloc(0), { length: FRAME_LIMIT + 1 }));
      await ws.expectClose(1009, 3000);
    });

    test('a frame header announcing 2^40 bytes', async (t) => {
      const ws = await connectReady(t);
      ws.write(encodeFrame(OP.binary, Buffer.alloc(0), { length: 2 ** 40 }));
      await ws.expectClose(1009, 3000);
    });

    test('fragments that together pass the limit', async (t) => {
      const ws = await connectReady(t);
      ws.send(OP.text, 'a'.repeat(3000), { fin: false });
      ws.send(OP.continuation, 'a'.repeat(3000), { fin: false });
      await ws.expectClose(1009, 3000);
    });

    test('a compressed message that inflates past the limit', async (t) => {
      const ws = await connectReady(t, { extensions: 'permessage-deflate' });
      ws.send(OP.text, deflated('a'.repeat(FRAME_LIMIT * 4)), { rsv: 4 });
      await ws.expectClose(1009, 3000);
    });

    test('exactly the limit is not 1009: it is read, and refused as an op', async (t) => {
      const ws = await connectReady(t);
      ws.send(OP.text, 'x'.repeat(FRAME_LIMIT));
      const reply = await ws.readJson();
      assert.equal(reply.op, 'error', JSON.stringify(reply));
      assert.equal(reply.code, 'bad_op');
      ws.sendJson({ op: 'ping', ref: 9 });
      assert.deepEqual(await ws.readJson(), { op: 'pong', ref: 9 });
    });
  });

  describe('control frames', () => {
    for (const [what, payload] of [['empty', Buffer.alloc(0)], ['"hello"', Buffer.from('hello')],
      ['125 binary bytes', Buffer.from(Array.from({ length: 125 }, (_, i) => (i * 7) & 0xff))]]) {
      test(`a ping (${what}) gets a pong with the same payload`, async (t) => {
        const ws = await connect(t);
        ws.send(OP.ping, payload);
        const pong = await ws.readFrame();
        assert.equal(pong.opcode, OP.pong);
        assert.equal(pong.fin, true);
        assert.deepEqual(pong.payload, payload);
      });
    }

    test('an unsolicited pong is ignored', async (t) => {
      const ws = await connect(t);
      ws.send(OP.pong, 'unasked');
      ws.sendJson({ op: 'ping', ref: 5 });
      assert.deepEqual(await ws.readJson(), { op: 'pong', ref: 5 });
      assert.equal(ws.pending().length, 0);
    });

    test('a ping between fragments is answered, and the message still works', async (t) => {
      const ws = await connect(t);
      ws.send(OP.text, '{"op":"pi', { fin: false });
      ws.send(OP.ping, 'mid');
      ws.send(OP.continuation, 'ng",', { fin: false });
      ws.send(OP.pong, 'also ignored');
      ws.send(OP.continuation, '"ref":7}');
      const pong = await ws.readFrame();
      assert.equal(pong.opcode, OP.pong, 'the ping is answered before the message is complete');
      assert.equal(pong.payload.toString(), 'mid');
      assert.deepEqual(await ws.readJson(), { op: 'pong', ref: 7 });
    });

    test('a ping before the last fragment, then more messages', async (t) => {
      const ws = await connect(t);
      ws.send(OP.text, '{"op":"ping",', { fin: false });
      ws.send(OP.ping, 'a');
      assert.equal((await ws.readFrame()).payload.toString(), 'a');
      ws.send(OP.continuation, '"ref":8}');
      assert.deepEqual(await ws.readJson(), { op: 'pong', ref: 8 });
      ws.sendJson({ op: 'ping', ref: 9 });
      assert.deepEqual(await ws.readJson(), { op: 'pong', ref: 9 });
    });
  });

  describe('fragmentation and UTF-8', () => {
    const text = 'caf\u00e9 \u20ac \u{1F600} \u{10FFFF}';

    test('a code point split across fragments is accepted', async (t) => {
      const ws = await connect(t);
      const channel = channelName('frag');
      ws.sendJson({ op: 'subscribe', channel, ref: 1 });
      assert.deepEqual(await ws.readJson(), { op: 'ok', ref: 1, channel });
      const bytes = Buffer.from(JSON.stringify({ op: 'publish', channel, data: text, ref: 2 }));
      // Cut inside the 2-, 3- and 4-byte sequences.
      const start = bytes.indexOf(Buffer.from('\u00e9'));
      const cuts = [start + 1, bytes.indexOf(Buffer.from('\u20ac')) + 2, bytes.indexOf(Buffer.from('\u{1F600}')) + 1,
        bytes.indexOf(Buffer.from('\u{1F600}')) + 3, bytes.indexOf(Buffer.from('\u{10FFFF}')) + 2];
      let from = 0;
      for (const cut of cuts) {
        ws.send(from === 0 ? OP.text : OP.continuation, bytes.subarray(from, cut), { fin: false });
        from = cut;
      }
      ws.send(OP.continuation, bytes.subarray(from));
      const replies = [await ws.readJson(), await ws.readJson()];
      const ack = replies.find((r) => r.op === 'ok');
      const message = replies.find((r) => r.op === 'message');
      assert.ok(ack && message, `expected an ok and a message: ${JSON.stringify(replies)}`);
      assert.equal(ack.ref, 2);
      assert.equal(message.data, text);
      assert.equal(message.id, ack.id);
    });

    test('empty fragments and one byte per fragment', async (t) => {
      const ws = await connect(t);
      const bytes = Buffer.from('{"op":"ping","ref":"\u00e9\u{1F600}"}');
      ws.send(OP.text, Buffer.alloc(0), { fin: false });
      for (const byte of bytes) ws.send(OP.continuation, Buffer.from([byte]), { fin: false });
      ws.send(OP.continuation, Buffer.alloc(0));
      assert.deepEqual(await ws.readJson(), { op: 'pong', ref: '\u00e9\u{1F600}' });
    });

    test('a frame written one byte at a time', async (t) => {
      const ws = await connect(t);
      const frame = encodeFrame(OP.text, '{"op":"ping","ref":11}');
      for (const byte of frame) {
        ws.write(Buffer.from([byte]));
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.deepEqual(await ws.readJson(), { op: 'pong', ref: 11 });
    });

    test('many frames in one write', async (t) => {
      const ws = await connect(t);
      const frames = [];
      for (let ref = 1; ref <= 200; ref++) frames.push(encodeFrame(OP.text, JSON.stringify({ op: 'ping', ref })));
      ws.write(Buffer.concat(frames));
      for (let ref = 1; ref <= 200; ref++) assert.deepEqual(await ws.readJson(), { op: 'pong', ref });
    });

    test('a frame with the 16-bit length form', async (t) => {
      const ws = await connect(t);
      const channel = channelName('len');
      ws.sendJson({ op: 'subscribe', channel, ref: 1 });
      await ws.readJson();
      const data = 'L'.repeat(1000);
      const payload = Buffer.from(JSON.stringify({ op: 'publish', channel, data, ref: 2 }));
      assert.ok(payload.length > 125);
      ws.send(OP.text, payload);
      const replies = [await ws.readJson(), await ws.readJson()];
      assert.equal(replies.find((r) => r.op === 'message')?.data, data);
    });

    test('a compressed, fragmented message split inside a code point', async (t) => {
      const ws = await connect(t, { extensions: 'permessage-deflate; client_no_context_takeover' });
      assert.match(ws.headers['sec-websocket-extensions'] ?? '', /^permessage-deflate\b/);
      const body = deflated(JSON.stringify({ op: 'ping', ref: text }));
      ws.send(OP.text, body.subarray(0, 5), { rsv: 4, fin: false });
      ws.send(OP.continuation, body.subarray(5));
      // The server may answer compressed (RSV1) or not.
      const frame = await ws.readFrame();
      assert.equal(frame.opcode, OP.text);
      const payload = frame.rsv & 4
        ? inflateRawSync(Buffer.concat([frame.payload, Buffer.from([0, 0, 0xff, 0xff])]),
          { finishFlush: zlibConstants.Z_SYNC_FLUSH })
        : frame.payload;
      assert.deepEqual(JSON.parse(payload.toString('utf8')), { op: 'pong', ref: text });
    });

    test('/ws/{channel}: a frame split inside a code point is published whole', async (t) => {
      const channel = channelName('frag');
      const ws = await connect(t, { path: `/ws/${channel}` });
      const bytes = Buffer.from(text);
      const cut = bytes.indexOf(Buffer.from('\u{1F600}')) + 2;
      ws.send(OP.text, bytes.subarray(0, cut), { fin: false });
      ws.send(OP.continuation, bytes.subarray(cut));
      const replies = [await ws.readJson(), await ws.readJson()];
      const ack = replies.find((r) => r.op === 'ok');
      assert.ok(ack, JSON.stringify(replies));
      assert.equal(replies.find((r) => r.op === 'message')?.data, text);
    });
  });

  describe('permessage-deflate', () => {
    test('messages to a client that agreed to it arrive compressed and inflate to the ops', async (t) => {
      const channel = channelName('deflate');
      const ws = await connect(t, { extensions: 'permessage-deflate; client_max_window_bits' });
      assert.match(ws.headers['sec-websocket-extensions'] ?? '', /^permessage-deflate\b/);
      ws.sendJson({ op: 'subscribe', channel, ref: 1 });
      const datas = [0, 1, 2].map((i) => `${i} ${'compressible text '.repeat(50)}`);
      const frames = [await ws.readFrame()];  // the subscribe's ok
      assert.equal(frames[0].opcode, OP.text);
      const ids = [];
      for (const data of datas) ids.push((await publish(server.base, channel, data)).id);
      while (frames.length < 4) {
        const frame = await ws.readFrame();
        assert.equal(frame.opcode, OP.text);
        assert.equal(frame.fin, true);
        frames.push(frame);
      }
      // The first is the ok (compressed or not); then the three messages.
      const texts = [];
      const stream = [];
      for (const frame of frames) {
        if (frame.rsv & 4) {
          stream.push(frame.payload, Buffer.from([0, 0, 0xff, 0xff]));
          texts.push(null);
        } else {
          texts.push(frame.payload.toString('utf8'));
        }
      }
      for (const frame of frames.slice(1)) {
        assert.equal(frame.rsv, 4, 'a large compressible message should be sent compressed (RSV1)');
        assert.ok(frame.payload.length < 500, `compressed to ${frame.payload.length} bytes`);
      }
      // Inflated as one stream, this works with and without context takeover.
      const inflated = inflateRawSync(Buffer.concat(stream),
        { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString('utf8');
      const expectedOps = ids.map((id, i) => ({ op: 'message', channel, id, event: 'message', data: datas[i] }));
      const opsText = inflated.slice(inflated.indexOf('{"op":"message"'));
      const ops = opsText.split(/(?<=\})(?=\{"op")/).map((s) => JSON.parse(s));
      assert.equal(ops.length, 3, `three message ops: ${opsText.slice(0, 200)}`);
      ops.forEach((op, i) => {
        const { time, ...rest } = op;
        assert.deepEqual(rest, expectedOps[i]);
        assert.ok(Number.isInteger(time));
      });
      const ok = texts[0] ?? inflated.slice(0, inflated.indexOf('{"op":"message"'));
      assert.deepEqual(JSON.parse(ok), { op: 'ok', ref: 1, channel });
    });
  });

  describe('the close handshake', () => {
    for (const [code, reason] of [[1000, ''], [1001, 'going'], [3000, 'app'], [4000, 'bye \u00e9'], [4999, 'max']]) {
      test(`a close ${code} is echoed with its code, then the TCP connection closes`, async (t) => {
        const ws = await connectReady(t);
        ws.sendClose(code, reason);
        const close = await ws.expectClose(code);
        assert.equal(close.reason, reason);
      });
    }

    test('a close without a body is answered with a close', async (t) => {
      const ws = await connectReady(t);
      ws.sendClose();
      const close = await ws.readClose();
      assert.ok(close.code === null || close.code === 1000, `expected an empty close or 1000, got ${close.code}`);
      assert.ok(await ws.waitForEnd(), 'the TCP connection should close');
    });

    test('frames after the close are not answered', async (t) => {
      const ws = await connectReady(t);
      ws.write(Buffer.concat([encodeFrame(OP.close, closePayload(1000)), encodeFrame(OP.text, '{"op":"ping","ref":3}')]));
      await ws.expectClose(1000);
      assert.equal(ws.pending().length, 0, 'nothing after the close frame');
    });

    test('a subscriber that closes is no longer sent messages, and the server keeps serving', async (t) => {
      const channel = channelName('closed');
      const ws = await connect(t, { path: `/ws/${channel}` });
      ws.sendClose(1000);
      await ws.expectClose(1000);
      await publish(server.base, channel, 'after close');
      const other = await connectReady(t);
      other.sendJson({ op: 'ping', ref: 2 });
      assert.deepEqual(await other.readJson(), { op: 'pong', ref: 2 });
    });
  });
});

describe('WebSocket handshake', () => {
  let server;
  before(async () => { server = await startServer(null, []); });
  after(() => server?.stop());

  function without(name) {
    const headers = upgradeHeaders();
    delete headers[name];
    return headers;
  }

  for (const [what, path, headers, status] of [
    ['a plain GET /ws (not an upgrade)', '/ws', { Host: 'test' }, 400],
    ['no Upgrade header', '/ws', without('Upgrade'), 400],
    ['Upgrade: h2c', '/ws', { ...upgradeHeaders(), Upgrade: 'h2c' }, 400],
    ['no Connection: Upgrade', '/ws', { ...upgradeHeaders(), Connection: 'keep-alive' }, 400],
    ['no Sec-WebSocket-Key', '/ws', without('Sec-WebSocket-Key'), 400],
    ['a Sec-WebSocket-Key that is not 16 bytes', '/ws', { ...upgradeHeaders(), 'Sec-WebSocket-Key': 'c2hvcnQ=' }, 400],
    ['a Sec-WebSocket-Key that is not base64', '/ws', { ...upgradeHeaders(), 'Sec-WebSocket-Key': '!!!!!!!!!!!!!!!!!!!!!!==' }, 400],
    ['a bad channel in /ws/{channel}', '/ws/bad!channel', upgradeHeaders(), 400],
    ['a 129-character channel in /ws/{channel}', `/ws/${'c'.repeat(129)}`, upgradeHeaders(), 400],
  ]) {
    test(`${what} is ${status}`, async () => {
      const res = await handshake(server.port, { path, headers });
      assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.body}`);
    });
  }

  for (const version of ['8', '14', '0']) {
    test(`Sec-WebSocket-Version: ${version} is 426 with Sec-WebSocket-Version: 13`, async () => {
      const res = await handshake(server.port, { headers: { ...upgradeHeaders(), 'Sec-WebSocket-Version': version } });
      assert.equal(res.status, 426, res.body);
      assert.match(res.headers['sec-websocket-version'] ?? '', /\b13\b/);
    });
  }

  test('the upgrade headers are case-insensitive lists (Connection: keep-alive, Upgrade)', async (t) => {
    const ws = await rawConnect(server.port, { headers: { Upgrade: 'WebSocket', Connection: 'keep-alive, Upgrade' } });
    t.after(() => ws.destroy());
    ws.sendJson({ op: 'ping', ref: 1 });
    assert.deepEqual(await ws.readJson(), { op: 'pong', ref: 1 });
  });

  test('Connection split over two header lines is read as one list', async (t) => {
    const ws = await rawConnect(server.port, { headers: { Connection: ['keep-alive', 'Upgrade'] } });
    t.after(() => ws.destroy());
    ws.sendJson({ op: 'ping', ref: 1 });
    assert.deepEqual(await ws.readJson(), { op: 'pong', ref: 1 });
  });

  test('permessage-deflate offered on a second Sec-WebSocket-Extensions line is agreed', async (t) => {
    const ws = await rawConnect(server.port, {
      headers: { 'Sec-WebSocket-Extensions': ['x-unknown', 'permessage-deflate; client_max_window_bits'] },
    });
    t.after(() => ws.destroy());
    assert.match(ws.headers['sec-websocket-extensions'] ?? '', /^permessage-deflate\b/);
  });

  test('a repeated Sec-WebSocket-Key is 400', async () => {
    const headers = upgradeHeaders();
    headers['Sec-WebSocket-Key'] = [headers['Sec-WebSocket-Key'], 'AQIDBAUGBwgJCgsMDQ4PEA=='];
    const res = await handshake(server.port, { headers });
    assert.equal(res.status, 400, res.body);
    assert.match(res.body, /more than once/);
  });

  test('an unknown extension is not agreed', async (t) => {
    const ws = await rawConnect(server.port, { extensions: 'x-webkit-unknown' });
    t.after(() => ws.destroy());
    assert.equal(ws.headers['sec-websocket-extensions'], undefined);
  });

  test('permessage-deflate among other offers is agreed', async (t) => {
    const ws = await rawConnect(server.port, { extensions: 'x-unknown, permessage-deflate; client_max_window_bits' });
    t.after(() => ws.destroy());
    assert.match(ws.headers['sec-websocket-extensions'] ?? '', /^permessage-deflate\b/);
  });

  test('any Origin is allowed by default', async (t) => {
    const ws = await rawConnect(server.port, { headers: { Origin: 'http://anywhere.example' } });
    t.after(() => ws.destroy());
  });

  test('the server still works after the refused handshakes', async (t) => {
    const ws = await rawConnect(server.port);
    t.after(() => ws.destroy());
    ws.sendJson({ op: 'ping', ref: 1 });
    assert.deepEqual(await ws.readJson(), { op: 'pong', ref: 1 });
  });
});

describe('WebSocket handshake with --allow-origin http://a.example', () => {
  let server;
  before(async () => { server = await startServer(null, ['--allow-origin', 'http://a.example']); });
  after(() => server?.stop());

  for (const path of ['/ws', '/ws/news']) {
    test(`${path}: Origin http://b.example is 403`, async () => {
      const res = await handshake(server.port, { path, headers: { ...upgradeHeaders(), Origin: 'http://b.example' } });
      assert.equal(res.status, 403, res.body);
    });

    test(`${path}: Origin http://a.example is upgraded`, async (t) => {
      const ws = await rawConnect(server.port, { path, headers: { Origin: 'http://a.example' } });
      t.after(() => ws.destroy());
    });
  }

  test('a look-alike origin is 403', async () => {
    for (const origin of ['http://a.example.evil', 'https://a.example', 'http://a.example:8080', 'null']) {
      const res = await handshake(server.port, { headers: { ...upgradeHeaders(), Origin: origin } });
      assert.equal(res.status, 403, `Origin ${origin}: ${res.status} ${res.body}`);
    }
  });

  test('no Origin (not a browser) is upgraded', async (t) => {
    const ws = await rawConnect(server.port);
    t.after(() => ws.destroy());
  });
});

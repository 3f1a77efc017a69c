// GET /ws and GET /ws/{channel} with the `ws` package as the client, once
// without and once with permessage-deflate: the JSON ops and their replies,
// resuming with since, gaps, auth, the size limits, every bad op and the
// close handshake.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertEnvelope, assertId, assertTime, channelName, publish, publishMany, sleep } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { openWs } from './lib/ws_raw.mjs';

const MAX = 1024;          // --max-message-bytes of the shared server
const HISTORY = 5;         // --history of the shared server
const KEY = 's3cret-key';

function assertMessage(op, { channel, id, data, event = 'message' }) {
  assert.equal(op.op, 'message', `expected a message op: ${JSON.stringify(op)}`);
  assertEnvelope(op, { channel, data, event });
  if (id !== undefined) assert.equal(op.id, id);
}

function assertError(reply, code, ref) {
  assert.equal(reply.op, 'error', `expected an error op: ${JSON.stringify(reply)}`);
  assert.equal(reply.code, code, `expected code ${code}: ${JSON.stringify(reply)}`);
  assert.equal(typeof reply.message, 'string', `an error op has a message string: ${JSON.stringify(reply)}`);
  if (ref !== undefined) assert.equal(reply.ref, ref, `the error should carry ref ${ref}: ${JSON.stringify(reply)}`);
}

for (const deflate of [false, true]) {
  const mode = deflate ? 'with permessage-deflate' : 'without compression';

  describe(`WebSocket ops, ws client ${mode}`, () => {
    let server;
    before(async () => {
      server = await startServer(null, ['--max-message-bytes', String(MAX), '--history', String(HISTORY)]);
    });
    after(() => server?.stop());

    async function open(t, path = '/ws', options = {}) {
      const socket = await openWs(server.base, path, { deflate, ...options });
      t.after(() => socket.terminate());
      return socket;
    }

    test(`the extension is ${deflate ? 'negotiated' : 'not used'}`, async (t) => {
      const socket = await open(t);
      if (deflate) {
        assert.match(socket.ws.extensions, /^permessage-deflate\b/, 'the server should accept the offered permessage-deflate');
      } else {
        assert.equal(socket.ws.extensions, '', 'no extension was offered, so none may be agreed');
      }
    });

    test('ping gets a pong with the same ref', async (t) => {
      const socket = await open(t);
      for (const ref of [1, 42, 9007199254740991]) {
        assert.deepEqual(await socket.call({ op: 'ping', ref }), { op: 'pong', ref });
      }
    });

    test('subscribe, publish, receive, unsubscribe', async (t) => {
      const socket = await open(t);
      const channel = channelName('ws');
      const ref = socket.newRef();
      assert.deepEqual(await socket.call({ op: 'subscribe', channel, ref }), { op: 'ok', ref, channel });

      const before = Date.now();
      const ack = await socket.publish(channel, 'hello "ws"\n\u00e9\u{1F600}');
      assert.equal(ack.channel, channel);
      assertId(ack.id);
      assertTime(ack.time);
      assert.ok(ack.time >= before - 1000 && ack.time <= Date.now() + 1000);
      const [message] = await socket.messages(channel, 1);
      assert.deepEqual(message,
        { op: 'message', channel, id: ack.id, event: 'message', data: 'hello "ws"\n\u00e9\u{1F600}', time: ack.time });

      const named = await socket.publish(channel, 'x', 'price.update:v2-1');
      const [second] = await socket.messages(channel, 1);
      assertMessage(second, { channel, id: named.id, data: 'x', event: 'price.update:v2-1' });
      assert.notEqual(named.id, ack.id);

      const empty = await socket.publish(channel, '');
      assertMessage((await socket.messages(channel, 1))[0], { channel, id: empty.id, data: '' });

      const unref = socket.newRef();
      const reply = await socket.call({ op: 'unsubscribe', channel, ref: unref });
      assert.equal(reply.op, 'ok');
      assert.equal(reply.ref, unref);
      await publish(server.base, channel, 'after unsubscribe');
      assert.equal((await socket.call({ op: 'ping' })).op, 'pong');
      await socket.assertQuiet(300, 'no message after unsubscribe');
    });

    test('a message published over HTTP reaches the WebSocket subscriber', async (t) => {
      const socket = await open(t);
      const channel = channelName('ws');
      await socket.subscribe(channel);
      const { id, time } = await publish(server.base, channel, 'from http', { event: 'news' });
      const [message] = await socket.messages(channel, 1);
      assert.deepEqual(message, { op: 'message', channel, id, event: 'news', data: 'from http', time });
    });

    test('several subscriptions on one socket, each in order', async (t) => {
      const socket = await open(t);
      const channels = [channelName('a'), channelName('b'), channelName('c')];
      for (const channel of channels) await socket.subscribe(channel);
      const sent = Object.fromEntries(channels.map((c) => [c, []]));
      for (let i = 0; i < 10; i++) {
        for (const channel of channels) sent[channel].push((await publish(server.base, channel, `${channel}/${i}`)).id);
      }
      for (const channel of channels) {
        const got = await socket.messages(channel, 10);
        assert.deepEqual(got.map((m) => m.id), sent[channel]);
        assert.deepEqual(got.map((m) => m.data), sent[channel].map((_, i) => `${channel}/${i}`));
      }
      await socket.assertQuiet(200);

      await socket.ok({ op: 'unsubscribe', channel: channels[1] });
      for (const channel of channels) await publish(server.base, channel, 'last');
      assert.equal((await socket.messages(channels[0], 1))[0].data, 'last');
      assert.equal((await socket.messages(channels[2], 1))[0].data, 'last');
      await socket.assertQuiet(300, `nothing on ${channels[1]} after unsubscribing from it`);
    });

    test('two sockets on one channel both receive', async (t) => {
      const a = await open(t);
      const b = await open(t);
      const channel = channelName('ws');
      await a.subscribe(channel);
      await b.subscribe(channel);
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await a.publish(channel, `m${i}`)).id);
      assert.deepEqual((await a.messages(channel, 5)).map((m) => m.id), ids);
      assert.deepEqual((await b.messages(channel, 5)).map((m) => m.id), ids);
    });

    test('since=0 replays every kept message once, in order, after the ok', async (t) => {
      const channel = channelName('ws');
      const ids = await publishMany(server.base, channel, ['one', 'two', 'three']);
      const socket = await open(t);
      const ref = socket.newRef();
      socket.send({ op: 'subscribe', channel, since: 0, ref });
      assert.deepEqual(await socket.next(), { op: 'ok', ref, channel }, 'the ok comes before the replayed messages');
      const replay = [await socket.next(), await socket.next(), await socket.next()];
      replay.forEach((op, i) => assertMessage(op, { channel, id: ids[i], data: ['one', 'two', 'three'][i] }));
      const live = await publish(server.base, channel, 'four');
      assertMessage(await socket.next(), { channel, id: live.id, data: 'four' });
      await socket.assertQuiet(300, 'each message exactly once');
    });

    test('since="0" as a string is the same as since=0', async (t) => {
      const channel = channelName('ws');
      const ids = await publishMany(server.base, channel, ['one', 'two']);
      const socket = await open(t);
      await socket.subscribe(channel, '0');
      assert.deepEqual((await socket.messages(channel, 2)).map((m) => m.id), ids);
      await socket.assertQuiet(200);
    });

    test('since=0 after the history overflowed is not a gap', async (t) => {
      const channel = channelName('ws');
      const datas = Array.from({ length: HISTORY + 3 }, (_, i) => `m${i}`);
      const ids = await publishMany(server.base, channel, datas);
      const socket = await open(t);
      await socket.subscribe(channel, 0);
      const got = await socket.messages(channel, HISTORY);
      assert.deepEqual(got.map((m) => m.id), ids.slice(-HISTORY));
      await socket.assertQuiet(300, 'no gap op for since=0');
    });

    test('since=ID resumes after that id, exactly once and in order', async (t) => {
      const channel = channelName('ws');
      const ids = await publishMany(server.base, channel, ['m1', 'm2', 'm3', 'm4']);
      const socket = await open(t);
      const ref = socket.newRef();
      socket.send({ op: 'subscribe', channel, since: ids[1], ref });
      assert.deepEqual(await socket.next(), { op: 'ok', ref, channel });
      assertMessage(await socket.next(), { channel, id: ids[2], data: 'm3' });
      assertMessage(await socket.next(), { channel, id: ids[3], data: 'm4' });
      const live = await publish(server.base, channel, 'm5');
      assertMessage(await socket.next(), { channel, id: live.id, data: 'm5' });
      await socket.assertQuiet(300, 'no gap and no repeat');

      // Resuming with the newest id gives nothing old, then the new ones.
      const again = await open(t);
      await again.subscribe(channel, live.id);
      await again.assertQuiet(200, 'nothing after the newest id');
      const next = await publish(server.base, channel, 'm6');
      assertMessage(await again.next(), { channel, id: next.id, data: 'm6' });
    });

    test('resuming while publishes are in flight loses and repeats nothing', async (t) => {
      // Its own server, with the default history, so that the resume point is kept.
      const own = await startServer(t);
      const channel = channelName('ws');
      const publisher = await openWs(own.base, '/ws', { deflate });
      const subscriber = await openWs(own.base, '/ws', { deflate });
      t.after(() => { publisher.terminate(); subscriber.terminate(); });
      const total = 60;
      const first = await publishMany(own.base, channel, ['p0', 'p1', 'p2']);
      // Pipelined publishes from one socket are ordered; the subscriber
      // resumes from p1 while they are still arriving.
      const refs = [];
      let subscribeRef;
      for (let i = 3; i < total; i++) {
        const ref = publisher.newRef();
        refs.push(ref);
        publisher.send({ op: 'publish', channel, data: `p${i}`, ref });
        if (i === 30) {
          subscribeRef = subscriber.newRef();
          subscriber.send({ op: 'subscribe', channel, since: first[1], ref: subscribeRef });
        }
      }
      const acks = [];
      for (const ref of refs) acks.push(await publisher.take((op) => op.ref === ref));
      for (const ack of acks) assert.equal(ack.op, 'ok', JSON.stringify(ack));
      assert.deepEqual(await subscriber.next(), { op: 'ok', ref: subscribeRef, channel });
      const ops = [];
      for (let i = 2; i < total; i++) ops.push(await subscriber.next());
      await subscriber.assertQuiet(200, 'each message once');
      assert.deepEqual(ops.map((op) => (op.op === 'message' ? op.data : JSON.stringify(op))),
        Array.from({ length: total - 2 }, (_, i) => `p${i + 2}`),
        'every message after the resume point, once each, in order, and no gap');
      assert.deepEqual(ops.map((op) => op.id), [first[2], ...acks.map((a) => a.id)]);
      await own.stop();
    });

    test('an unknown since gets the gap op first, then the kept messages', async (t) => {
      const channel = channelName('ws');
      const ids = await publishMany(server.base, channel, ['k1', 'k2']);
      const socket = await open(t);
      const ref = socket.newRef();
      socket.send({ op: 'subscribe', channel, since: 'no-such-id-from-an-earlier-run', ref });
      assert.deepEqual(await socket.next(), { op: 'ok', ref, channel });
      assert.deepEqual(await socket.next(), { op: 'gap', channel });
      assertMessage(await socket.next(), { channel, id: ids[0], data: 'k1' });
      assertMessage(await socket.next(), { channel, id: ids[1], data: 'k2' });
      await socket.assertQuiet(300);
    });

    test('a since whose successors were dropped is a gap, then what is kept', async (t) => {
      const channel = channelName('ws');
      const datas = Array.from({ length: HISTORY + 3 }, (_, i) => `m${i}`);
      const ids = await publishMany(server.base, channel, datas);
      const socket = await open(t);
      await socket.subscribe(channel, ids[0]);
      assert.deepEqual(await socket.next(), { op: 'gap', channel });
      const got = [];
      for (let i = 0; i < HISTORY; i++) got.push(await socket.next());
      assert.deepEqual(got.map((m) => m.id), ids.slice(-HISTORY));
      await socket.assertQuiet(300);
    });

    test('an unknown since on an empty channel is a gap', async (t) => {
      const channel = channelName('ws');
      const socket = await open(t);
      await socket.subscribe(channel, 'stale-id');
      assert.deepEqual(await socket.next(), { op: 'gap', channel });
      const live = await publish(server.base, channel, 'new');
      assertMessage(await socket.next(), { channel, id: live.id, data: 'new' });
    });

    test('publish data over --max-message-bytes is too_large and the socket stays usable', async (t) => {
      const socket = await open(t);
      const channel = channelName('ws');
      await socket.subscribe(channel);
      const ref = socket.newRef();
      assertError(await socket.call({ op: 'publish', channel, data: 'x'.repeat(MAX + 1), ref }), 'too_large', ref);
      // The limit counts UTF-8 bytes: 513 two-byte characters are 1026 bytes.
      assertError(await socket.call({ op: 'publish', channel, data: '\u00e9'.repeat(MAX / 2 + 1) }), 'too_large');
      const exact = await socket.publish(channel, '\u00e9'.repeat(MAX / 2));
      assertMessage((await socket.messages(channel, 1))[0], { channel, id: exact.id, data: '\u00e9'.repeat(MAX / 2) });
      await socket.ok({ op: 'publish', channel, data: 'y'.repeat(MAX) });
      assert.equal((await socket.messages(channel, 1))[0].data, 'y'.repeat(MAX));
      assert.equal((await socket.call({ op: 'ping' })).op, 'pong');
      await socket.assertQuiet(200, 'the refused publishes were not delivered');
    });

    test('a frame over --max-message-bytes + 4 KiB closes with 1009', async (t) => {
      const socket = await open(t);
      socket.send({ op: 'publish', channel: 'big', data: 'z'.repeat(MAX + 4096 + 100) });
      const { code } = await socket.closed;
      assert.equal(code, 1009);
    });

    if (deflate) {
      test('a compressed frame that inflates to over the limit closes with 1009', async (t) => {
        const socket = await open(t);
        // 40 KB of one letter compresses to well under the limit.
        socket.send({ op: 'publish', channel: 'bomb', data: 'a'.repeat(40000) });
        const { code } = await socket.closed;
        assert.equal(code, 1009);
      });
    }

    test('an op a little over the data limit (JSON overhead) is still an op', async (t) => {
      const socket = await open(t);
      const channel = channelName('ws');
      // The frame is over MAX bytes because of the JSON around the data.
      const ack = await socket.publish(channel, 'q'.repeat(MAX));
      assertId(ack.id);
      assertError(await socket.call({ op: 'publish', channel, data: 'q'.repeat(MAX + 2000) }), 'too_large');
    });

    describe('bad ops get an error op with the code and ref, and the socket stays open', () => {
      const cases = [
        ['text that is not JSON', 'hello', 'bad_op', false],
        ['a JSON array', '[1,2,3]', 'bad_op', false],
        ['a JSON string', '"ping"', 'bad_op', false],
        ['an object without op', { ref: 0 }, 'bad_op', true],
        ['an unknown op', { op: 'dance' }, 'bad_op', true],
        ['op that is not a string', { op: 7 }, 'bad_op', true],
        ['auth without a key', { op: 'auth' }, 'bad_op', true],
        ['subscribe without a channel', { op: 'subscribe' }, 'bad_channel', true],
        ['subscribe to a channel with a space', { op: 'subscribe', channel: 'a b' }, 'bad_channel', true],
        ['subscribe to an empty channel name', { op: 'subscribe', channel: '' }, 'bad_channel', true],
        ['subscribe to a 129-character channel', { op: 'subscribe', channel: 'c'.repeat(129) }, 'bad_channel', true],
        ['subscribe to a channel that is a number', { op: 'subscribe', channel: 12 }, 'bad_channel', true],
        ['subscribe with a numeric since other than 0', { op: 'subscribe', channel: 'ok', since: 5 }, 'bad_since', true],
        ['subscribe with an object since', { op: 'subscribe', channel: 'ok', since: {} }, 'bad_since', true],
        ['subscribe with since "null", a missing cursor as text', { op: 'subscribe', channel: 'ok', since: 'null' }, 'bad_since', true],
        ['subscribe with an empty since', { op: 'subscribe', channel: 'ok', since: '' }, 'bad_since', true],
        ['unsubscribe with a bad channel', { op: 'unsubscribe', channel: 'a/b' }, 'bad_channel', true],
        ['publish to a bad channel', { op: 'publish', channel: 'caf\u00e9', data: 'x' }, 'bad_channel', true],
        ['publish without data', { op: 'publish', channel: 'ok' }, 'bad_data', true],
        ['publish with numeric data', { op: 'publish', channel: 'ok', data: 5 }, 'bad_data', true],
        ['publish with an event with a space', { op: 'publish', channel: 'ok', data: 'x', event: 'a b' }, 'bad_event', true],
        ['publish with a 65-character event', { op: 'publish', channel: 'ok', data: 'x', event: 'e'.repeat(65) }, 'bad_event', true],
        ['publish with an event that is not a string', { op: 'publish', channel: 'ok', data: 'x', event: 3 }, 'bad_event', true],
        ['publish with a reserved _event', { op: 'publish', channel: 'ok', data: 'x', event: '_gap' }, 'bad_event', true],
        // A lone surrogate is valid JSON but no UTF-8 text.
        ['publish data with a lone surrogate', '{"op":"publish","channel":"ok","data":"a\\ud800b","ref":REF}', 'bad_utf8', true],
      ];
      for (const [what, op, code, hasRef] of cases) {
        test(`${what} → ${code}`, async (t) => {
          const socket = await open(t);
          const ref = socket.newRef() + 100;
          let text = typeof op === 'string' ? op.replace('REF', String(ref)) : JSON.stringify({ ...op, ref });
          socket.send(text);
          const reply = await socket.next();
          assertError(reply, code, hasRef ? ref : undefined);
          assert.deepEqual(await socket.call({ op: 'ping' }).then((r) => r.op), 'pong', 'the socket stays usable');
        });
      }

      test('a binary frame → bad_op', async (t) => {
        const socket = await open(t);
        socket.ws.send(Buffer.from('{"op":"ping","ref":1}'), { binary: true });
        assertError(await socket.next(), 'bad_op');
        assert.equal((await socket.call({ op: 'ping' })).op, 'pong');
      });

      test('subscribing twice → already_subscribed, and messages still come once', async (t) => {
        const socket = await open(t);
        const channel = channelName('ws');
        await socket.subscribe(channel);
        const ref = socket.newRef();
        assertError(await socket.call({ op: 'subscribe', channel, ref }), 'already_subscribed', ref);
        const { id } = await publish(server.base, channel, 'once');
        assertMessage(await socket.next(), { channel, id, data: 'once' });
        await socket.assertQuiet(300, 'one subscription, one delivery');
      });

      test('the 257th subscription → too_many_channels (the default --max-channels-per-client)', async (t) => {
        const socket = await open(t);
        const prefix = channelName('many');
        const refs = [];
        for (let i = 0; i < 256; i++) {
          const ref = socket.newRef();
          refs.push(ref);
          socket.send({ op: 'subscribe', channel: `${prefix}-${i}`, ref });
        }
        for (const ref of refs) assert.equal((await socket.take((op) => op.ref === ref, 10000)).op, 'ok');
        const ref = socket.newRef();
        assertError(await socket.call({ op: 'subscribe', channel: `${prefix}-x`, ref }), 'too_many_channels', ref);
        await socket.ok({ op: 'unsubscribe', channel: `${prefix}-0` });
        await socket.subscribe(`${prefix}-x`);
      });

      test('many errors in a row do not close the socket', async (t) => {
        const socket = await open(t);
        for (let i = 0; i < 50; i++) socket.send('not json');
        for (let i = 0; i < 50; i++) assertError(await socket.next(), 'bad_op');
        assert.equal((await socket.call({ op: 'ping' })).op, 'pong');
      });
    });

    describe('/ws/{channel}', () => {
      test('is subscribed on open, with no ok op, and each frame is a publish', async (t) => {
        const channel = channelName('one');
        const socket = await open(t, `/ws/${channel}`);
        const listener = await open(t);
        await listener.subscribe(channel);
        const { id } = await publish(server.base, channel, 'from http');
        assertMessage(await socket.next(), { channel, id, data: 'from http' });

        socket.send('hello from a frame \u{1F600}');
        const ack = await socket.take((op) => op.op === 'ok');
        assert.equal(ack.ref, undefined, 'a frame carries no ref, so the ok has none');
        assert.equal(ack.channel, channel);
        assertId(ack.id);
        assertTime(ack.time);
        assertMessage(await socket.take((op) => op.op === 'message'), { channel, id: ack.id, data: 'hello from a frame \u{1F600}' });
        assertMessage((await listener.messages(channel, 2))[1], { channel, id: ack.id, data: 'hello from a frame \u{1F600}' });

        // A frame that looks like an op is data all the same.
        socket.send('{"op":"ping","ref":1}');
        const second = await socket.take((op) => op.op === 'ok');
        assertMessage(await socket.take((op) => op.op === 'message'), { channel, id: second.id, data: '{"op":"ping","ref":1}' });
        await socket.assertQuiet(200);
      });

      test('resumes with ?since=0 and ?since=ID', async (t) => {
        const channel = channelName('one');
        const ids = await publishMany(server.base, channel, ['a', 'b', 'c']);
        const all = await open(t, `/ws/${channel}?since=0`);
        assert.deepEqual([await all.next(), await all.next(), await all.next()].map((m) => m.id), ids);
        const rest = await open(t, `/ws/${channel}?since=${ids[0]}`);
        assert.deepEqual([await rest.next(), await rest.next()].map((m) => m.data), ['b', 'c']);
        const live = await publish(server.base, channel, 'd');
        assert.equal((await all.next()).id, live.id);
        assert.equal((await rest.next()).id, live.id);
        await all.assertQuiet(200);
        await rest.assertQuiet(0);
      });

      test('an unknown ?since gets the gap op first', async (t) => {
        const channel = channelName('one');
        const ids = await publishMany(server.base, channel, ['a']);
        const socket = await open(t, `/ws/${channel}?since=unknown-id`);
        assert.deepEqual(await socket.next(), { op: 'gap', channel });
        assertMessage(await socket.next(), { channel, id: ids[0], data: 'a' });
      });

      test('a frame over the data limit is too_large, and the socket stays open', async (t) => {
        const channel = channelName('one');
        const socket = await open(t, `/ws/${channel}`);
        socket.send('x'.repeat(MAX + 1));
        assertError(await socket.next(), 'too_large');
        socket.send('fits');
        assert.equal((await socket.take((op) => op.op === 'ok')).channel, channel);
      });
    });

    test('the close handshake echoes code 4000 and the reason', async (t) => {
      const socket = await open(t);
      await socket.subscribe(channelName('ws'));
      const closed = await socket.close(4000, 'bye now');
      assert.deepEqual(closed, { code: 4000, reason: 'bye now' });
    });

    test('a close without a code is answered with a close', async (t) => {
      const socket = await open(t);
      const closed = await socket.close();
      assert.equal(closed.code, 1005, 'ws reports 1005 for a close frame without a code');
    });
  });

  describe(`WebSocket auth with --publish-key, ws client ${mode}`, () => {
    let server;
    before(async () => { server = await startServer(null, ['--publish-key', KEY]); });
    after(() => server?.stop());

    async function open(t, path = '/ws', options = {}) {
      const socket = await openWs(server.base, path, { deflate, ...options });
      t.after(() => socket.terminate());
      return socket;
    }

    test('publish before auth and after a wrong key is unauthorized; the right key allows it', async (t) => {
      const socket = await open(t);
      const channel = channelName('auth');
      await socket.subscribe(channel);  // subscribing is open
      let ref = socket.newRef();
      assertError(await socket.call({ op: 'publish', channel, data: 'x', ref }), 'unauthorized', ref);
      ref = socket.newRef();
      assertError(await socket.call({ op: 'auth', key: 'wrong', ref }), 'unauthorized', ref);
      assertError(await socket.call({ op: 'publish', channel, data: 'x' }), 'unauthorized');
      ref = socket.newRef();
      const ok = await socket.call({ op: 'auth', key: KEY, ref });
      assert.equal(ok.op, 'ok', JSON.stringify(ok));
      assert.equal(ok.ref, ref);
      const ack = await socket.publish(channel, 'authorized');
      assertMessage(await socket.take((op) => op.op === 'message'), { channel, id: ack.id, data: 'authorized' });
      await socket.assertQuiet(200, 'the refused publishes were not delivered');
    });

    test('a wrong ?key in the /ws handshake does not authorize publishing', async (t) => {
      const socket = await open(t, '/ws?key=wrong');
      assertError(await socket.call({ op: 'publish', channel: 'x', data: 'x' }), 'unauthorized');
    });

    test('an HTTP publish with the key reaches a WebSocket subscriber', async (t) => {
      const socket = await open(t);
      const channel = channelName('auth');
      await socket.subscribe(channel);
      const { id } = await publish(server.base, channel, 'via http', { key: KEY });
      assertMessage(await socket.next(), { channel, id, data: 'via http' });
    });

    test('/ws/{channel} without a key may subscribe but not publish', async (t) => {
      const channel = channelName('auth');
      const socket = await open(t, `/ws/${channel}`);
      socket.send('nope');
      assertError(await socket.next(), 'unauthorized');
      const { id } = await publish(server.base, channel, 'still subscribed', { key: KEY });
      assertMessage(await socket.next(), { channel, id, data: 'still subscribed' });
    });

    for (const [what, path, headers] of [
      ['?key=K', (c) => `/ws/${c}?key=${KEY}`, undefined],
      ['Authorization: Bearer K', (c) => `/ws/${c}`, { authorization: `Bearer ${KEY}` }],
      ['?key=K with ?since=0', (c) => `/ws/${c}?since=0&key=${KEY}`, undefined],
    ]) {
      test(`/ws/{channel} with ${what} may publish by frame`, async (t) => {
        const channel = channelName('auth');
        const socket = await open(t, path(channel), { headers });
        socket.send('with key');
        const ack = await socket.take((op) => op.op !== 'message');
        assert.equal(ack.op, 'ok', JSON.stringify(ack));
        assertId(ack.id);
        assertMessage(await socket.take((op) => op.op === 'message'), { channel, id: ack.id, data: 'with key' });
      });
    }

    for (const [what, path, headers] of [
      ['a wrong ?key', (c) => `/ws/${c}?key=wrong`, undefined],
      ['a wrong bearer', (c) => `/ws/${c}`, { authorization: 'Bearer wrong' }],
      ['the key without Bearer', (c) => `/ws/${c}`, { authorization: KEY }],
    ]) {
      test(`/ws/{channel} with ${what} is unauthorized to publish`, async (t) => {
        const channel = channelName('auth');
        const socket = await open(t, path(channel), { headers });
        socket.send('with a wrong key');
        assertError(await socket.next(), 'unauthorized');
        await sleep(100);
        await socket.assertQuiet(200);
      });
    }
  });
}

describe('--no-ws-deflate', () => {
  let server;
  before(async () => { server = await startServer(null, ['--no-ws-deflate']); });
  after(() => server?.stop());

  test('an offered permessage-deflate is declined and the socket works uncompressed', async (t) => {
    const socket = await openWs(server.base, '/ws', { deflate: true });
    t.after(() => socket.terminate());
    assert.equal(socket.ws.extensions, '', 'the server must not agree to permessage-deflate');
    const channel = channelName('nodeflate');
    await socket.subscribe(channel);
    const big = 'compressible '.repeat(200);
    const ack = await socket.publish(channel, big);
    assertMessage(await socket.take((op) => op.op === 'message'), { channel, id: ack.id, data: big });
  });
});

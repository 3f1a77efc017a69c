// A WebSocket subscriber that stops reading is cut off once more than
// --max-pending-bytes wait for it, and that costs the other subscribers
// nothing. Below the limit it gets everything once it reads again.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { channelName, healthz, publish } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { OP, openWs, rawConnect } from './lib/ws_raw.mjs';

const MAX_PENDING = 262144;
const MESSAGE_BYTES = 60000;
const MESSAGES = 200;  // 12 MB: more than kernel buffers and the limit can hold

function data(i) {
  const head = `m${i} `;
  return head + 'x'.repeat(MESSAGE_BYTES - head.length);
}

describe('slow WebSocket subscribers', () => {
  for (const path of ['/ws', '/ws/{channel}']) {
    test(`a subscriber on ${path} that stops reading is cut off; another receives everything`, { timeout: 60000 }, async (t) => {
      const server = await startServer(t, ['--max-pending-bytes', String(MAX_PENDING)]);
      const channel = channelName('slow');

      const slow = await rawConnect(server.port, { path: path === '/ws' ? '/ws' : `/ws/${channel}` });
      t.after(() => slow.destroy());
      if (path === '/ws') {
        slow.sendJson({ op: 'subscribe', channel, ref: 1 });
        assert.deepEqual(await slow.readJson(), { op: 'ok', ref: 1, channel });
      }
      slow.pause();

      const fast = await openWs(server.base, '/ws');
      t.after(() => fast.terminate());
      await fast.subscribe(channel);
      let received = 0;
      fast.ws.on('message', () => {
        received++;
      });

      // Publish in order; the fast subscriber reads as it should, at most a
      // few messages behind.
      for (let i = 0; i < MESSAGES; i++) {
        await publish(server.base, channel, data(i));
        const deadline = Date.now() + 10000;
        while (received < i - 2 && Date.now() < deadline && !fast.closeInfo) await new Promise((r) => setTimeout(r, 5));
        assert.equal(fast.closeInfo, null, `the reading subscriber was closed after ${received} messages: ${JSON.stringify(fast.closeInfo)}`);
      }
      const messages = await fast.messages(channel, MESSAGES, 15000);
      const order = messages.map((m) => m.data.slice(0, m.data.indexOf(' ')));
      assert.deepEqual(order, Array.from({ length: MESSAGES }, (_, i) => `m${i}`), 'the reading subscriber gets all, in order');
      assert.ok(messages.every((m, i) => m.data === data(i)));

      // The paused subscriber: reading what the kernel kept must end in a
      // closed connection with fewer than all messages.
      slow.resume();
      let slowMessages = 0;
      let sawClose = null;
      for (;;) {
        let frame;
        try {
          frame = await slow.readFrame(5000);
        } catch (error) {
          if (slow.isEnded) break;
          throw new Error(`the paused subscriber was not cut off: the connection is still open after ${slowMessages} ` +
            `of ${MESSAGES} messages (${error.message})`);
        }
        if (frame.opcode === OP.text || frame.opcode === OP.continuation) {
          if (frame.fin) slowMessages++;
        } else if (frame.opcode === OP.close) {
          sawClose = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : null;
        }
      }
      assert.ok(slowMessages < MESSAGES,
        `the paused subscriber should have been cut off, yet it got all ${MESSAGES} messages`);
      t.diagnostic(`paused subscriber: ${slowMessages} messages before the cut-off${sawClose ? `, close ${sawClose}` : ''}`);

      // The server is fine, and the fast subscriber still open.
      await healthz(server.base);
      assert.equal((await fast.call({ op: 'ping' })).op, 'pong');
      await publish(server.base, channel, 'after');
      assert.equal((await fast.messages(channel, 1))[0].data, 'after');
      fast.terminate();
      await server.stop();
    });
  }

  test('a subscriber that pauses below the limit gets every message intact and in order once it reads again', { timeout: 60000 }, async (t) => {
    // Several subscribers are written in the same loop turn, so the paused
    // one's writes go out in one batch with the others' and come back short
    // once its socket buffers are full: what the kernel did not take must
    // follow later, in order, not lost and not twice.
    const server = await startServer(t, ['--max-pending-bytes', String(64 * 1024 * 1024)]);
    const channel = channelName('paused');
    const count = 300;  // 18 MB: more than the kernel buffers of both ends hold
    const paused = await rawConnect(server.port, { path: `/ws/${channel}` });
    t.after(() => paused.destroy());
    paused.pause();
    const readers = [];
    for (let i = 0; i < 3; i++) {
      const reader = await openWs(server.base, '/ws');
      t.after(() => reader.terminate());
      await reader.subscribe(channel);
      readers.push(reader);
    }
    for (let i = 0; i < count; i++) await publish(server.base, channel, data(i));
    for (const reader of readers) {
      const messages = await reader.messages(channel, count, 15000);
      assert.ok(messages.every((m, i) => m.data === data(i)), 'a reading subscriber gets all, in order');
    }

    paused.resume();
    for (let i = 0; i < count; i++) {
      const message = await paused.readJson(10000);
      assert.equal(message.channel, channel);
      assert.equal(message.data, data(i), `message ${i} of ${count}`);
    }
    await server.stop();
  });
});

// A graceful stop with WebSockets open: every one gets a close frame with
// 1001 (going away), and the server exits 0.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { channelName, publish } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { OP, openWs, rawConnect } from './lib/ws_raw.mjs';

function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

describe('stopping with WebSockets open', () => {
  for (const signal of ['SIGTERM', 'SIGINT']) {
    test(`${signal}: each socket gets close 1001 and the server exits 0`, async (t) => {
      const server = await startServer(t, ['--threads', '2']);
      const channel = channelName('stop');
      const clients = [];
      for (let i = 0; i < 6; i++) {
        const deflate = i % 2 === 1;
        const client = await openWs(server.base, i < 4 ? '/ws' : `/ws/${channel}`, { deflate });
        if (i < 4) await client.subscribe(channel);
        clients.push(client);
      }
      t.after(() => clients.forEach((c) => c.terminate()));
      // A raw client in the middle of a fragmented message, and one idle.
      const midMessage = await rawConnect(server.port);
      const idle = await rawConnect(server.port, { path: `/ws/${channel}` });
      t.after(() => { midMessage.destroy(); idle.destroy(); });
      midMessage.send(OP.text, '{"op":"pi', { fin: false });

      const { id } = await publish(server.base, channel, 'before stop');
      for (const client of clients) assert.equal((await client.take((op) => op.op === 'message')).id, id);

      await server.stop(signal);

      for (const [i, client] of clients.entries()) {
        const closed = await within(client.closed, 3000, `ws client ${i} was not closed`);
        assert.equal(closed.code, 1001, `ws client ${i} should get close 1001, got ${JSON.stringify(closed)}`);
      }
      for (const [name, raw] of [['mid-message', midMessage], ['idle', idle]]) {
        const close = await raw.readClose(3000).catch((error) => assert.fail(`${name} raw client: ${error.message}`));
        assert.equal(close.code, 1001, `${name} raw client should get close 1001`);
        assert.ok(await raw.waitForEnd(3000), `${name} raw client: the TCP connection should close`);
      }
    });
  }

  test('SIGTERM while a client is being flooded still exits 0', async (t) => {
    const server = await startServer(t, []);
    const channel = channelName('stop');
    const reader = await openWs(server.base, `/ws/${channel}`);
    const stalled = await rawConnect(server.port, { path: `/ws/${channel}` });
    stalled.pause();
    t.after(() => { reader.terminate(); stalled.destroy(); });
    const big = 'b'.repeat(60000);
    for (let i = 0; i < 20; i++) await publish(server.base, channel, big);
    await server.stop('SIGTERM');
    const closed = await within(reader.closed, 3000, 'the reading client was not closed');
    assert.ok(closed.code === 1001, `the reading client should get 1001, got ${closed.code}`);
  });
});

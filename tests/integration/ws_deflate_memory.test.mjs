// What a WebSocket costs after it has sent one compressed message: the
// server asks every client for client_no_context_takeover, so its inflate
// state (about 40 KB once a message has filled the 32 KB window) is freed
// after each message instead of being kept for the connection's life.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from './lib/server.mjs';
import { metrics } from './lib/streams.mjs';
import { openWs, rawConnect } from './lib/ws_raw.mjs';

const CONNECTIONS = 200;

test('inflate state is freed between messages: memory per connection after one compressed message', async (t) => {
  const server = await startServer(t, ['--threads', '1', '--history', '0']);
  // The ws library's default offer is what browsers send: client_max_window_bits, context takeover allowed.
  const sockets = [];
  for (let i = 0; i < CONNECTIONS; ++i) sockets.push(await openWs(server.base, '/ws', { deflate: { threshold: 0 } }));
  const before = (await metrics(server.base)).process_resident_memory_bytes;

  // 48 KB that inflate into the whole 32 KB window.
  const data = 'compress me '.repeat(4000);
  for (const s of sockets) await s.ok({ op: 'publish', channel: 'deflate-memory', data }, 10000);
  const after = await metrics(server.base);

  const perConnection = (after.process_resident_memory_bytes - before) / CONNECTIONS;
  console.log(`# resident memory per connection after one compressed message: ${Math.round(perConnection)} B`);
  const raw = await rawConnect(server.port, { extensions: 'permessage-deflate; client_max_window_bits' });
  raw.destroy();
  assert.match(raw.headers['sec-websocket-extensions'], /client_no_context_takeover/,
    'asked of a client that did not offer it');
  assert.equal(after.pushwire_ws_inflate_states, 0, 'no inflate state held between messages');
  assert.ok(perConnection < 8 * 1024, `${Math.round(perConnection)} B per connection`);
  for (const s of sockets) s.terminate();
  await server.stop();
});

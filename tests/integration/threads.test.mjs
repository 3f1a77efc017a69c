// --threads 2: a publish on any thread reaches subscribers on every thread,
// in one order per channel, with unique ids.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from './lib/server.mjs';
import { channelName, publish, request, waitFor } from './lib/http.mjs';
import { wsSubscriber } from './lib/ws_subscriber.mjs';

const SUBSCRIBERS = 200;
const PUBLISHERS = 4;
const EACH = 50;

test('concurrent publishers on two threads: one order, unique ids, every subscriber gets everything', async (t) => {
  const server = await startServer(t, ['--threads', '2']);
  const channel = channelName('threads');
  const subs = [];
  for (let i = 0; i < SUBSCRIBERS; i += 20) {
    subs.push(...await Promise.all(Array.from({ length: 20 }, () => wsSubscriber(server.port, channel))));
  }

  // Each publisher uses fresh connections, so its publishes land on both threads.
  const acked = await Promise.all(Array.from({ length: PUBLISHERS }, async (_, p) => {
    const ids = [];
    for (let i = 0; i < EACH; i++) ids.push((await publish(server.base, channel, `p${p}-${i}`)).id);
    return ids;
  }));
  const total = PUBLISHERS * EACH;
  assert.equal(new Set(acked.flat()).size, total, 'every publish got its own id');

  await waitFor(() => subs.every((s) => s.got.length >= total), 15000, 'every subscriber to receive every message');
  const order = subs[0].got.map((m) => m.id);
  assert.equal(new Set(order).size, total);
  for (const s of subs) assert.deepEqual(s.got.map((m) => m.id), order, 'all subscribers see one order');

  // That order is the channel's history order, and each publisher's own
  // messages appear in the order it published them.
  const kept = (await request(server.base, `/poll/${channel}?since=0`)).json();
  assert.deepEqual(kept.messages.map((m) => m.id), order.slice(-100));
  for (let p = 0; p < PUBLISHERS; p++) {
    const mine = subs[0].got.filter((m) => m.data.startsWith(`p${p}-`)).map((m) => m.data);
    assert.deepEqual(mine, Array.from({ length: EACH }, (_, i) => `p${p}-${i}`));
  }
  for (const s of subs) s.ws.close();
  await server.stop();
});

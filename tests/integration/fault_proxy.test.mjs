// A network that cuts connections at random points while messages are
// published: on every v1 transport, raw clients resume from their cursors
// after each cut, and among what history keeps not one message may be lost,
// repeated or reordered. FAULT_RECONNECTS sets the cuts per transport (50
// here; `make fault` runs 1,000).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelName, publish, sleep, waitFor } from './lib/http.mjs';
import { CuttingProxy, TRANSPORTS, tally } from './lib/fault.mjs';
import { startServer } from './lib/server.mjs';

const RECONNECTS = Number(process.env.FAULT_RECONNECTS ?? 50);
const POLL_SHAPED = new Set(['poll', 'lp', 'jsonp']);

test(`${RECONNECTS} forced reconnects per transport: nothing lost, repeated or reordered`, {
  timeout: 60000 + RECONNECTS * 1000,
}, async (t) => {
  const server = await startServer(t, ['--history', '1000000', '--history-ttl', '86400', '--threads', '2']);
  const channel = channelName('fault');
  const runs = [];
  for (const [name, make] of Object.entries(TRANSPORTS)) {
    // Poll-shaped requests are short: cut some of them at a random byte, let the others through.
    const proxy = await new CuttingProxy(server.port, POLL_SHAPED.has(name)
      ? { victims: 0.5, maxBytes: 1500, minMs: 5, maxMs: 1000 }
      : { minMs: 20, maxMs: 250 }).start();
    const client = make(proxy.base, channel);
    runs.push({ name, proxy, client, done: client.run() });
  }

  const published = [];
  const enough = () => runs.every((r) => r.proxy.cuts >= RECONNECTS);
  while (!enough()) {
    const data = `m${published.length + 1}`;
    await publish(server.base, channel, data);
    published.push(data);
    await sleep(3);
  }
  for (const r of runs) r.proxy.cutting = false;
  await waitFor(() => runs.every((r) => r.client.data.length >= published.length), 20000,
    'every client caught up once the cutting stopped');
  for (const r of runs) r.client.stop();
  await Promise.all(runs.map((r) => r.done));

  for (const r of runs) {
    const counts = tally(published, r.client.data);
    console.log(`# ${r.name}: ${r.proxy.cuts} forced reconnects, ${counts.checked} messages checked, ` +
      `lost ${counts.lost}, repeated ${counts.repeated}, reordered ${counts.reordered}, gaps ${r.client.gaps}`);
    assert.deepEqual({ ...counts, gaps: r.client.gaps },
      { checked: published.length, lost: 0, repeated: 0, reordered: 0, gaps: 0 }, r.name);
    await r.proxy.stop();
  }
  await server.stop();
});

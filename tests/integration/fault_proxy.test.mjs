// A network that cuts connections at random points while messages are
// published to three channels: raw clients of every v1 transport (one channel
// each) and of every session technique (all three on one connection) resume
// as docs/protocol.md says after each cut, and among what history keeps not
// one message may be lost, repeated or reordered. FAULT_RECONNECTS sets the
// cuts per client (50 here; `make fault` runs 1,000). Two threads, so that
// sessions are reached from connections their thread does not own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelName, publish, sleep, waitFor } from './lib/http.mjs';
import { CuttingProxy, TRANSPORTS, tally } from './lib/fault.mjs';
import { SESSION_TRANSPORTS } from './lib/fault_sessions.mjs';
import { startServer } from './lib/server.mjs';

const RECONNECTS = Number(process.env.FAULT_RECONNECTS ?? 50);
const POLL_SHAPED = /^(poll|lp|jsonp)\b/;

test(`${RECONNECTS} forced reconnects per client: nothing lost, repeated or reordered`, {
  timeout: 60000 + RECONNECTS * 1000,
}, async (t) => {
  const server = await startServer(t, ['--history', '1000000', '--history-ttl', '86400', '--threads', '2']);
  const channels = ['a', 'b', 'c'].map((n) => channelName(`fault-${n}`));
  const clients = [
    ...Object.entries(TRANSPORTS).map(([name, make]) => ({ name, make: (base) => make(base, channels[0]),
      wants: [channels[0]] })),
    ...Object.entries(SESSION_TRANSPORTS).map(([name, make]) => ({ name, make: (base) => make(base, channels),
      wants: channels })),
  ];
  const runs = [];
  t.after(async () => {  // also when an assertion failed: no client may keep the test process alive
    for (const r of runs) r.client.stop();
    await Promise.all(runs.map((r) => r.proxy.stop()));
  });
  for (const { name, make, wants } of clients) {
    // Poll-shaped requests are short: cut some of them at a random byte, let the others through.
    const proxy = await new CuttingProxy(server.port, POLL_SHAPED.test(name)
      ? { victims: 0.5, maxBytes: 1500, minMs: 5, maxMs: 1000 }
      : { minMs: 20, maxMs: 250 }).start();
    const client = make(proxy.base);
    runs.push({ name, proxy, client, wants: new Set(wants), done: client.run() });
  }

  const published = [];  // { channel, data }, in publish order
  const channelOf = new Map();
  const expected = (r) => published.filter((p) => r.wants.has(p.channel)).map((p) => p.data);
  const enough = () => runs.every((r) => r.proxy.cuts >= RECONNECTS);
  while (!enough()) {
    const channel = channels[published.length % channels.length];
    const data = `m${published.length + 1}`;
    await publish(server.base, channel, data);
    published.push({ channel, data });
    channelOf.set(data, channel);
    await sleep(3);
  }
  for (const r of runs) r.proxy.cutting = false;
  // A client that never catches up fails below, with its counts.
  await waitFor(() => runs.every((r) => r.client.data.length >= expected(r).length), 20000,
    'every client caught up once the cutting stopped').catch(() => {});
  for (const r of runs) r.client.stop();
  await Promise.all(runs.map((r) => r.done));

  for (const r of runs) {
    const want = expected(r);
    const counts = tally(want, r.client.data, r.client.perChannelOrder ? (d) => channelOf.get(d) : undefined);
    console.log(`# ${r.name}: ${r.proxy.cuts} forced reconnects, ${counts.checked} messages checked, ` +
      `lost ${counts.lost}, repeated ${counts.repeated}, reordered ${counts.reordered}, gaps ${r.client.gaps}` +
      (r.client.reopened ? `, sessions reopened ${r.client.reopened}` : '') +
      (r.client.unexpected ? `, last unexpected answer ${r.client.unexpected}` : ''));
    assert.deepEqual({ ...counts, gaps: r.client.gaps },
      { checked: want.length, lost: 0, repeated: 0, reordered: 0, gaps: 0 }, r.name);
  }
  await server.stop();
});

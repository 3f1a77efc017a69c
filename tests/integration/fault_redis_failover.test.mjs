// Two servers share Redis; one is killed with SIGKILL in the middle of a
// stream of publishes. Its subscribers move to the other with their cursors
// (ids are the same on every server) and get every message once, in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelName, publish, sleep, waitFor } from './lib/http.mjs';
import { TRANSPORTS, tally } from './lib/fault.mjs';
import { startRedis } from './lib/redis.mjs';
import { startServer } from './lib/server.mjs';

test('kill -9 of one of two --redis servers mid-stream: clients move to the other and miss nothing', async (t) => {
  const redis = await startRedis(t);
  const flags = ['--redis', redis.url, '--history', '100000', '--history-ttl', '3600', '--threads', '1'];
  const [doomed, survivor] = await Promise.all([startServer(t, flags), startServer(t, flags)]);
  const channel = channelName('failover');
  const clients = Object.entries(TRANSPORTS).map(([name, make]) => ({ name, client: make(doomed.base, channel) }));
  const runs = clients.map(({ client }) => client.run());

  const published = [];
  const publishSome = async (count) => {
    for (let i = 0; i < count; ++i) {
      const data = `m${published.length + 1}`;
      await publish(survivor.base, channel, data);
      published.push(data);
      await sleep(5);
    }
  };
  await publishSome(100);
  doomed.child.kill('SIGKILL');
  await doomed.exited;
  for (const { client } of clients) client.base = survivor.base;
  await publishSome(100);

  await waitFor(() => clients.every(({ client }) => client.data.length >= published.length), 15000,
    'every client caught up on the surviving server');
  for (const { client } of clients) client.stop();
  await Promise.all(runs);
  for (const { name, client } of clients) {
    const counts = tally(published, client.data);
    console.log(`# ${name}: ${counts.checked} messages checked across the kill, lost ${counts.lost}, ` +
      `repeated ${counts.repeated}, reordered ${counts.reordered}`);
    assert.deepEqual(counts, { checked: published.length, lost: 0, repeated: 0, reordered: 0 }, name);
  }
  await survivor.stop();
});

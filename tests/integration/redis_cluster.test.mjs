// --redis redis+cluster://: two pushwire servers on a real 3-master Redis
// Cluster find the master of pushwire's slot, share one sequence through
// it, resume streams on each other, and follow the slot when it moves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer, runPushwire } from './lib/server.mjs';
import { startRedis } from './lib/redis.mjs';
import { cli, moveSlot, ownerOf, startCluster } from './lib/redis_cluster.mjs';
import { channelName, waitFor } from './lib/http.mjs';
import { assertEachGotEveryAcked, assertHistoryKeepsAcked, keepPublishing } from './lib/delivery.mjs';
import { metric } from './lib/metrics.mjs';
import { assertStreamResumesOnAnother } from './lib/stream_resume.mjs';
import { wsSubscriber } from './lib/ws_subscriber.mjs';

const pushwireSlot = async (port) => Number(await cli(port, 'CLUSTER', 'KEYSLOT', 'pushwire:{pushwire}:seq'));

test('on a Redis Cluster, subscribers on two servers get every acknowledged message exactly once, in order, across a slot move', async (t) => {
  const cluster = await startCluster(t);
  const slot = await pushwireSlot(cluster.ports[0]);
  const owner = await ownerOf(cluster.ports[0], slot);
  const others = cluster.ports.filter((p) => p !== owner);
  // One server is given only a node that does not serve the slot: it finds the master through the map.
  const a = await startServer(t, ['--redis', cluster.url([others[0]]), '--threads', '2']);
  const b = await startServer(t, ['--redis', cluster.url()]);
  const channel = channelName('cluster');
  const subs = [await wsSubscriber(a.port, channel), await wsSubscriber(b.port, channel)];
  const publishing = keepPublishing([a, b], channel, { after: 30 });
  await waitFor(() => publishing.acked.length >= 20, 5000, 'publishing to work before the move');
  assert.equal(await cli(owner, 'EXISTS', 'pushwire:{pushwire}:seq'), '1', 'the sequence lives on the slot\'s master');
  await moveSlot(cluster, slot, owner, others[1]);
  publishing.over();
  await publishing.done;
  t.diagnostic(`${publishing.acked.length} publishes acknowledged, ${publishing.refused} refused while the slot moved`);
  assert.equal(await cli(others[1], 'EXISTS', 'pushwire:{pushwire}:seq'), '1', 'the sequence moved with the slot');
  await assertEachGotEveryAcked(subs, publishing.acked);
  for (const server of [a, b])
    assert.ok(await metric(server.base, 'pushwire_broker_slot_moves_total') >= 1, 'the move was noticed');
  // The slot's new master has the history: a resume from the start gets every one kept.
  await assertHistoryKeepsAcked([a, b], channel, publishing.acked);
  await a.stop();
  await b.stop();
});

test('on a Redis Cluster, a multi-channel stream cut on one server resumes every channel on another, nothing lost or repeated', async (t) => {
  const cluster = await startCluster(t);
  const a = await startServer(t, ['--redis', cluster.url(), '--threads', '2']);
  const b = await startServer(t, ['--redis', cluster.url().replace(/,.*/, '')]);
  // Channels whose own names hash to different slots: pushwire keeps them in one.
  await assertStreamResumesOnAnother(t, a, b, ['alpha', 'bravo', 'charlie'].map((name) => channelName(name)));
  await a.stop();
  await b.stop();
});

test('redis+cluster:// naming a Redis that is not a cluster is a clear error at start', async (t) => {
  const redis = await startRedis(t);
  const run = await runPushwire(['--listen', '127.0.0.1:0', '--redis', `redis+cluster://127.0.0.1:${redis.port}`]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /names no master for pushwire's slot 6621 \(ERR This instance has cluster support disabled\)/);
});

// --redis: a long-poll on a channel that keeps nothing waits for the next
// message, like the in-memory broker, instead of answering gap:true at once
// because other channels moved on (which made a client following last_id
// poll a quiet channel as fast as it could send requests), on one Redis and
// on a Redis Cluster.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from './lib/server.mjs';
import { startRedis } from './lib/redis.mjs';
import { cli, ownerOf, startCluster } from './lib/redis_cluster.mjs';
import { channelName, datas, longpoll, publish, publishMany, sleep } from './lib/http.mjs';
import { metric } from './lib/streams.mjs';

async function twoServers(t, flags = []) {
  const redis = await startRedis(t);
  const a = await startServer(t, ['--redis', redis.url, ...flags]);
  const b = await startServer(t, ['--redis', redis.url, ...flags]);
  return { a, b };
}

// A long-poll that must wait its whole timeout of 1 s and then say nothing was lost.
async function assertWaits(base, channel, since) {
  const { body, elapsedMs } = await longpoll(base, channel, { since, timeout: 1 });
  assert.deepEqual([body.gap, body.messages], [false, []], `answered ${JSON.stringify(body)} after ${elapsedMs} ms`);
  assert.ok(elapsedMs >= 900, `answered after ${elapsedMs} ms instead of waiting`);
  return body.last_id;
}

test('a channel nobody published to: following last_id waits while other channels move on', async (t) => {
  const { a, b } = await twoServers(t);
  const quiet = channelName('quiet');
  const busy = channelName('busy');
  let position = (await longpoll(a.base, quiet, { timeout: 1 })).body.last_id;
  for (const server of [a, b, a]) {
    await publishMany(server.base, busy, ['x', 'y']);
    position = await assertWaits(server.base, quiet, position);
  }
  // And the wait is a real one: the next message to the channel answers it.
  const waiting = longpoll(b.base, quiet, { since: position, timeout: 5 });
  await sleep(200);
  const { id } = await publish(a.base, quiet, 'at last');
  const { body } = await waiting;
  assert.deepEqual([body.gap, datas(body), body.last_id], [false, ['at last'], id]);
  // Only the first read found the channel unknown to Redis; every later one knew where it stood.
  const unknown = 'pushwire_broker_unknown_channel_reads_total';
  assert.deepEqual([await metric(a.base, unknown), await metric(b.base, unknown)], [1, 0]);
});

test('a channel whose history expired: its last id waits, an earlier id is a gap', async (t) => {
  const { a, b } = await twoServers(t, ['--history-ttl', '1']);
  const quiet = channelName('expired');
  const busy = channelName('busy');
  const before = (await publish(a.base, busy, 'before')).id;
  const last = (await publish(a.base, quiet, 'gone soon')).id;
  await sleep(1300);
  await publishMany(b.base, busy, ['x', 'y']);
  await assertWaits(b.base, quiet, last);
  await assertWaits(a.base, quiet, last);
  const missed = await longpoll(b.base, quiet, { since: before, timeout: 5 });
  assert.deepEqual([missed.body.gap, missed.body.messages], [true, []], 'the expired message was lost to this cursor');
  assert.ok(missed.elapsedMs < 900, `a gap is answered at once, not after ${missed.elapsedMs} ms`);
});

test('--history 0: after the last message nothing was lost, before it the message was', async (t) => {
  const { a, b } = await twoServers(t, ['--history', '0']);
  const quiet = channelName('unkept');
  const busy = channelName('busy');
  const before = (await publish(a.base, busy, 'before')).id;
  const last = (await publish(b.base, quiet, 'not kept')).id;
  await publishMany(a.base, busy, ['x', 'y']);
  await assertWaits(a.base, quiet, last);
  const missed = await longpoll(a.base, quiet, { since: before, timeout: 5 });
  assert.deepEqual([missed.body.gap, missed.body.messages], [true, []]);
});

test('on a Redis Cluster, the last id is kept in pushwire\'s slot: an expired channel\'s last id waits', async (t) => {
  const cluster = await startCluster(t);
  const a = await startServer(t, ['--redis', cluster.url(), '--history-ttl', '1']);
  const b = await startServer(t, ['--redis', cluster.url(), '--history-ttl', '1']);
  const quiet = channelName('cluster-expired');
  const last = (await publish(a.base, quiet, 'gone soon')).id;
  await sleep(1300);
  await publishMany(b.base, channelName('busy'), ['x', 'y']);
  await assertWaits(b.base, quiet, last);
  const slot = Number(await cli(cluster.ports[0], 'CLUSTER', 'KEYSLOT', 'pushwire:{pushwire}:seq'));
  const owner = await ownerOf(cluster.ports[0], slot);
  const key = `pushwire:{pushwire}:l:${quiet}`;
  assert.equal(await cli(owner, 'EXISTS', key), '1', 'on the master of the sequence\'s slot');
});

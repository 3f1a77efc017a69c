// --redis redis+sentinel://: two pushwire servers follow a Sentinel failover
// of a real master + replica + 3 Sentinels, and what they acknowledged is
// never lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer, runPushwire } from './lib/server.mjs';
import { redisCommand } from './lib/redis.mjs';
import { masterPort, startSentinels } from './lib/redis_sentinel.mjs';
import { channelName, sleep, waitFor } from './lib/http.mjs';
import { assertEachGotEveryAcked, assertHistoryKeepsAcked, keepPublishing } from './lib/delivery.mjs';
import { wsSubscriber } from './lib/ws_subscriber.mjs';

test('a Sentinel failover: subscribers on two servers get every acknowledged message exactly once, in order', async (t) => {
  const redis = await startSentinels(t);
  const a = await startServer(t, ['--redis', redis.url, '--threads', '2']);
  const b = await startServer(t, ['--redis', redis.url]);
  const channel = channelName('sentinel');
  const subs = [await wsSubscriber(a.port, channel), await wsSubscriber(b.port, channel)];
  const publishing = keepPublishing([a, b], channel);
  await sleep(500);
  assert.ok(publishing.acked.length > 0, 'publishing works before the failover');
  assert.match(await redisCommand(redis.sentinels[0], 'SENTINEL', 'FAILOVER', redis.name), /^\+OK/);
  await waitFor(async () => (await masterPort(redis.sentinels[1], redis.name)) === redis.replica, 15000, 'the replica to be master');
  publishing.over();
  await publishing.done;
  t.diagnostic(`${publishing.acked.length} publishes acknowledged, ${publishing.refused} refused during the failover`);
  await assertEachGotEveryAcked(subs, publishing.acked);
  // The new master has them all: a client resuming from the start gets every one still kept.
  await assertHistoryKeepsAcked([a, b], channel, publishing.acked);
  await a.stop();
  await b.stop();
});

test('redis+sentinel:// naming an unknown master is a clear error at start', async (t) => {
  const redis = await startSentinels(t);
  const wrong = redis.url.replace(/\/pw$/, '/nosuch');
  const run = await runPushwire(['--listen', '127.0.0.1:0', '--redis', wrong]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /Sentinels do not know a master named nosuch/);
});

// --redis redis+sentinel://: two pushwire servers follow a Sentinel failover
// of a real master + replica + 3 Sentinels, and what they acknowledged is
// never lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer, runPushwire } from './lib/server.mjs';
import { redisCommand } from './lib/redis.mjs';
import { masterPort, startSentinels } from './lib/redis_sentinel.mjs';
import { channelName, poll, publishRaw, sleep, waitFor } from './lib/http.mjs';
import { wsSubscriber } from './lib/ws_subscriber.mjs';

const seqOf = (id) => Number(id.split('-')[1]);

test('a Sentinel failover: subscribers on two servers get every acknowledged message exactly once, in order', async (t) => {
  const redis = await startSentinels(t);
  const a = await startServer(t, ['--redis', redis.url, '--threads', '2']);
  const b = await startServer(t, ['--redis', redis.url]);
  const channel = channelName('sentinel');
  const subs = [await wsSubscriber(a.port, channel), await wsSubscriber(b.port, channel)];
  const acked = [];
  let refused = 0;
  let failedOver = false;
  let ackedAfter = 0;
  const publishing = (async () => {
    for (let i = 0; ackedAfter < 20; i++) {
      const res = await publishRaw((i % 2 ? b : a).base, channel, `m${i}`);
      if (res.status === 200) {
        acked.push(res.json().id);
        if (failedOver) ackedAfter++;
      } else {
        assert.equal(res.status, 503, res.body);
        refused++;
        await sleep(20);
      }
    }
  })();
  await sleep(500);
  assert.ok(acked.length > 0, 'publishing works before the failover');
  assert.match(await redisCommand(redis.sentinels[0], 'SENTINEL', 'FAILOVER', redis.name), /^\+OK/);
  await waitFor(async () => (await masterPort(redis.sentinels[1], redis.name)) === redis.replica, 15000, 'the replica to be master');
  failedOver = true;
  await publishing;
  t.diagnostic(`${acked.length} publishes acknowledged, ${refused} refused during the failover`);
  const last = acked.at(-1);
  await waitFor(() => subs.every((s) => s.got.some((m) => m.id === last)), 10000, 'both subscribers to get the last one');
  await sleep(100);
  for (const [i, sub] of subs.entries()) {
    const got = sub.got.map((m) => m.id);
    assert.equal(new Set(got).size, got.length, `subscriber ${i + 1} got nothing twice`);
    const seqs = got.map(seqOf);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), `subscriber ${i + 1} got them in order`);
    const missing = acked.filter((id) => !got.includes(id));
    assert.deepEqual(missing, [], `subscriber ${i + 1} got every acknowledged message`);
    sub.ws.close();
  }
  // The new master has them all: a client resuming from the start gets every one still kept.
  for (const server of [a, b]) {
    const kept = (await poll(server.base, channel, '0')).messages.map((m) => m.id);
    assert.ok(kept.length > 0, JSON.stringify(kept));
    const keptSince = seqOf(kept[0]);
    assert.deepEqual(acked.filter((id) => seqOf(id) >= keptSince && !kept.includes(id)), []);
  }
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

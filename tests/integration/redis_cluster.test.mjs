// --redis redis+cluster://: two pushwire servers on a real 3-master Redis
// Cluster find the master of pushwire's slot, share one sequence through
// it, resume streams on each other, and follow the slot when it moves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer, runPushwire } from './lib/server.mjs';
import { startRedis } from './lib/redis.mjs';
import { cli, moveSlot, ownerOf, startCluster } from './lib/redis_cluster.mjs';
import { channelName, poll, publish, publishRaw, sleep, waitFor } from './lib/http.mjs';
import { metric } from './lib/metrics.mjs';
import { openStream, parseNdjson, until } from './lib/streams.mjs';
import { wsSubscriber } from './lib/ws_subscriber.mjs';

const seqOf = (id) => Number(id.split('-')[1]);
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
  const acked = [];
  let refused = 0;
  let moved = false;
  let ackedAfter = 0;
  const publishing = (async () => {
    for (let i = 0; ackedAfter < 30; i++) {
      const res = await publishRaw((i % 2 ? b : a).base, channel, `m${i}`);
      if (res.status === 200) {
        acked.push(res.json().id);
        if (moved) ackedAfter++;
      } else {
        assert.equal(res.status, 503, res.body);
        refused++;
        await sleep(20);
      }
    }
  })();
  await waitFor(() => acked.length >= 20, 5000, 'publishing to work before the move');
  assert.equal(await cli(owner, 'EXISTS', 'pushwire:{pushwire}:seq'), '1', 'the sequence lives on the slot\'s master');
  await moveSlot(cluster, slot, owner, others[1]);
  moved = true;
  await publishing;
  t.diagnostic(`${acked.length} publishes acknowledged, ${refused} refused while the slot moved`);
  assert.equal(await cli(others[1], 'EXISTS', 'pushwire:{pushwire}:seq'), '1', 'the sequence moved with the slot');
  const last = acked.at(-1);
  await waitFor(() => subs.every((s) => s.got.some((m) => m.id === last)), 10000, 'both subscribers to get the last one');
  await sleep(100);
  for (const [i, sub] of subs.entries()) {
    const got = sub.got.map((m) => m.id);
    assert.equal(new Set(got).size, got.length, `subscriber ${i + 1} got nothing twice`);
    const seqs = got.map(seqOf);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), `subscriber ${i + 1} got them in order`);
    assert.deepEqual(acked.filter((id) => !got.includes(id)), [], `subscriber ${i + 1} got every acknowledged message`);
    sub.ws.close();
  }
  for (const server of [a, b]) {
    assert.ok(await metric(server.base, 'pushwire_broker_slot_moves_total') >= 1, 'the move was noticed');
    // The slot's new master has the history: a resume from the start gets every one kept.
    const kept = (await poll(server.base, channel, '0')).messages.map((m) => m.id);
    assert.deepEqual(acked.filter((id) => seqOf(id) >= seqOf(kept[0]) && !kept.includes(id)), []);
  }
  await a.stop();
  await b.stop();
});

const messages = (reader) => parseNdjson(reader.text).filter((l) => l && l.event === 'message');
const streamPath = (channels, since) =>
  `/stream?${channels.map((c) => `channel=${c}`).join('&')}${since ? `&since=${since}` : ''}`;

test('on a Redis Cluster, a multi-channel stream cut on one server resumes every channel on another, nothing lost or repeated', async (t) => {
  const cluster = await startCluster(t);
  const a = await startServer(t, ['--redis', cluster.url(), '--threads', '2']);
  const b = await startServer(t, ['--redis', cluster.url().replace(/,.*/, '')]);
  // Channels whose own names hash to different slots: pushwire keeps them in one.
  const channels = ['alpha', 'bravo', 'charlie'].map((name) => channelName(name));
  const sent = [];
  const publishRound = async (server, tag) => {
    for (const [i, channel] of channels.entries())
      sent.push({ channel, data: `${tag} ${i}`, id: (await publish(server.base, channel, `${tag} ${i}`)).id });
  };

  const first = await openStream(a.port, streamPath(channels));
  t.after(() => first.destroy());
  await until(() => parseNdjson(first.text).some((l) => l?.event === '_cursor'), 3000, 'the first cursor mark');
  await publishRound(a, 'on a');
  await publishRound(b, 'on b');
  await until(() => messages(first).length === 6, 3000, 'six messages on server a');
  first.destroy();
  const cursor = messages(first).at(-1).id;

  await publishRound(b, 'while away');
  const second = await openStream(b.port, streamPath(channels, cursor));
  t.after(() => second.destroy());
  await publishRound(a, 'live on b');
  await until(() => messages(second).length === 6, 3000, 'the other six messages on server b');

  const got = [...messages(first), ...messages(second)].map(({ channel, data, id }) => ({ channel, data, id }));
  assert.deepEqual(got, sent);
  assert.ok(!parseNdjson(second.text).some((l) => l?.event === '_gap'), 'nothing was missed, so no gap');
  second.destroy();
  await a.stop();
  await b.stop();
});

test('redis+cluster:// naming a Redis that is not a cluster is a clear error at start', async (t) => {
  const redis = await startRedis(t);
  const run = await runPushwire(['--listen', '127.0.0.1:0', '--redis', `redis+cluster://127.0.0.1:${redis.port}`]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /names no master for pushwire's slot 6621 \(ERR This instance has cluster support disabled\)/);
});

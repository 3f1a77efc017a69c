// --redis: several pushwire servers share channels, ids and history through a
// real redis-server, and go on correctly when Redis goes away and comes back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { startServer, runPushwire } from './lib/server.mjs';
import { startRedis, redisCommand } from './lib/redis.mjs';
import { channelName, datas, ids, longpoll, poll, publish, publishMany, publishRaw, sleep, waitFor } from './lib/http.mjs';
import { wsSubscriber } from './lib/ws_subscriber.mjs';
import { eventSource, metric, openStream, streamMessages, waitForMetric, waitForOpen } from './lib/streams.mjs';

// Each thread of a server reconnects to Redis on its own; the metric says when all have.
async function publishesGoThrough(server) {
  return (await metric(server.base, 'pushwire_broker_available')) === 1;
}

async function twoServers(t, flags = []) {
  const redis = await startRedis(t);
  const a = await startServer(t, ['--redis', redis.url, '--threads', '2', ...flags]);
  const b = await startServer(t, ['--redis', redis.url, '--threads', '1', ...flags]);
  return { redis, a, b };
}

test('a publish on one server reaches SSE, WebSocket, stream and long-poll subscribers of another, with its id', async (t) => {
  const { a, b } = await twoServers(t);
  const channel = channelName('redis');
  const sse = eventSource(`${b.base}/sse/${channel}`);
  const ws = await wsSubscriber(b.port, channel);
  const stream = await openStream(b.port, `/stream/${channel}`);
  await waitForOpen(sse.source);
  const waiting = longpoll(b.base, channel, { timeout: 5 });
  await sleep(150);  // the long poll and the stream are subscribed

  const ack = await publish(a.base, channel, 'from A');
  const { body } = await waiting;
  assert.deepEqual(body.messages.map((m) => [m.id, m.data]), [[ack.id, 'from A']]);
  await waitFor(() => sse.seen.messages.length === 1 && ws.got.length === 1, 3000, 'SSE and WebSocket delivery');
  assert.deepEqual(sse.seen.messages[0], { id: ack.id, data: 'from A', event: 'message' });
  assert.equal(ws.got[0].id, ack.id);
  assert.equal(ws.got[0].time, ack.time);
  const streamed = await stream.waitFor(() => {
    const got = streamMessages('stream', stream.text);
    return got.length ? got : null;
  }, 3000, 'the NDJSON line');
  assert.deepEqual(streamed.map((m) => [m.id, m.data]), [[ack.id, 'from A']]);
  stream.destroy();
  sse.source.close();
  ws.ws.close();
  await a.stop();
  await b.stop();
});

test('a publisher reads its own write on the same server, and the other server has it too', async (t) => {
  const { a, b } = await twoServers(t);
  const channel = channelName('redis-ryw');
  for (let i = 0; i < 20; i++) {
    const ack = await publish(a.base, channel, `m${i}`);
    const here = await poll(a.base, channel, '0');
    assert.equal(here.last_id, ack.id, 'the acknowledged message is in the next poll on the same server');
    // On the other server a poll after the acknowledged id waits for it to arrive instead of calling it unknown.
    const there = await poll(b.base, channel, ack.id);
    assert.equal(there.gap, false);
    assert.deepEqual(there.messages, []);
  }
  // The same for a subscription that resumes on the other server at once: nothing twice, nothing missed.
  for (let round = 0; round < 5; round++) {
    const last = await publish(a.base, channel, `r${round}-0`);
    const sub = await wsSubscriber(b.port, channel, { since: last.id });
    const next = await publishMany(a.base, channel, [`r${round}-1`, `r${round}-2`]);
    await waitFor(() => sub.got.length >= 2, 3000, 'the two new messages');
    await sleep(50);
    assert.deepEqual(sub.got.map((m) => m.id), next);
    sub.ws.close();
  }
  await a.stop();
  await b.stop();
});

test('concurrent publishers on two servers: unique ids, one order, the same history everywhere', async (t) => {
  const { a, b } = await twoServers(t);
  const channel = channelName('redis-order');
  const subs = await Promise.all([a, b, a, b].map((s) => wsSubscriber(s.port, channel)));
  const PER = 40;
  const acked = await Promise.all([a, b, a, b].map(async (server, p) => {
    const out = [];
    for (let i = 0; i < PER; i++) out.push((await publish(server.base, channel, `p${p}-${i}`)).id);
    return out;
  }));
  const total = 4 * PER;
  assert.equal(new Set(acked.flat()).size, total, 'every publish got its own id');
  await waitFor(() => subs.every((s) => s.got.length >= total), 10000, 'every subscriber to get every message');
  const order = subs[0].got.map((m) => m.id);
  for (const s of subs) assert.deepEqual(s.got.map((m) => m.id), order, 'one order on both servers');
  for (let p = 0; p < 4; p++) {
    const mine = subs[0].got.filter((m) => m.data.startsWith(`p${p}-`)).map((m) => m.data);
    assert.deepEqual(mine, Array.from({ length: PER }, (_, i) => `p${p}-${i}`), `publisher ${p}'s order is kept`);
  }
  assert.deepEqual(ids(await poll(a.base, channel, '0')), order.slice(-100));
  assert.deepEqual(ids(await poll(b.base, channel, '0')), order.slice(-100));
  for (const s of subs) s.ws.close();
  await a.stop();
  await b.stop();
});

test('a client resumes on another server with the last id it saw: exactly the rest, in order', async (t) => {
  const { a, b } = await twoServers(t);
  const channel = channelName('redis-resume');
  const first = eventSource(`${a.base}/sse/${channel}`);
  await waitForOpen(first.source);
  const early = await publishMany(a.base, channel, ['one', 'two', 'three']);
  await waitFor(() => first.seen.messages.length === 3, 3000, 'the first three on server A');
  first.source.close();
  const late = await publishMany(b.base, channel, ['four', 'five']);

  const resumed = eventSource(`${b.base}/sse/${channel}`, { headers: { 'Last-Event-ID': early[2] } });
  await waitFor(() => resumed.seen.messages.length >= 2, 3000, 'the rest on server B');
  await sleep(100);
  assert.deepEqual(resumed.seen.messages.map((m) => [m.id, m.data]), [[late[0], 'four'], [late[1], 'five']]);
  resumed.source.close();

  const ws = await wsSubscriber(a.port, channel, { since: early[0] });
  await waitFor(() => ws.got.length >= 4, 3000, 'the WebSocket replay on server A');
  assert.deepEqual(ws.got.map((m) => m.data), ['two', 'three', 'four', 'five']);
  ws.ws.close();
  await a.stop();
  await b.stop();
});

test('history lives in Redis: a new server sees it, bounded by --history, with a gap for ids beyond it', async (t) => {
  const redis = await startRedis(t);
  const a = await startServer(t, ['--redis', redis.url, '--history', '3']);
  const channel = channelName('redis-history');
  const sent = await publishMany(a.base, channel, ['1', '2', '3', '4', '5']);
  await a.stop();

  const fresh = await startServer(t, ['--redis', redis.url, '--history', '3']);
  const all = await poll(fresh.base, channel, '0');
  assert.deepEqual(datas(all), ['3', '4', '5']);
  assert.deepEqual(ids(all), sent.slice(2));
  assert.equal(all.gap, false);
  const old = await poll(fresh.base, channel, sent[0]);
  assert.equal(old.gap, true, 'messages after the cursor were dropped');
  assert.deepEqual(datas(old), ['3', '4', '5']);
  const recent = await poll(fresh.base, channel, sent[2]);
  assert.deepEqual([recent.gap, datas(recent)], [false, ['4', '5']]);
  const next = await publish(fresh.base, channel, '6');
  assert.ok(!sent.includes(next.id));
  await fresh.stop();
});

test('Redis going away: publishes answer 503, subscribers stay, and get what is published once it is back', async (t) => {
  const { redis, a, b } = await twoServers(t);
  const channel = channelName('redis-outage');
  const ws = await wsSubscriber(b.port, channel);
  const before = await publish(a.base, channel, 'before');
  await waitFor(() => ws.got.length === 1, 3000, 'the first message');

  assert.equal(await metric(a.base, 'pushwire_broker_available'), 1);
  await redis.stop();
  await waitFor(async () => (await publishRaw(a.base, channel, 'lost?')).status === 503, 3000, 'a 503');
  // Each thread has its own connections; every one of them notices.
  for (let i = 0; i < 4; i++) assert.equal((await waitForMetric(a.base, 'pushwire_broker_available', (v) => v === 0)).value, 0);
  const refused = await publishRaw(a.base, channel, 'while down');
  assert.equal(refused.status, 503);
  assert.equal(refused.json().error, 'unavailable');
  // History cannot be read meanwhile: a replay says so with a gap instead of claiming there is none.
  const offline = await poll(b.base, channel, '0');
  assert.deepEqual([offline.gap, datas(offline)], [true, []]);

  await redis.start();
  await waitFor(() => publishesGoThrough(a), 8000, 'publishing to work again on every thread');
  const after = await publish(a.base, channel, 'after');
  await waitFor(() => ws.got.some((m) => m.data === 'after'), 3000, 'the WebSocket subscriber on B to get it');
  assert.equal(ws.ws.readyState, WebSocket.OPEN);
  // Redis came back empty: a new id space, and the old cursor is reported as a gap, not misread.
  assert.notEqual(after.id.split('-')[0], before.id.split('-')[0]);
  const resumed = await poll(b.base, channel, before.id);
  assert.equal(resumed.gap, true);
  assert.deepEqual(datas(resumed).slice(-1), ['after']);
  ws.ws.close();
  await a.stop();
  await b.stop();
});

test('Redis that stops answering: a waiting publish gets 503 after 5 s, and publishing resumes when it answers again', async (t) => {
  const { redis, a, b } = await twoServers(t);
  const channel = channelName('redis-hung');
  const ws = await wsSubscriber(b.port, channel);
  redis.pause();
  const started = Date.now();
  const refused = await publishRaw(a.base, channel, 'into the void');
  const waited = Date.now() - started;
  assert.equal(refused.status, 503, refused.body);
  assert.ok(waited >= 4500 && waited < 9000, `answered after ${waited} ms`);
  redis.resume();
  await waitFor(() => publishesGoThrough(a), 12000, 'publishing to work again on every thread');
  const after = await publish(a.base, channel, 'after');
  await waitFor(() => ws.got.some((m) => m.id === after.id), 3000, 'the subscriber on B to get it');
  ws.ws.close();
  await a.stop();
  await b.stop();
});

test('Redis emptied under running servers (FLUSHALL): new ids never repeat old ones, old cursors are a gap', async (t) => {
  const { redis, a, b } = await twoServers(t);
  const channel = channelName('redis-flush');
  const ws = await wsSubscriber(b.port, channel);
  const old = await publishMany(a.base, channel, ['x', 'y']);
  assert.match(await redisCommand(redis.port, 'FLUSHALL'), /^\+OK/);
  // The first publish after the flush finds the id space gone; the server reloads and sends it again.
  const first = await publish(a.base, channel, 'z');
  const fresh = await publish(b.base, channel, 'w');
  for (const id of [first.id, fresh.id]) assert.ok(!old.includes(id), `${id} is new`);
  assert.notEqual(first.id.split('-')[0], old[0].split('-')[0], 'a new id series');
  await waitFor(() => ws.got.some((m) => m.data === 'w'), 3000, 'the subscriber to get the new message');
  const seen = ws.got.map((m) => m.id);
  assert.equal(new Set(seen).size, seen.length, 'nothing delivered twice');
  assert.equal((await poll(a.base, channel, old[1])).gap, true);
  ws.ws.close();
  await a.stop();
  await b.stop();
});

test('a WebSocket publish op goes through Redis and its ok carries the id', async (t) => {
  const { a, b } = await twoServers(t);
  const channel = channelName('redis-wsop');
  const sub = await wsSubscriber(b.port, channel);
  const ws = new WebSocket(`ws://127.0.0.1:${a.port}/ws`, { perMessageDeflate: false });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const reply = new Promise((resolve) => ws.once('message', (frame) => resolve(JSON.parse(frame.toString()))));
  ws.send(JSON.stringify({ op: 'publish', channel, data: 'over ws', ref: 7 }));
  const ok = await reply;
  assert.equal(ok.op, 'ok');
  assert.equal(ok.ref, 7);
  await waitFor(() => sub.got.length === 1, 3000, 'delivery on B');
  assert.equal(sub.got[0].id, ok.id);
  ws.close();
  sub.ws.close();
  await a.stop();
  await b.stop();
});

test('startup: an unreachable Redis or a bad URL is a clear error and a non-zero exit', async () => {
  const redis = await startRedis(null);
  const port = redis.port;
  await redis.stop();
  const down = await runPushwire(['--listen', '127.0.0.1:0', '--redis', `redis://127.0.0.1:${port}`]);
  assert.equal(down.code, 1);
  assert.match(down.stderr, new RegExp(`cannot use Redis at redis://127\\.0\\.0\\.1:${port}: .*refused`, 'i'));
  assert.doesNotMatch(down.stdout, /listening on/);

  const bad = await runPushwire(['--redis', 'redis://localhost:notaport']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--redis: .*port/);
  const password = await runPushwire(['--listen', '127.0.0.1:0', '--redis', 'redis://:secret@127.0.0.1:1']);
  assert.doesNotMatch(password.stderr, /secret/, 'the password is not printed');
});

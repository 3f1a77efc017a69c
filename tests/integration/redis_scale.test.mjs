// --redis at scale: history is read from Redis per channel when a replay
// needs it (nothing is loaded at start), replays and live delivery meet
// exactly even when announcements overtake the read, and a server cut off
// from Redis catches its subscribers up on what they missed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startServer } from './lib/server.mjs';
import { redisCommand, startRedis } from './lib/redis.mjs';
import { redisProxy } from './lib/redis_proxy.mjs';
import { channelName, datas, ids, poll, publish, sleep, waitFor } from './lib/http.mjs';
import { wsSubscriber } from './lib/ws_subscriber.mjs';
import { metrics, waitForMetric } from './lib/streams.mjs';

async function allThreadsConnected(server) {
  return (await waitForMetric(server.base, 'pushwire_broker_available', (v) => v === 1, 8000)).ok;
}

// Server A talks to Redis directly, server B through a proxy the test controls.
async function serversBehindProxy(t, flagsA = [], flagsB = []) {
  const redis = await startRedis(t);
  const proxy = await redisProxy(redis.port);
  t.after(() => proxy.close());
  const a = await startServer(t, ['--redis', redis.url, ...flagsA]);
  const b = await startServer(t, ['--redis', proxy.url, ...flagsB]);
  return { redis, proxy, a, b };
}

test('resumes while announcements overtake the history read: each gets exactly the rest, in order', async (t) => {
  const { proxy, a, b } = await serversBehindProxy(t, ['--history', '1000'], ['--threads', '2', '--history', '1000']);
  // B's history reads now come back 40 ms late; its announcements do not wait.
  proxy.delayCommands(40);
  const channel = channelName('redis-race');
  let latest = (await publish(a.base, channel, 'first')).id;
  const PUBLISHERS = 3;
  const PER = 150;
  const publishing = Promise.all(Array.from({ length: PUBLISHERS }, async (_, p) => {
    for (let i = 0; i < PER; i++) latest = (await publish(a.base, channel, `p${p}-${i}`)).id;
  }));
  const resumers = [];
  for (let i = 0; i < 25; i++) {
    const since = latest;
    resumers.push({ since, sub: await wsSubscriber(b.port, channel, { since }) });
    await sleep(15);
  }
  await publishing;
  const end = await publish(a.base, channel, 'end');
  await waitFor(() => resumers.every(({ sub }) => sub.got.some((m) => m.id === end.id)), 10000, 'every resumer to get the end');
  const all = ids(await poll(a.base, channel, '0'));
  assert.equal(all.length, 2 + PUBLISHERS * PER);
  for (const { since, sub } of resumers) {
    const after = all.indexOf(since) + 1;
    assert.ok(after > 0, `${since} is in the history`);
    assert.deepEqual(sub.got.map((m) => m.id), all.slice(after), `resumed after ${since}`);
    sub.ws.close();
  }
  const reads = (await metrics(b.base)).pushwire_broker_history_reads_total;
  assert.ok(reads >= resumers.length, `${reads} history reads`);
  await a.stop();
  await b.stop();
});

test('a subscriber without a cursor gets what is published while its history read is on its way', async (t) => {
  const { proxy, a, b } = await serversBehindProxy(t);
  proxy.delayCommands(100);
  const channel = channelName('redis-newest');
  const subs = [];
  for (let i = 0; i < 5; i++) {
    subs.push(await wsSubscriber(b.port, channel));  // open: registered, its read still on its way
    await publish(a.base, channel, `m${i}`);
  }
  await waitFor(() => subs.every((s, i) => s.got.length === 5 - i), 5000, 'every message after each subscription');
  await sleep(150);
  for (const [i, sub] of subs.entries()) {
    assert.deepEqual(sub.got.map((m) => m.data), ['m0', 'm1', 'm2', 'm3', 'm4'].slice(i));
    sub.ws.close();
  }
  await a.stop();
  await b.stop();
});

test("a server cut off from Redis catches its subscribers up, in order, once it is back", async (t) => {
  const { proxy, a, b } = await serversBehindProxy(t, [], ['--threads', '2']);
  const [one, two, nobody] = ['one', 'two', 'nobody'].map((name) => channelName(`redis-cut-${name}`));
  const first = await wsSubscriber(b.port, one);
  const second = await wsSubscriber(b.port, two);
  const before = await publish(a.base, one, 'before');
  await waitFor(() => first.got.length === 1, 3000, 'the first message');

  proxy.cut();
  assert.ok((await waitForMetric(b.base, 'pushwire_broker_available', (v) => v === 0, 3000)).ok, 'B notices');
  const missed = [];
  for (const [channel, data] of [[one, 'm1'], [two, 'm2'], [nobody, 'x'], [one, 'm3'], [two, 'm4']])
    missed.push({ channel, data, id: (await publish(a.base, channel, data)).id });
  proxy.restore();
  assert.ok(await allThreadsConnected(b), 'B reconnects on every thread');
  const after = await publish(a.base, one, 'after');
  await waitFor(() => first.got.some((m) => m.id === after.id) && second.got.length >= 2, 5000, 'the catch-up');
  await sleep(100);
  const expected = (channel) => missed.filter((m) => m.channel === channel).map((m) => [m.id, m.data]);
  assert.deepEqual(first.got.map((m) => [m.id, m.data]), [[before.id, 'before'], ...expected(one), [after.id, 'after']]);
  assert.deepEqual(second.got.map((m) => [m.id, m.data]), expected(two));
  const seen = await metrics(b.base);
  assert.ok(seen.pushwire_broker_reconnects_total >= 2, 'each thread reconnected');
  assert.ok(seen.pushwire_broker_resyncs_total >= 2, 'each thread caught up');
  assert.ok(seen['pushwire_broker_round_trip_seconds_bucket{le="+Inf"}'] > 0);
  assert.equal(seen.pushwire_broker_round_trip_seconds_count, seen['pushwire_broker_round_trip_seconds_bucket{le="+Inf"}']);
  first.ws.close();
  second.ws.close();
  await a.stop();
  await b.stop();
});

test('a server cut off while Redis was emptied catches up in the new id space', async (t) => {
  const { redis, proxy, a, b } = await serversBehindProxy(t);
  const channel = channelName('redis-cut-flush');
  const sub = await wsSubscriber(b.port, channel);
  const before = await publish(a.base, channel, 'before');
  await waitFor(() => sub.got.length === 1, 3000, 'the first message');
  proxy.cut();
  assert.ok((await waitForMetric(b.base, 'pushwire_broker_available', (v) => v === 0, 3000)).ok, 'B notices');
  assert.match(await redisCommand(redis.port, 'FLUSHALL'), /^\+OK/);
  const missed = await publish(a.base, channel, 'missed');
  assert.notEqual(missed.id.split('-')[0], before.id.split('-')[0], 'a new id space');
  proxy.restore();
  await waitFor(() => sub.got.length === 2, 5000, 'the message published while B was away');
  await sleep(100);
  assert.deepEqual(sub.got.map((m) => [m.id, m.data]), [[before.id, 'before'], [missed.id, 'missed']]);
  sub.ws.close();
  await a.stop();
  await b.stop();
});

// Writes `count` channels of one message each straight into Redis, the way
// pushwire keeps them, through redis-cli --pipe.
async function loadChannels(port, { epoch, count, bytes }) {
  const now = Date.now();
  const resp = (...args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
  const child = spawn('redis-cli', ['-p', String(port), '--pipe'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => { output += chunk; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const write = (text) => new Promise((resolve) => { if (child.stdin.write(text)) resolve(); else child.stdin.once('drain', resolve); });
  await write(resp('SET', 'pushwire:epoch', epoch) + resp('SET', 'pushwire:seq', String(count)));
  const filler = 'x'.repeat(bytes);
  for (let start = 1; start <= count; start += 5000) {
    let chunk = '';
    for (let seq = start; seq < start + 5000 && seq <= count; seq++)
      chunk += resp('RPUSH', `pushwire:h:old-${seq}`, `${seq}|${now}|message|${filler}${seq}`);
    await write(chunk);
  }
  child.stdin.end();
  assert.equal(await exited, 0, output);
  assert.match(output, /errors: 0, replies: /);
}

// PINGs Redis every 2 ms on one connection for `ms`, in a process of its
// own (this one's event loop pauses while it spawns servers), and resolves
// to the answer times, sorted. Back to back, the PINGs would keep two busy
// processes fighting the rest of the machine for CPU.
function pingFor(port, ms) {
  const code = `
    const socket = require('node:net').connect(${port}, '127.0.0.1');
    let sentAt = 0;
    const times = [];
    const end = performance.now() + ${ms};
    const ping = () => { sentAt = performance.now(); socket.write('PING\\r\\n'); };
    socket.on('connect', ping);
    socket.on('data', () => {
      times.push(performance.now() - sentAt);
      if (performance.now() < end) return setTimeout(ping, 2);
      console.log(JSON.stringify(times.sort((a, b) => a - b)));
      socket.destroy();
    });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => { output += chunk; });
  return new Promise((resolve) => child.once('exit', () => resolve(JSON.parse(output))));
}

function residentMegabytes(pid) {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return kb / 1024;
}

test('200,000 channels in Redis: two servers start fast, Redis stays responsive, memory stays small, old history is exact', async (t) => {
  const CHANNELS = 200_000;
  const redis = await startRedis(t);
  await loadChannels(redis.port, { epoch: 'bulk', count: CHANNELS, bytes: 200 });
  // Redis logs every command that runs 10 ms or more.
  assert.match(await redisCommand(redis.port, 'CONFIG', 'SET', 'slowlog-log-slower-than', '10000'), /^\+OK/);
  assert.match(await redisCommand(redis.port, 'SLOWLOG', 'RESET'), /^\+OK/);
  const pinging = pingFor(redis.port, 2500);
  await sleep(200);
  const servers = [];
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    servers.push(await startServer(t, ['--redis', redis.url, '--threads', '2']));
    const took = performance.now() - started;
    t.diagnostic(`server ${i + 1} started in ${took.toFixed(0)} ms`);
    assert.ok(took < 2000, `server ${i + 1} started in ${took.toFixed(0)} ms`);
  }
  const times = await pinging;
  const p99 = times[Math.floor(times.length * 0.99)];
  const slowest = times.at(-1);
  t.diagnostic(`${times.length} PINGs meanwhile: p99 ${p99.toFixed(2)} ms, the slowest ${slowest.toFixed(2)} ms`);
  assert.ok(times.length > 300, `${times.length} PINGs answered`);
  assert.equal(await redisCommand(redis.port, 'SLOWLOG', 'LEN'), ':0\r\n', 'no command ran 10 ms or more in Redis');
  // On a busy machine a PING now and then waits for a CPU (for as long as
  // hundreds of ms when other work is running): the slowest one measures the
  // machine, the slowlog and the 99th percentile measure Redis.
  assert.ok(p99 < 10, `99% of PINGs answered within ${p99.toFixed(1)} ms`);
  const [a, b] = servers;

  const seq = 123_457;
  const channel = `old-${seq}`;
  const old = `bulk-${seq}`;
  for (const server of servers) {
    const kept = await poll(server.base, channel, '0');
    assert.deepEqual(ids(kept), [old]);
    assert.equal(datas(kept)[0], `${'x'.repeat(200)}${seq}`);
  }
  const fresh = await publish(a.base, channel, 'new');
  assert.equal(fresh.id, `bulk-${CHANNELS + 1}`);
  const resumed = await wsSubscriber(b.port, channel, { since: old });
  await waitFor(() => resumed.got.length === 1, 3000, 'the message after the old one');
  await sleep(100);
  assert.deepEqual(resumed.got.map((m) => [m.id, m.data]), [[fresh.id, 'new']]);
  const there = await poll(a.base, channel, old);
  assert.deepEqual([there.gap, ids(there)], [false, [fresh.id]]);
  for (const server of servers) {
    const rss = residentMegabytes(server.child.pid);
    t.diagnostic(`server RSS ${rss.toFixed(1)} MB`);
    assert.ok(rss < 64, `server RSS ${rss.toFixed(1)} MB`);
  }
  resumed.ws.close();
  await a.stop();
  await b.stop();
});

// Sessions on Redis. The stream cursor across servers: with --redis, ids are
// one sequence for every server, so the last id a multi-channel stream gave
// on one server resumes every channel exactly on another. And a replay read
// from Redis comes later than the op that asked for it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from './lib/server.mjs';
import { startRedis } from './lib/redis.mjs';
import { channelName, publish, request, sleep } from './lib/http.mjs';
import { openStream, parseStream, until } from './lib/streams.mjs';
import { assertStreamResumesOnAnother } from './lib/stream_resume.mjs';

test('a multi-channel stream cut on one server resumes every channel on another, nothing lost or repeated', async (t) => {
  const redis = await startRedis(t);
  const a = await startServer(t, ['--redis', redis.url, '--threads', '2']);
  const b = await startServer(t, ['--redis', redis.url]);
  await assertStreamResumesOnAnother(t, a, b, [channelName('rs'), channelName('rs'), channelName('rs')]);
  await a.stop();
  await b.stop();
});

test('a channel added and removed again while its replay is read from Redis brings nothing to the stream', async (t) => {
  const redis = await startRedis(t);
  const server = await startServer(t, ['--redis', redis.url]);
  const [a, c] = [channelName('rs'), channelName('rs')];
  await publish(server.base, c, 'c kept');
  const reader = await openStream(server.port, `/stream?channel=${a}`);
  t.after(() => reader.destroy());
  const records = () => parseStream(reader.text).filter(Boolean);
  await until(() => records().length >= 1, 3000, 'the session announcement');
  const res = await request(server.base, `/session/${records()[0].session}`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ op: 'subscribe', channel: c, since: '0', ref: 1 }, { op: 'unsubscribe', channel: c, ref: 2 }]),
  });
  assert.deepEqual(res.json(), { results: [{ ref: 1, ok: true }, { ref: 2, ok: true }] });
  await publish(server.base, c, 'c live');
  await publish(server.base, a, 'a live');
  await until(() => records().some((r) => r.data === 'a live'), 3000, 'the message of a');
  await sleep(100);
  assert.deepEqual(records().slice(1).filter((r) => r.event !== '_cursor')
    .map((r) => (r.event === '_ack' ? ['_ack', r.ref] : [r.channel, r.data])), [['_ack', 1], ['_ack', 2], [a, 'a live']]);
  await server.stop();
});

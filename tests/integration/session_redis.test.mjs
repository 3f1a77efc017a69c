// The stream cursor across servers: with --redis, ids are one sequence for
// every server, so the last id a multi-channel stream gave on one server
// resumes every channel exactly on another.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from './lib/server.mjs';
import { startRedis } from './lib/redis.mjs';
import { channelName, publish } from './lib/http.mjs';
import { openStream, parseStream, until } from './lib/streams.mjs';

const messages = (reader) => parseStream(reader.text).filter((l) => l && l.event === 'message');
const streamPath = (channels, since) =>
  `/stream?${channels.map((c) => `channel=${c}`).join('&')}${since ? `&since=${since}` : ''}`;

test('a multi-channel stream cut on one server resumes every channel on another, nothing lost or repeated', async (t) => {
  const redis = await startRedis(t);
  const a = await startServer(t, ['--redis', redis.url, '--threads', '2']);
  const b = await startServer(t, ['--redis', redis.url]);
  const channels = [channelName('rs'), channelName('rs'), channelName('rs')];
  const sent = [];
  const publishRound = async (server, tag) => {
    for (const [i, channel] of channels.entries()) {
      sent.push({ channel, data: `${tag} ${i}`, id: (await publish(server.base, channel, `${tag} ${i}`)).id });
    }
  };

  const first = await openStream(a.port, streamPath(channels));
  t.after(() => first.destroy());
  await until(() => parseStream(first.text).some((l) => l?.event === '_cursor'), 3000, 'the first cursor mark');
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
  assert.ok(!parseStream(second.text).some((l) => l?.event === '_gap'), 'nothing was missed, so no gap');
  second.destroy();
  await a.stop();
  await b.stop();
});

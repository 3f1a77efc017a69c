// The stream cursor across servers: with --redis, ids are one sequence for
// every server, so the last id a multi-channel stream gave on one server
// resumes every channel exactly on another.
import { test } from 'node:test';
import { startServer } from './lib/server.mjs';
import { startRedis } from './lib/redis.mjs';
import { channelName } from './lib/http.mjs';
import { assertStreamResumesOnAnother } from './lib/stream_resume.mjs';

test('a multi-channel stream cut on one server resumes every channel on another, nothing lost or repeated', async (t) => {
  const redis = await startRedis(t);
  const a = await startServer(t, ['--redis', redis.url, '--threads', '2']);
  const b = await startServer(t, ['--redis', redis.url]);
  await assertStreamResumesOnAnother(t, a, b, [channelName('rs'), channelName('rs'), channelName('rs')]);
  await a.stop();
  await b.stop();
});

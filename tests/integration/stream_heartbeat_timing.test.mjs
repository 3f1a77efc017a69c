// A quiet stream hears a heartbeat every --heartbeat interval from the moment
// it opens, not a tick or two later: proxies with short idle timeouts are
// configured against that interval.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelName, sleep } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { openStream } from './lib/streams.mjs';

test('with --heartbeat 1 a quiet SSE stream sees one heartbeat every second from the start', async (t) => {
  const server = await startServer(t, ['--heartbeat', '1']);
  const reader = await openStream(server.port, `/sse/${channelName('quiet')}`);
  const opened = performance.now();
  const arrivals = [];
  reader.onText((text) => {
    for (const _ of text.matchAll(/: heartbeat\n\n/g)) arrivals.push(performance.now() - opened);
  });
  await sleep(3600);
  reader.destroy();
  await server.stop();

  const seen = arrivals.map((ms) => Math.round(ms)).join(', ');
  assert.equal(arrivals.length, 3, `heartbeats at ${seen} ms`);
  assert.ok(arrivals[0] >= 700 && arrivals[0] <= 1300, `the first heartbeat after ${seen} ms`);
  for (let i = 1; i < arrivals.length; ++i) {
    const gap = arrivals[i] - arrivals[i - 1];
    assert.ok(gap >= 700 && gap <= 1300, `heartbeats at ${seen} ms`);
  }
});

// --history-bytes: one byte budget for the history of every channel. A flood
// over many channels keeps the server under it, dropping the oldest messages
// of any channel first, and a resume into a channel that lost messages to it
// is told so with a gap.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { test } from 'node:test';
import { channelName, publish, request } from './lib/http.mjs';
import { metric } from './lib/metrics.mjs';
import { startServer } from './lib/server.mjs';
import { openWs } from './lib/ws_raw.mjs';

const BUDGET = 16 * 1024 * 1024;

function residentBytes(pid) {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1];
  return Number(kib) * 1024;
}

// Publishes every [channel, data] with a few requests in flight at a time.
async function flood(base, items, inFlight = 8) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const [channel, data] = items[next++];
      const status = await new Promise((resolve, reject) => {
        const req = http.request(new URL(`/pub/${channel}`, base), { method: 'POST', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        });
        req.on('error', reject);
        req.end(data);
      });
      assert.equal(status, 200);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  agent.destroy();
}

test('3,000 channels x 60 KB stay under the budget; a resume into a trimmed channel reports the gap', async (t) => {
  const server = await startServer(t, ['--history-bytes', String(BUDGET), '--threads', '2']);
  const early = channelName('early');
  const first = await publish(server.base, early, 'first');
  await publish(server.base, early, 'second');
  const baseline = residentBytes(server.child.pid);

  const prefix = channelName('flood');
  const data = 'y'.repeat(60 * 1024);
  const started = Date.now();
  await flood(server.base, Array.from({ length: 3000 }, (_, i) => [`${prefix}-${i}`, data]));
  t.diagnostic(`3,000 x 60 KB published in ${Date.now() - started} ms`);

  const kept = await metric(server.base, 'pushwire_history_bytes');
  assert.ok(kept <= BUDGET, `history keeps ${kept} bytes, over the budget of ${BUDGET}`);
  assert.ok(kept > BUDGET / 2, `history keeps ${kept} bytes: the budget is used, not emptied`);
  const growth = residentBytes(server.child.pid) - baseline;
  t.diagnostic(`history keeps ${kept} bytes; server RSS grew by ${(growth / 1048576).toFixed(1)} MiB`);
  assert.ok(growth < 3 * BUDGET, `the server grew by ${growth} bytes for 180 MB published under a ${BUDGET}-byte budget`);

  // The newest channels keep their message; the oldest lost theirs first.
  const newest = (await request(server.base, `/poll/${prefix}-2999?since=0`)).json();
  assert.equal(newest.messages.length, 1);
  const resumed = (await request(server.base, `/poll/${early}?since=${first.id}`)).json();
  assert.equal(resumed.gap, true, `a resume into a trimmed channel is a gap: ${JSON.stringify(resumed)}`);
  assert.deepEqual(resumed.messages, []);

  const socket = await openWs(server.base, '/ws');
  t.after(() => socket.terminate());
  await socket.ok({ op: 'subscribe', channel: early, since: first.id });
  assert.deepEqual(await socket.next(), { op: 'gap', channel: early }, 'a WebSocket resume is told of the gap');
  await server.stop();
});

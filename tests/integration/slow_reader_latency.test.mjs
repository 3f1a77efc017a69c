// A subscriber that never reads costs the others nothing: on one event-loop
// thread, the delivery latency of the subscribers that read is the same
// (within what a shared machine's noise allows) while a never-reading one
// piles up unsent bytes until --max-pending-bytes cuts it off, as without it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelName, publish, sleep } from './lib/http.mjs';
import { metric } from './lib/metrics.mjs';
import { startServer } from './lib/server.mjs';
import { openWs, rawConnect } from './lib/ws_raw.mjs';

const MESSAGE_BYTES = 60000;
const READERS = 3;
const BASELINE_MESSAGES = 40;
const MAX_MESSAGES = 400;  // 24 MB: far more than socket buffers and the limit can hide
const GAP_MS = 15;
const CUT_OFF = 'pushwire_slow_subscribers_disconnected_total';

function percentile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

test('a subscriber that never reads leaves the delivery latency of the others unchanged', { timeout: 120000 }, async (t) => {
  const server = await startServer(t, ['--threads', '1', '--max-pending-bytes', '1048576']);
  const channel = channelName('slow');
  const sentAt = [];
  const latencies = [];  // per message: every reader's latency in ms
  for (let r = 0; r < READERS; r++) {
    const reader = await openWs(server.base, '/ws');
    t.after(() => reader.terminate());
    await reader.subscribe(channel);
    reader.ws.on('message', (text) => {
      const op = JSON.parse(text);
      if (op.op !== 'message') return;
      const i = Number(op.data.slice(0, op.data.indexOf(' ')));
      (latencies[i] ??= []).push(performance.now() - sentAt[i]);
    });
  }
  const send = async (i) => {
    sentAt[i] = performance.now();
    await publish(server.base, channel, `${i} ${'x'.repeat(MESSAGE_BYTES)}`);
    await sleep(GAP_MS);
  };

  for (let i = 0; i < BASELINE_MESSAGES; i++) await send(i);

  const before = await metric(server.base, CUT_OFF);
  const never = await rawConnect(server.port, { path: `/ws/${channel}` });
  t.after(() => never.destroy());
  never.pause();
  let end = BASELINE_MESSAGES;
  while (end < MAX_MESSAGES && (await metric(server.base, CUT_OFF)) === before) await send(end++);
  assert.ok(end < MAX_MESSAGES, `the never-reading subscriber was not cut off after ${end} messages`);
  await sleep(500);

  const flat = (from, to) => latencies.slice(from, to).flat();
  const alone = flat(0, BASELINE_MESSAGES);
  const beside = flat(BASELINE_MESSAGES, end);
  assert.equal(alone.length, BASELINE_MESSAGES * READERS, 'every reader got every message before');
  assert.equal(beside.length, (end - BASELINE_MESSAGES) * READERS, 'every reader got every message beside it');
  const figures = (ms) => ({ p50: percentile(ms, 0.5), p99: percentile(ms, 0.99) });
  const a = figures(alone);
  const b = figures(beside);
  t.diagnostic(`readers alone: p50 ${a.p50.toFixed(1)} ms, p99 ${a.p99.toFixed(1)} ms; beside a never-reading ` +
    `subscriber (${end - BASELINE_MESSAGES} messages until its cut-off): p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms`);
  // Generous bounds for a loaded machine; a loop that waited on the slow socket would miss them by seconds.
  assert.ok(b.p50 <= 3 * a.p50 + 10, `p50 went from ${a.p50.toFixed(1)} to ${b.p50.toFixed(1)} ms`);
  assert.ok(b.p99 <= 3 * a.p99 + 50, `p99 went from ${a.p99.toFixed(1)} to ${b.p99.toFixed(1)} ms`);
});

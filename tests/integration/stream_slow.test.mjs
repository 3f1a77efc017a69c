// A subscriber that stops reading is cut off once its unsent bytes pass
// --max-pending-bytes, while the others on the same channel get everything.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelName, publish } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { FORMATS, connectReader, eventSource, metric, openStream, streamMessages, until, waitForOpen } from './lib/streams.mjs';

const LIMIT = 262144;
const MESSAGE_BYTES = 60000;
const MAX_MESSAGES = 400;  // 24 MB: far more than socket buffers can hide
const COUNTER = 'pushwire_slow_subscribers_disconnected_total';

function message(i) {
  const head = `message ${i} `;
  return head + 'x'.repeat(MESSAGE_BYTES - head.length);
}

test('a subscriber that stops reading is cut off at --max-pending-bytes; an active one keeps receiving', async (t) => {
  const server = await startServer(t, ['--max-pending-bytes', String(LIMIT)]);
  const channel = channelName('slow');
  const before = await metric(server.base, COUNTER);

  // One stalled subscriber of each technique: it reads the head, then nothing.
  const stalled = [];
  for (const format of FORMATS) {
    const reader = await openStream(server.port, format.path(channel));
    t.after(() => reader.destroy());
    reader.pause();
    stalled.push({ format, reader });
  }

  // Active subscribers: a raw NDJSON stream and an EventSource.
  const active = await connectReader(server.port);
  t.after(() => active.destroy());
  let activeLines = 0;
  const activePieces = [];
  active.onText((piece) => {
    activePieces.push(piece);
    for (let at = piece.indexOf('\n'); at >= 0; at = piece.indexOf('\n', at + 1)) activeLines++;
  });
  active.sendRequest(`/stream/${channel}`);
  await active.head();
  const es = eventSource(`${server.base}/sse/${channel}`);
  t.after(() => es.source.close());
  await waitForOpen(es.source);

  // Publish until all three stalled subscribers have been cut off, then some more.
  const published = [];
  let cutAt = null;
  for (let i = 0; i < MAX_MESSAGES; i++) {
    const data = message(i);
    const { id } = await publish(server.base, channel, data);
    published.push({ id, event: 'message', data });
    if (cutAt === null && i % 4 === 3 && (await metric(server.base, COUNTER)) - before >= FORMATS.length) cutAt = i;
    if (cutAt !== null && i >= cutAt + 10) break;
  }
  const cut = (await metric(server.base, COUNTER)) - before;
  t.diagnostic(`stalled subscribers cut off after ${cutAt === null ? 'never' : cutAt + 1} messages of ${MESSAGE_BYTES} bytes`);
  assert.notEqual(cutAt, null,
    `after ${published.length} messages of ${MESSAGE_BYTES} bytes, ${COUNTER} rose by only ${cut} (3 stalled subscribers); ` +
    `stderr:\n${server.stderr().slice(-2000)}`);
  assert.equal(cut, FORMATS.length, `exactly the ${FORMATS.length} stalled subscribers are cut off, not the active ones`);
  const cutLines = server.stderr().split('\n').filter((line) => line.includes('cut off'));
  assert.equal(cutLines.length, FORMATS.length, `one "cut off" log line each:\n${server.stderr().slice(-2000)}`);

  // The active subscribers get every message, once, in order.
  await active.waitFor(() => activeLines >= published.length, 10000, `${published.length} NDJSON lines`);
  await until(() => es.seen.messages.length >= published.length, 10000, `${published.length} SSE messages`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.ok(!active.ended, `the active NDJSON stream must stay open: ${active.describe()}`);
  assert.equal(es.source.readyState, 1, 'the EventSource stays open');
  assert.equal(es.seen.errors, 0, 'the EventSource was never dropped');
  assert.deepEqual(streamMessages('stream', activePieces.join('')).map((m) => m.id), published.map((m) => m.id));
  assert.ok(streamMessages('stream', activePieces.join('')).every((m, i) => m.data === published[i].data));
  assert.deepEqual(es.seen.messages.map((m) => m.id), published.map((m) => m.id));
  assert.ok(es.seen.messages.every((m, i) => m.data === published[i].data));

  // Each stalled connection was closed: reading on, it holds a prefix of the
  // messages (what the socket buffers held) and then ends.
  for (const { format, reader } of stalled) {
    reader.resume();
    assert.ok(await reader.waitForEnd(5000), `${format.name}: the stalled connection should be closed: ${reader.describe()}`);
    const received = streamMessages(format.name, reader.text);
    assert.ok(received.length < published.length,
      `${format.name}: a stalled subscriber should not have got everything (${received.length} of ${published.length})`);
    assert.deepEqual(received.map((m) => m.id), published.slice(0, received.length).map((m) => m.id),
      `${format.name}: what it did get is a prefix, in order`);
    assert.ok(!reader.terminated, `${format.name}: a cut-off stream does not end like a complete response`);
  }
  await server.stop();
});

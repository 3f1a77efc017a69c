// 2,000 stream subscribers at once (SSE, NDJSON and forever-iframe mixed, on
// raw sockets) all receive all of 100 messages, exactly once and in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelName, publish } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { FORMATS, connectReader, waitForMetric, streamMessages } from './lib/streams.mjs';

const SUBSCRIBERS = 2000;
const MESSAGES = 100;
const BATCH = 100;  // connections opened at a time

// Counts how often `terminator` occurs in a text that arrives in pieces.
function counter(terminator) {
  let carry = '';
  let count = 0;
  return {
    add(piece) {
      const text = carry + piece;
      for (let at = text.indexOf(terminator); at >= 0; at = text.indexOf(terminator, at + terminator.length)) count++;
      carry = text.slice(-(terminator.length - 1));
    },
    get count() { return count; },
  };
}

// What ends one message in each format, and how many of them the body holds
// before the first message (the SSE retry field ends with a blank line).
const TERMINATORS = { sse: ['\n\n', 1], stream: ['\n', 0], iframe: [');</script>\n', 0] };

test(`${SUBSCRIBERS} concurrent stream subscribers each get all ${MESSAGES} messages once, in order`, async (t) => {
  // No heartbeats during the test, so that every terminator is a message.
  const server = await startServer(t, ['--heartbeat', '600']);
  const channel = channelName('load');
  const subscribers = [];
  t.after(() => { for (const { reader } of subscribers) reader.destroy(); });

  let everyoneDone;
  const allDone = new Promise((resolve) => { everyoneDone = resolve; });
  let done = 0;

  async function subscribe(index) {
    const format = FORMATS[index % FORMATS.length];
    const reader = await connectReader(server.port, { timeoutMs: 10000 });
    const [terminator, before] = TERMINATORS[format.name];
    const count = counter(terminator);
    const pieces = [];
    const subscriber = { format, reader, pieces, finished: false };
    reader.onText((piece) => {
      pieces.push(piece);
      count.add(piece);
      if (!subscriber.finished && count.count >= before + MESSAGES) {
        subscriber.finished = true;
        if (++done === SUBSCRIBERS) everyoneDone();
      }
    });
    subscribers.push(subscriber);
    reader.sendRequest(format.path(channel));
    const head = await reader.head(10000);
    assert.equal(head.status, 200, `${format.name} subscriber ${index}: ${reader.describe()}`);
  }

  const started = performance.now();
  for (let start = 0; start < SUBSCRIBERS; start += BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(start + BATCH, SUBSCRIBERS); i++) batch.push(subscribe(i));
    await Promise.all(batch);
  }
  assert.equal(subscribers.length, SUBSCRIBERS);
  const open = await waitForMetric(server.base, 'pushwire_subscribers_open', (v) => v === SUBSCRIBERS, 5000);
  assert.ok(open.ok, `pushwire_subscribers_open should be ${SUBSCRIBERS}, is ${open.value}`);

  const connectedMs = performance.now() - started;
  const published = [];
  for (let i = 0; i < MESSAGES; i++) {
    const data = `message ${String(i).padStart(3, '0')} of the load test`;
    const { id } = await publish(server.base, channel, data);
    published.push({ id, event: 'message', data });
  }

  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(resolve, 30000); });
  await Promise.race([allDone, timeout]);
  clearTimeout(timer);
  t.diagnostic(`${SUBSCRIBERS} subscribed in ${connectedMs.toFixed(0)} ms; ` +
    `${MESSAGES} messages published and delivered in ${(performance.now() - started - connectedMs).toFixed(0)} ms`);
  const unfinished = subscribers.filter((s) => !s.finished);
  assert.equal(unfinished.length, 0,
    `${unfinished.length} of ${SUBSCRIBERS} subscribers did not get all ${MESSAGES} messages within 30 s; ` +
    `for example: ${unfinished[0]?.format.name} ${unfinished[0]?.reader.describe()}`);

  // Nothing more may follow (a repeat would come right after).
  await new Promise((resolve) => setTimeout(resolve, 300));
  let checked = 0;
  for (const { format, reader, pieces } of subscribers) {
    assert.equal(reader.framingError, null, `${format.name}: ${reader.framingError}`);
    assert.ok(!reader.ended, `${format.name} stream should still be open: ${reader.describe()}`);
    const received = streamMessages(format.name, pieces.join(''));
    assert.deepEqual(received, published, `${format.name} subscriber: every message once, in order`);
    checked++;
  }
  assert.equal(checked, SUBSCRIBERS);

  for (const { reader } of subscribers) reader.destroy();
  const closed = await waitForMetric(server.base, 'pushwire_subscribers_open', (v) => v === 0, 5000);
  assert.ok(closed.ok, `pushwire_subscribers_open should return to 0, is ${closed.value}`);
  await server.stop();
});

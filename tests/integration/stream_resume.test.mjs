// The resume promise on every streaming technique, under load: while several
// publishers publish at once, a subscriber that keeps dropping its
// connection and resuming from the last id it saw receives every message
// exactly once and in the server's order, with no gap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelName, poll, publish, sleep } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { FORMATS, openStream, streamMessages } from './lib/streams.mjs';

const PUBLISHERS = 4;
const PER_PUBLISHER = 60;
const TOTAL = PUBLISHERS * PER_PUBLISHER;

// Subscribes, reads a few messages, drops the connection, resumes from the
// last id; until it has TOTAL messages. Resolves to what it received.
async function resumingSubscriber(port, format, channel, firstSince, { header = false } = {}) {
  const received = [];
  let since = firstSince;
  let connections = 0;
  while (received.length < TOTAL) {
    const want = Math.min(TOTAL, received.length + 1 + Math.floor(Math.random() * 12));
    const path = header
      ? format.path(channel, 'since=0')   // what a reconnecting EventSource sends: the first URL ...
      : format.path(channel, `since=${since}`);
    const headers = header ? { 'Last-Event-ID': since } : {};  // ... and the id it saw last
    const reader = await openStream(port, path, { headers });
    connections++;
    try {
      const got = await reader.waitFor(() => {
        const messages = streamMessages(format.name, reader.text);
        return messages.length >= want - received.length ? messages : null;
      }, 10000, `messages up to ${want} of ${format.name}`).catch((error) => {
        throw new Error(`${format.name}: after ${received.length} messages: ${error.message}`);
      });
      received.push(...got);
      since = received.at(-1).id;
    } finally {
      reader.destroy();
    }
  }
  return { received, connections };
}

test('resuming streams get every message exactly once, in order, while publishers race', async (t) => {
  const server = await startServer(t, ['--history', '1000']);
  const channel = channelName('resume');
  const first = await publish(server.base, channel, 'start');

  const subscribers = [
    ...FORMATS.map((format) => ({ name: format.name, run: resumingSubscriber(server.port, format, channel, first.id) })),
    { name: 'sse with Last-Event-ID', run: resumingSubscriber(server.port, FORMATS[0], channel, first.id, { header: true }) },
  ];
  const publishers = Array.from({ length: PUBLISHERS }, async (_, p) => {
    for (let i = 0; i < PER_PUBLISHER; i++) {
      await publish(server.base, channel, `publisher ${p} message ${i}`);
      // Spread over about a second, so that resumes race with live messages.
      await sleep(Math.floor(Math.random() * 30));
    }
  });
  await Promise.all(publishers);

  // The server's order: what a poll from the start returns.
  const all = await poll(server.base, channel, first.id);
  assert.equal(all.gap, false);
  assert.equal(all.messages.length, TOTAL, 'every publish is kept');
  const expected = all.messages.map((m) => ({ id: m.id, event: m.event, data: m.data }));

  for (const { name, run } of subscribers) {
    const { received, connections } = await run;
    t.diagnostic(`${name}: ${connections} connections`);
    assert.ok(connections > 10, `${name} should have resumed many times (${connections})`);
    assert.ok(!received.some((m) => m.gap), `${name}: no gap when resuming from a kept id`);
    assert.equal(received.length, TOTAL, `${name}: ${received.length} messages`);
    assert.deepEqual(received.map((m) => m.id), expected.map((m) => m.id), `${name}: every message once, in order`);
    assert.deepEqual(received, expected, name);
  }
  await server.stop();
});

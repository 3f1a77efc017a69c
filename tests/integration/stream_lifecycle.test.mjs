// The life of a stream: a client that goes away is cleaned up at once, and
// SIGTERM ends every open stream cleanly before the server exits 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelName, publish } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { FORMATS, eventSource, metric, openStream, streamMessages, until, waitForMetric, waitForOpen } from './lib/streams.mjs';

test('a client that disconnects from a stream is cleaned up within a second', async (t) => {
  const server = await startServer(t);
  const channel = channelName('gone');
  assert.equal(await metric(server.base, 'pushwire_subscribers_open'), 0);

  const readers = [];
  for (const format of FORMATS) {
    for (const version of ['1.1', '1.0']) {
      const reader = await openStream(server.port, format.path(channel), { version });
      t.after(() => reader.destroy());
      readers.push(reader);
    }
  }
  const es = eventSource(`${server.base}/sse/${channel}`);
  t.after(() => es.source.close());
  await waitForOpen(es.source);
  const count = readers.length + 1;
  assert.equal(await metric(server.base, 'pushwire_subscribers_open'), count);

  // One round of messages, so each connection has seen traffic.
  const { id } = await publish(server.base, channel, 'before the disconnect');
  for (const [i, reader] of readers.entries()) {
    const format = FORMATS[Math.floor(i / 2)].name;
    await reader.waitFor(() => streamMessages(format, reader.text).length === 1, 2000, 'the message');
  }
  await until(() => es.seen.messages.length === 1, 2000, 'the EventSource message');
  assert.equal(es.seen.messages[0].id, id);

  // The EventSource closes: its subscription goes.
  es.source.close();
  const esGone = await waitForMetric(server.base, 'pushwire_subscribers_open', (v) => v === readers.length, 1000, 20);
  assert.ok(esGone.ok, `pushwire_subscribers_open should drop to ${readers.length} within 1 s of EventSource.close(), is ${esGone.value}`);
  // (Counted from here: the fetch behind EventSource may keep an idle connection of its own.)
  const connectionsBefore = await metric(server.base, 'pushwire_connections_open');

  // Half of the raw streams reset, half closed politely (FIN), mixing formats and versions.
  const isPolite = (i) => (i + Math.floor(i / 2)) % 2 === 0;
  const polite = readers.filter((_, i) => isPolite(i));
  readers.forEach((reader, i) => (isPolite(i) ? reader.socket.end() : reader.socket.resetAndDestroy()));
  const gone = await waitForMetric(server.base, 'pushwire_subscribers_open', (v) => v === 0, 1000, 20);
  assert.ok(gone.ok, `pushwire_subscribers_open should return to 0 within 1 s, is ${gone.value} after ${gone.elapsedMs.toFixed(0)} ms`);
  t.diagnostic(`subscribers cleaned up ${gone.elapsedMs.toFixed(0)} ms after the disconnect`);
  const connections = await waitForMetric(server.base, 'pushwire_connections_open',
    (v) => v <= connectionsBefore - readers.length, 1000, 20);
  assert.ok(connections.ok,
    `pushwire_connections_open should drop by ${readers.length} from ${connectionsBefore} within 1 s, is ${connections.value}`);
  for (const reader of polite) {
    assert.ok(await reader.waitForEnd(1000), `the server should close its side after the client's FIN: ${reader.describe()}`);
  }

  // Publishing to the channel still works, with no one left to deliver to.
  await publish(server.base, channel, 'after the disconnect');
  await server.stop();
});

test('SIGTERM ends every open stream cleanly and the server exits 0', async (t) => {
  const server = await startServer(t);
  const channel = channelName('term');
  const streams = [];
  for (const format of FORMATS) {
    for (const version of ['1.1', '1.0']) {
      const reader = await openStream(server.port, format.path(channel), { version });
      t.after(() => reader.destroy());
      streams.push({ format: format.name, version, reader });
    }
  }
  const { id } = await publish(server.base, channel, 'the last message');
  for (const { format, reader } of streams) {
    await reader.waitFor(() => streamMessages(format, reader.text).length === 1, 2000, 'the message');
  }

  await server.stop('SIGTERM');

  for (const { format, version, reader } of streams) {
    const what = `${format} over HTTP/${version}`;
    assert.ok(await reader.waitForEnd(2000), `${what}: the connection should be closed: ${reader.describe()}`);
    assert.equal(reader.error, null, `${what}: closed cleanly, not reset: ${reader.error?.message}`);
    assert.equal(reader.framingError, null, `${what}: ${reader.framingError}`);
    if (reader.response.headers['transfer-encoding']) {
      assert.ok(reader.terminated, `${what}: a chunked stream ends with the last chunk 0\\r\\n\\r\\n: ${reader.describe()}`);
    }
    assert.deepEqual(streamMessages(format, reader.text), [{ id, event: 'message', data: 'the last message' }], what);
  }
  // The chunked ones are exactly the HTTP/1.1 SSE and NDJSON streams.
  assert.deepEqual(streams.filter((s) => s.reader.terminated).map((s) => `${s.format}/${s.version}`), ['sse/1.1', 'stream/1.1']);
});

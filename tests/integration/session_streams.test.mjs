// Multi-channel streams: one response carries several channels as a
// session, in publish order, with one id that resumes all of them (the
// stream cursor); ops add and remove channels while it is open.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { channelName, publish, request, sleep } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { eventSource, metric, openStream, parseStream, sseEvents, tcpProxy, until, waitForOpen } from './lib/streams.mjs';

const ndjson = (reader) => parseStream(reader.text).filter(Boolean);
const names = (prefix, n) => Array.from({ length: n }, () => channelName(prefix));
const query = (channels, extra = {}) =>
  `?${new URLSearchParams([...channels.map((c) => ['channel', c]), ...Object.entries(extra)])}`;

// Publishes `count` messages spread over the channels, one at a time:
// [{channel, data, id}] in publish order.
async function publishAround(base, channels, count, tag) {
  const sent = [];
  for (let i = 0; i < count; i++) {
    const channel = channels[i % channels.length];
    const data = `${tag} ${i}`;
    const { id } = await publish(base, channel, data);
    sent.push({ channel, data, id });
  }
  return sent;
}

function sessionOf(reader) {
  const match = /"session":"([A-Za-z0-9_-]+)"/.exec(reader.text);
  return match?.[1];
}

function postOps(base, session, ops) {
  return request(base, `/session/${session}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ops),
  });
}

describe('multi-channel SSE with a native EventSource', () => {
  let server;
  before(async () => { server = await startServer(null); });
  after(() => server.stop());

  function open(t, url) {
    const es = eventSource(url, { events: ['_session', '_gap', '_ack'] });
    t.after(() => es.source.close());
    return es;
  }
  // On a multi-channel stream each message's data is its JSON envelope, which names its channel.
  const envelopes = (seen) => seen.messages.filter((m) => m.event === 'message').map((m) => {
    const envelope = JSON.parse(m.data);
    assert.equal(envelope.id, m.id);
    return { channel: envelope.channel, id: m.id, data: envelope.data };
  });

  test('one response carries every channel in publish order, each message with its own id', async (t) => {
    const channels = names('sse-multi', 3);
    const { source, seen } = open(t, `${server.base}/sse${query(channels)}`);
    await waitForOpen(source);
    await until(() => seen.named._session.length === 1, 3000, 'the session announcement');
    assert.match(JSON.parse(seen.named._session[0].data).session, /^[A-Za-z0-9_-]{24}$/);
    const sent = await publishAround(server.base, channels, 12, 'live');
    await until(() => envelopes(seen).length >= 12, 3000, '12 messages');
    await sleep(100);
    assert.deepEqual(envelopes(seen), sent);
  });

  test('after a cut it resumes every channel from Last-Event-ID, nothing lost or repeated', async (t) => {
    const channels = names('sse-cut', 3);
    const proxy = await tcpProxy(server.port);
    t.after(() => proxy.close());
    const { source, seen } = open(t, `http://127.0.0.1:${proxy.port}/sse${query(channels)}`);
    await waitForOpen(source);
    // Cut before any message: the id-only block already gave a cursor.
    await until(() => seen.named._session.length === 1, 3000, 'the session announcement');
    proxy.cut();
    const sent = await publishAround(server.base, channels, 6, 'while away');
    await until(() => seen.opens >= 2, 6000, 'EventSource to reconnect');
    sent.push(...await publishAround(server.base, channels, 6, 'live'));
    await until(() => envelopes(seen).length >= 12, 3000, 'the first 12 messages');
    proxy.cut();
    sent.push(...await publishAround(server.base, channels, 7, 'away again'));
    await until(() => seen.opens >= 3, 6000, 'EventSource to reconnect again');
    sent.push(...await publishAround(server.base, channels, 5, 'live again'));
    await until(() => envelopes(seen).length >= sent.length, 3000, `all ${sent.length} messages`);
    await sleep(150);

    assert.deepEqual(envelopes(seen), sent);
    assert.equal(seen.named._gap.length, 0, 'nothing was missed, so no gap');
    assert.equal(proxy.requests.length, 3);
    assert.doesNotMatch(proxy.requests[0], /last-event-id/i);
    assert.match(proxy.requests[2], new RegExp(`^last-event-id: ${sent[11].id}\\r$`, 'im'));
  });
});

describe('multi-channel streams resumed with ?since=', () => {
  let server;
  before(async () => { server = await startServer(null, ['--history', '3']); });
  after(() => server.stop());

  test('NDJSON merges every channel after the cursor in publish order; a trimmed channel gets its gap first', async () => {
    const [a, b] = names('nd', 2);
    const first = await publish(server.base, a, 'a0');
    const cursor = first.id;
    const sent = [];
    for (const [channel, data] of [[b, 'b1'], [a, 'a2'], [a, 'a3'], [b, 'b4'], [a, 'a5'], [a, 'a6']]) {
      sent.push({ channel, data, id: (await publish(server.base, channel, data)).id });
    }
    const reader = await openStream(server.port, `/stream${query([a, b])}&since=${cursor}`);
    try {
      await until(() => ndjson(reader).filter((l) => l.id).length >= 5, 3000, 'the replay');
      await sleep(100);
      const lines = ndjson(reader);
      assert.equal(lines[0].event, '_session');
      assert.deepEqual(lines[1], { channel: a, event: '_gap' }, 'a kept only 3 messages: a2 is gone');
      const kept = sent.filter((m) => m.data !== 'a2');
      assert.deepEqual(lines.slice(2, 7).map((l) => [l.channel, l.data, l.id]), kept.map((m) => [m.channel, m.data, m.id]));
      assert.deepEqual(lines.slice(7), [], 'the last message already names the place reached');
    } finally {
      reader.destroy();
    }
  });

  test('a cursor mark follows the replay when the stream has not written the newest place', async () => {
    const [a, other] = names('mark', 2);
    const a0 = await publish(server.base, a, 'a0');
    const newest = await publish(server.base, other, 'elsewhere');
    const reader = await openStream(server.port, `/sse${query([a])}&since=0`);
    try {
      const mark = `id: ${newest.id}\nevent: _cursor\ndata: {"id":"${newest.id}"}\n\n`;
      await until(() => reader.text.endsWith(mark), 3000, 'a cursor mark with the newest id');
      assert.deepEqual(sseEvents(reader.text).map((e) => [e.event, e.data]), [
        ['_session', `{"session":"${sessionOf(reader)}"}`], ['message', JSON.stringify({ channel: a, id: a0.id, event: 'message', data: 'a0', time: a0.time })], ['_cursor', `{"id":"${newest.id}"}`]]);
    } finally {
      reader.destroy();
    }
  });

  test('a cursor of another run is a gap for every channel, then everything kept', async () => {
    const [a, b] = names('foreign', 2);
    await publish(server.base, a, 'kept a');
    await publish(server.base, b, 'kept b');
    const reader = await openStream(server.port, `/stream${query([a, b])}&since=zzzzzzzz-5`);
    try {
      await until(() => ndjson(reader).length >= 5, 3000, 'gaps and messages');
      const lines = ndjson(reader);
      assert.deepEqual(lines.slice(1, 3).map((l) => l.event).sort(), ['_gap', '_gap']);
      assert.deepEqual(lines.slice(3, 5).map((l) => l.data), ['kept a', 'kept b']);
    } finally {
      reader.destroy();
    }
  });
});

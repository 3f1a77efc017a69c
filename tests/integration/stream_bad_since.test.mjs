// A malformed cursor on a stream or a WebSocket is refused with 400
// bad_since before anything starts, as on the poll-shaped endpoints, instead
// of being taken for an unknown id (a replay of everything kept under a gap)
// or for no cursor at all. What a real EventSource sends back as
// Last-Event-ID is always accepted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, channelName, publishMany, request } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { eventSource, tcpProxy, until, waitForOpen } from './lib/streams.mjs';
import { handshake, openWs, upgradeHeaders } from './lib/ws_raw.mjs';

const MALFORMED = ['', 'null', 'undefined', 'not an id', 'x'.repeat(65), 'a/b', '<script>'];

describe('bad_since on streams and WebSockets', () => {
  let server;
  before(async () => { server = await startServer(null); });
  after(() => server.stop());

  async function assertBadSince(path, headers = {}) {
    const res = await request(server.base, path, { headers });
    assertError(res, 400);
    assert.equal(res.json().error, 'bad_since', `${path} ${JSON.stringify(headers)}: ${res.body}`);
  }

  test('SSE, NDJSON and iframe streams refuse a malformed ?since= with 400 bad_since', async () => {
    const channel = channelName('since');
    for (const since of MALFORMED) {
      const q = `since=${encodeURIComponent(since)}`;
      await assertBadSince(`/sse/${channel}?${q}`);
      await assertBadSince(`/stream/${channel}?${q}`);
      await assertBadSince(`/iframe/${channel}?callback=cb&${q}`);
      await assertBadSince(`/sse?channel=${channel}&channel=other&${q}`);
      await assertBadSince(`/stream?channel=${channel}&${q}`);
    }
  });

  test('SSE refuses a malformed Last-Event-ID, and a valid one wins over a malformed ?since=', async () => {
    const channel = channelName('since');
    for (const id of MALFORMED.filter((s) => s !== '')) await assertBadSince(`/sse/${channel}`, { 'Last-Event-ID': id });
    const [id] = await publishMany(server.base, channel, ['kept']);
    const controller = new AbortController();
    const res = await fetch(`${server.base}/sse/${channel}?since=null`,
      { headers: { 'Last-Event-ID': id }, signal: controller.signal });
    assert.equal(res.status, 200, 'a reconnecting EventSource is never refused for its original URL');
    controller.abort();
  });

  test('a WebSocket handshake on /ws/{channel} with a malformed ?since= gets 400 bad_since, not an upgrade', async () => {
    for (const since of MALFORMED) {
      const res = await handshake(server.port,
        { path: `/ws/${channelName('since')}?since=${encodeURIComponent(since)}`, headers: upgradeHeaders() });
      assert.equal(res.status, 400, `since=${JSON.stringify(since)}: ${res.body}`);
      assert.equal(JSON.parse(res.body).error, 'bad_since');
    }
  });

  test('a subscribe op with a malformed since string gets an error op bad_since and no subscription', async (t) => {
    const socket = await openWs(server.base, '/ws');
    t.after(() => socket.terminate());
    const channel = channelName('since');
    await publishMany(server.base, channel, ['kept']);
    for (const since of MALFORMED) {
      const reply = await socket.call({ op: 'subscribe', channel, since });
      assert.equal(reply.op, 'error', `since ${JSON.stringify(since)}: ${JSON.stringify(reply)}`);
      assert.equal(reply.code, 'bad_since');
    }
    assert.equal((await socket.call({ op: 'ping' })).op, 'pong', 'the socket goes on');
    assert.equal(socket.unread, 0, `nothing was replayed: ${socket.describeQueue()}`);
  });

  test('every id an EventSource saw is accepted back as Last-Event-ID on its automatic reconnect', async (t) => {
    const channel = channelName('since');
    const proxy = await tcpProxy(server.port);
    t.after(() => proxy.close());
    const { source, seen } = eventSource(`http://127.0.0.1:${proxy.port}/sse/${channel}`, { events: ['_gap'] });
    t.after(() => source.close());
    await waitForOpen(source);
    const ids = await publishMany(server.base, channel, ['one', 'two']);
    await until(() => seen.messages.length >= 2, 3000, 'two messages');
    proxy.cut();
    ids.push(...await publishMany(server.base, channel, ['three']));
    await until(() => seen.opens >= 2 && seen.messages.length >= 3, 8000, 'the reconnect and the missed message');
    assert.match(proxy.requests[1], new RegExp(`^last-event-id: ${ids[1]}\\r$`, 'im'));
    assert.deepEqual(seen.messages.map((m) => [m.event, m.id]), ids.map((id) => ['message', id]));
    assert.equal(source.readyState, 1, 'open: the reconnect was not refused');
  });
});

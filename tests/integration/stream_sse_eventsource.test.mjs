// Server-Sent Events through a real EventSource client (the npm `eventsource`
// package): order, message text, named events, the gap signal, resuming with
// Last-Event-ID, and the client's own automatic reconnect.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { channelName, publish, publishMany, sleep } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { eventSource, tcpProxy, until, waitForOpen } from './lib/streams.mjs';

describe('SSE with EventSource', () => {
  let server;
  before(async () => { server = await startServer(null); });
  after(() => server.stop());

  function open(t, path, options) {
    const es = eventSource(`${server.base}${path}`, options);
    t.after(() => es.source.close());
    return es;
  }

  test('receives messages in order', async (t) => {
    const channel = channelName('sse');
    const { source, seen } = open(t, `/sse/${channel}`);
    await waitForOpen(source);
    const sent = Array.from({ length: 20 }, (_, i) => `message ${i}`);
    const ids = await publishMany(server.base, channel, sent);
    await until(() => seen.messages.length >= sent.length, 3000, '20 messages');
    await sleep(100);
    assert.deepEqual(seen.messages.map((m) => m.data), sent);
    assert.deepEqual(seen.messages.map((m) => m.id), ids, 'lastEventId of each message should be the published id');
  });

  test('multi-line and unicode messages arrive as published (CR and CRLF as LF)', async (t) => {
    const channel = channelName('sse');
    const { source, seen } = open(t, `/sse/${channel}`);
    await waitForOpen(source);
    const cases = [
      ['two\nlines', 'two\nlines'],
      ['crlf\r\nline', 'crlf\nline'],
      ['cr\rline', 'cr\nline'],
      ['mixed\r\na\rb\nc', 'mixed\na\nb\nc'],
      ['empty\n\nline between', 'empty\n\nline between'],
      ['trailing newline\n', 'trailing newline\n'],
      ['\nleading newline', '\nleading newline'],
      ['\r\n', '\n'],
      ['data: looks like a field\nid: 42\nevent: nope\n: comment', 'data: looks like a field\nid: 42\nevent: nope\n: comment'],
      ['  leading spaces', '  leading spaces'],
      ['café €10 😀 日本語', 'café €10 😀 日本語'],
      ['é\r\n€\r😀', 'é\n€\n😀'],
    ];
    for (const [text] of cases) await publish(server.base, channel, text);
    await until(() => seen.messages.length >= cases.length, 3000, `${cases.length} messages`);
    await sleep(100);
    assert.deepEqual(seen.messages.map((m) => m.data), cases.map(([, expected]) => expected));
  });

  test('named events arrive via addEventListener(name), not onmessage', async (t) => {
    const channel = channelName('sse');
    const { source, seen } = open(t, `/sse/${channel}`, { events: ['update', 'user.joined'] });
    const onmessage = [];
    source.onmessage = (event) => onmessage.push(event.data);
    await waitForOpen(source);
    const a = await publish(server.base, channel, 'plain');
    const b = await publish(server.base, channel, 'an update', { event: 'update' });
    const c = await publish(server.base, channel, 'alice', { event: 'user.joined' });
    const d = await publish(server.base, channel, 'explicit message event', { event: 'message' });
    await until(() => seen.messages.length >= 4, 3000, '4 events');
    await sleep(100);
    assert.deepEqual(seen.named.update, [{ id: b.id, data: 'an update', event: 'update' }]);
    assert.deepEqual(seen.named['user.joined'], [{ id: c.id, data: 'alice', event: 'user.joined' }]);
    assert.deepEqual(onmessage, ['plain', 'explicit message event'],
      'onmessage gets only events named message (or without a name)');
    assert.deepEqual(seen.messages.map((m) => m.id), [a.id, b.id, c.id, d.id], 'all four, in order');
  });

  test('resuming from an unknown id gets a _gap event first, then what is kept', async (t) => {
    const channel = channelName('sse');
    const ids = await publishMany(server.base, channel, ['kept 1', 'kept 2']);
    const { source, seen } = open(t, `/sse/${channel}?since=unknown-id-from-an-earlier-run`, { events: ['_gap'] });
    await until(() => seen.messages.length >= 3, 3000, 'the gap and 2 messages');
    await sleep(100);
    assert.equal(seen.messages.length, 3, JSON.stringify(seen.messages));
    assert.equal(seen.messages[0].event, '_gap', `the gap comes first: ${JSON.stringify(seen.messages)}`);
    assert.deepEqual(JSON.parse(seen.messages[0].data), { channel });
    assert.deepEqual(seen.messages.slice(1).map((m) => [m.id, m.data]), [[ids[0], 'kept 1'], [ids[1], 'kept 2']]);
    source.close();
  });

  test('since=0 replays what is kept without a gap', async (t) => {
    const channel = channelName('sse');
    const ids = await publishMany(server.base, channel, ['old 1', 'old 2', 'old 3']);
    const { seen } = open(t, `/sse/${channel}?since=0`, { events: ['_gap'] });
    await until(() => seen.messages.length >= 3, 3000, '3 messages');
    await sleep(150);
    assert.deepEqual(seen.messages.map((m) => [m.event, m.id, m.data]),
      [['message', ids[0], 'old 1'], ['message', ids[1], 'old 2'], ['message', ids[2], 'old 3']]);
  });

  test('reconnecting with Last-Event-ID gets exactly the missed messages, once each, in order', async (t) => {
    const channel = channelName('sse');
    const first = open(t, `/sse/${channel}`, { events: ['_gap'] });
    await waitForOpen(first.source);
    const before = await publishMany(server.base, channel, ['a', 'b', 'c']);
    await until(() => first.seen.messages.length >= 3, 3000, '3 messages');
    const lastId = first.seen.messages.at(-1).id;
    assert.equal(lastId, before[2]);
    first.source.close();

    const missed = await publishMany(server.base, channel, ['d', 'e', 'f', 'multi\nline g']);
    // The URL a reconnecting browser sends is the original one; here it even
    // says since=0, and the header must win.
    const second = open(t, `/sse/${channel}?since=0`, { headers: { 'Last-Event-ID': lastId }, events: ['_gap'] });
    await waitForOpen(second.source);
    await until(() => second.seen.messages.length >= 4, 3000, 'the 4 missed messages');
    const live = await publish(server.base, channel, 'h');
    await until(() => second.seen.messages.length >= 5, 3000, 'the live message');
    await sleep(150);
    assert.deepEqual(second.seen.messages.map((m) => [m.id, m.data]),
      [[missed[0], 'd'], [missed[1], 'e'], [missed[2], 'f'], [missed[3], 'multi\nline g'], [live.id, 'h']]);
  });

  test('the automatic reconnect after the connection drops resumes without loss or repeat', async (t) => {
    const channel = channelName('sse');
    const proxy = await tcpProxy(server.port);
    t.after(() => proxy.close());
    const es = eventSource(`http://127.0.0.1:${proxy.port}/sse/${channel}`, { events: ['_gap'] });
    t.after(() => es.source.close());
    const { source, seen } = es;
    await waitForOpen(source);
    const ids = await publishMany(server.base, channel, ['1', '2', '3']);
    await until(() => seen.messages.length >= 3, 3000, 'the first 3 messages');

    proxy.cut();
    // Published while the client is disconnected (it waits retry: 2000 ms).
    ids.push(...await publishMany(server.base, channel, ['4', '5', '6']));
    await until(() => seen.opens >= 2, 6000, 'EventSource to reconnect');
    ids.push(...await publishMany(server.base, channel, ['7', '8']));
    await until(() => seen.messages.length >= 8, 3000, 'all 8 messages');
    await sleep(150);

    assert.deepEqual(seen.messages.map((m) => m.data), ['1', '2', '3', '4', '5', '6', '7', '8'],
      'every message exactly once, in order, and no gap');
    assert.deepEqual(seen.messages.map((m) => m.id), ids);
    assert.ok(seen.errors >= 1, 'EventSource should have noticed the drop');
    assert.equal(proxy.requests.length, 2, 'one request, then one reconnect');
    assert.match(proxy.requests[1], new RegExp(`^last-event-id: ${ids[2]}\\r$`, 'im'),
      `the reconnect should carry Last-Event-ID ${ids[2]}:\n${proxy.requests[1]}`);
  });
});

// GET /poll/{channel}: since, last_id, gap, history bounds, and resuming.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertEnvelope, assertId, channelName, datas, ids, poll, publish, publishMany, request, sleep,
} from './lib/http.mjs';
import { startServer } from './lib/server.mjs';

describe('Ajax polling', () => {
  let server;
  before(async () => { server = await startServer(null); });
  after(() => server.stop());

  test('answers at once with JSON, even on a channel never published to', async () => {
    const channel = channelName();
    const res = await request(server.base, `/poll/${channel}`);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /application\/json/);
    // last_id names where the empty channel stands: a cursor to send back.
    const { last_id: position } = res.json();
    assertId(position);
    assert.deepEqual(res.json(), { messages: [], last_id: position, gap: false });
    assert.ok(res.elapsedMs < 1000, `took ${res.elapsedMs} ms`);
    assert.deepEqual(await poll(server.base, channel, '0'), { messages: [], last_id: position, gap: false });
    assert.deepEqual(await poll(server.base, channel, position), { messages: [], last_id: position, gap: false });
  });

  test('without since: no old messages, last_id is the newest', async () => {
    const channel = channelName();
    const published = await publishMany(server.base, channel, ['a', 'b']);
    assert.deepEqual(await poll(server.base, channel), { messages: [], last_id: published[1], gap: false });
  });

  test('since=0: every kept message in order, last_id the last returned', async () => {
    const channel = channelName();
    const published = await publishMany(server.base, channel, ['a', 'b', 'c']);
    const body = await poll(server.base, channel, '0');
    assert.deepEqual(datas(body), ['a', 'b', 'c']);
    assert.deepEqual(ids(body), published);
    assert.equal(body.last_id, published[2]);
    assert.equal(body.gap, false);
  });

  test('since=ID: the messages after ID', async () => {
    const channel = channelName();
    const published = await publishMany(server.base, channel, ['a', 'b', 'c', 'd']);
    const body = await poll(server.base, channel, published[1]);
    assert.deepEqual(datas(body), ['c', 'd']);
    assert.equal(body.last_id, published[3]);
    assert.equal(body.gap, false);
  });

  test('since=the newest ID: nothing, last_id stays the newest', async () => {
    const channel = channelName();
    const published = await publishMany(server.base, channel, ['a', 'b']);
    assert.deepEqual(await poll(server.base, channel, published[1]),
      { messages: [], last_id: published[1], gap: false });
  });

  test('an unknown since: every kept message and gap:true', async () => {
    const channel = channelName();
    await publishMany(server.base, channel, ['a', 'b']);
    const body = await poll(server.base, channel, 'no-such-id.42');
    assert.deepEqual(datas(body), ['a', 'b']);
    assert.equal(body.gap, true);
    assert.equal(body.last_id, body.messages[1].id);
  });

  test('channels are separate', async () => {
    const [a, b] = [channelName(), channelName()];
    await publish(server.base, a, 'for a');
    await publish(server.base, b, 'for b');
    const body = await poll(server.base, a, '0');
    assert.deepEqual(datas(body), ['for a']);
    assertEnvelope(body.messages[0], { channel: a, data: 'for a' });
  });

  test('resuming page by page gets every message once and in order', async () => {
    const channel = channelName();
    const expected = [];
    let cursor = '0';
    const seen = [];
    for (let page = 0; page < 5; page++) {
      const batch = Array.from({ length: 10 }, (_, i) => `m${page * 10 + i}`);
      await publishMany(server.base, channel, batch);
      expected.push(...batch);
      const body = await poll(server.base, channel, cursor);
      assert.equal(body.gap, false);
      assert.deepEqual(datas(body), batch, `page ${page}`);
      seen.push(...datas(body));
      cursor = body.last_id;
    }
    assert.deepEqual(seen, expected);
    assert.deepEqual(await poll(server.base, channel, cursor), { messages: [], last_id: cursor, gap: false });
  });

  test('resuming while messages are published gets each once and in order', async () => {
    const channel = channelName();
    const expected = Array.from({ length: 50 }, (_, i) => `n${i}`);
    const publishing = publishMany(server.base, channel, expected);
    const seen = [];
    let cursor = '0';
    const deadline = Date.now() + 10000;
    while (seen.length < expected.length && Date.now() < deadline) {
      const body = await poll(server.base, channel, cursor);
      assert.equal(body.gap, false);
      seen.push(...datas(body));
      cursor = body.last_id ?? '0';
      await sleep(2);
    }
    await publishing;
    assert.deepEqual(seen, expected);
  });
});

describe('Ajax polling with --history 3', () => {
  let server;
  before(async () => { server = await startServer(null, ['--history', '3']); });
  after(() => server.stop());

  test('keeps only the newest 3; since=0 is never a gap', async () => {
    const channel = channelName();
    const published = await publishMany(server.base, channel, ['a', 'b', 'c', 'd', 'e']);
    const body = await poll(server.base, channel, '0');
    assert.deepEqual(datas(body), ['c', 'd', 'e']);
    assert.deepEqual(ids(body), published.slice(2));
    assert.equal(body.last_id, published[4]);
    assert.equal(body.gap, false);
  });

  test('since an id whose successors are gone: the kept messages and gap:true', async () => {
    const channel = channelName();
    const published = await publishMany(server.base, channel, ['a', 'b', 'c', 'd', 'e']);
    const body = await poll(server.base, channel, published[0]);
    assert.deepEqual(datas(body), ['c', 'd', 'e']);
    assert.equal(body.gap, true);
    assert.equal(body.last_id, published[4]);
  });

  test('since a kept id: no gap', async () => {
    const channel = channelName();
    const published = await publishMany(server.base, channel, ['a', 'b', 'c', 'd', 'e']);
    const body = await poll(server.base, channel, published[2]);
    assert.deepEqual(datas(body), ['d', 'e']);
    assert.equal(body.gap, false);
  });
});

describe('Ajax polling with --history-ttl 1', () => {
  let server;
  before(async () => { server = await startServer(null, ['--history-ttl', '1']); });
  after(() => server.stop());

  test('a message is kept for a second, then no longer', async () => {
    const channel = channelName();
    await publish(server.base, channel, 'old');
    assert.deepEqual(datas(await poll(server.base, channel, '0')), ['old']);
    await sleep(1600);
    assert.deepEqual(datas(await poll(server.base, channel, '0')), []);
    await publish(server.base, channel, 'new');
    const body = await poll(server.base, channel, '0');
    assert.deepEqual(datas(body), ['new']);
    assert.equal(body.gap, false);
  });
});

describe('a since from an earlier run of the server', () => {
  test('is unknown: every kept message and gap:true', async (t) => {
    const channel = channelName();
    const first = await startServer(t);
    const oldIds = await publishMany(first.base, channel, ['old1', 'old2', 'old3']);
    await first.stop();

    const second = await startServer(t);
    const newIds = await publishMany(second.base, channel, ['new1', 'new2', 'new3', 'new4', 'new5']);
    for (const since of oldIds) {
      const body = await poll(second.base, channel, since);
      assert.deepEqual(datas(body), ['new1', 'new2', 'new3', 'new4', 'new5'], `since=${since}`);
      assert.equal(body.gap, true, `since=${since}`);
      assert.equal(body.last_id, newIds[4]);
    }
    const fromStart = await poll(second.base, channel, '0');
    assert.equal(fromStart.gap, false);
    assert.equal(fromStart.messages.length, 5);
    await second.stop();
  });
});

// GET /lp/{channel}: answers at once or when a message comes, times out,
// and survives clients that leave.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertId, channelName, datas, healthz, longpoll, poll, publish, publishMany, sleep } from './lib/http.mjs';
import { connect } from './lib/raw_http.mjs';
import { startServer } from './lib/server.mjs';

describe('long-polling', () => {
  let server;
  before(async () => { server = await startServer(null); });
  after(() => server.stop());

  test('answers at once when a message after since exists', async () => {
    const channel = channelName();
    const published = await publishMany(server.base, channel, ['a', 'b']);
    const { body, elapsedMs } = await longpoll(server.base, channel, { since: '0' });
    assert.deepEqual(datas(body), ['a', 'b']);
    assert.equal(body.last_id, published[1]);
    assert.equal(body.gap, false);
    assert.ok(elapsedMs < 1000, `took ${elapsedMs} ms`);

    const later = await longpoll(server.base, channel, { since: published[0] });
    assert.deepEqual(datas(later.body), ['b']);
    assert.ok(later.elapsedMs < 1000, `took ${later.elapsedMs} ms`);
  });

  test('without since, waits for the next message and answers the moment it is published', async () => {
    const channel = channelName();
    await publish(server.base, channel, 'old');
    let answered = false;
    const waiting = longpoll(server.base, channel).then((result) => {
      answered = true;
      return result;
    });
    await sleep(300);
    assert.equal(answered, false, 'a long-poll with nothing new must wait');
    const { id } = await publish(server.base, channel, 'new');
    const publishedAt = performance.now();
    const { body, elapsedMs } = await waiting;
    const lagMs = performance.now() - publishedAt;
    assert.deepEqual(datas(body), ['new']);
    assert.equal(body.last_id, id);
    assert.ok(elapsedMs >= 250, `answered after ${elapsedMs} ms, before the publish`);
    assert.ok(lagMs < 500, `answered ${lagMs} ms after the publish`);
  });

  test('since the newest id, waits for the one after it', async () => {
    const channel = channelName();
    const [last] = await publishMany(server.base, channel, ['a']);
    const waiting = longpoll(server.base, channel, { since: last, timeout: 10 });
    await sleep(200);
    await publish(server.base, channel, 'b');
    const { body, elapsedMs } = await waiting;
    assert.deepEqual(datas(body), ['b']);
    assert.ok(elapsedMs < 2000, `took ${elapsedMs} ms`);
  });

  test('timeout=1: the same body with no messages after about a second', async () => {
    const channel = channelName();
    const { body, elapsedMs } = await longpoll(server.base, channel, { timeout: 1 });
    assertId(body.last_id);
    assert.deepEqual(body, { messages: [], last_id: body.last_id, gap: false });
    assert.ok(elapsedMs >= 900 && elapsedMs < 2500, `took ${elapsedMs} ms`);
  });

  test('timeout=1 on a channel with messages: last_id is the newest', async () => {
    const channel = channelName();
    const published = await publishMany(server.base, channel, ['a', 'b']);
    const { body, elapsedMs } = await longpoll(server.base, channel, { since: published[1], timeout: 1 });
    assert.deepEqual(body, { messages: [], last_id: published[1], gap: false });
    assert.ok(elapsedMs >= 900 && elapsedMs < 2500, `took ${elapsedMs} ms`);
  });

  test('a timeout over 120 is accepted', async () => {
    const channel = channelName();
    const waiting = longpoll(server.base, channel, { timeout: 500 });
    await sleep(200);
    await publish(server.base, channel, 'x');
    const { body } = await waiting;
    assert.deepEqual(datas(body), ['x']);
  });

  test('an unknown since: the kept messages at once, with gap:true', async () => {
    const channel = channelName();
    await publishMany(server.base, channel, ['a']);
    const { body, elapsedMs } = await longpoll(server.base, channel, { since: 'no-such-id.7' });
    assert.deepEqual(datas(body), ['a']);
    assert.equal(body.gap, true);
    assert.ok(elapsedMs < 1000, `took ${elapsedMs} ms`);
  });

  test('every waiting client gets the message', async () => {
    const channel = channelName();
    const waiting = Array.from({ length: 10 }, () => longpoll(server.base, channel, { timeout: 10 }));
    await sleep(300);
    await publish(server.base, channel, 'all');
    for (const { body } of await Promise.all(waiting)) assert.deepEqual(datas(body), ['all']);
  });

  test('clients that leave while waiting do not disturb the server', async () => {
    const channel = channelName();
    const leaving = [];
    for (let i = 0; i < 20; i++) {
      const connection = await connect(server.port);
      connection.write(`GET /lp/${channel}?timeout=30 HTTP/1.1\r\nHost: test\r\n\r\n`);
      leaving.push(connection);
    }
    await sleep(300);
    for (const connection of leaving) connection.destroy();
    await sleep(100);

    const { id } = await publish(server.base, channel, 'after');
    const body = await poll(server.base, channel, '0');
    assert.deepEqual(datas(body), ['after']);
    assert.equal(body.last_id, id);
    const again = await longpoll(server.base, channel, { since: '0' });
    assert.deepEqual(datas(again.body), ['after']);
    await healthz(server.base);
  });

  test('resuming with last_id while messages are published gets each once and in order', async () => {
    const channel = channelName();
    const expected = Array.from({ length: 50 }, (_, i) => `m${i}`);
    const seen = [];
    let cursor = '0';
    const receiving = (async () => {
      const deadline = Date.now() + 10000;
      while (seen.length < expected.length && Date.now() < deadline) {
        const { body } = await longpoll(server.base, channel, { since: cursor, timeout: 5 });
        assert.equal(body.gap, false);
        seen.push(...datas(body));
        cursor = body.last_id ?? '0';
      }
    })();
    await sleep(100);
    await publishMany(server.base, channel, expected);
    await receiving;
    assert.deepEqual(seen, expected);
  });
});

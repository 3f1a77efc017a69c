// A long-poll client that follows last_id literally must not spin: every
// poll-shaped answer carries a cursor that, sent back, waits for the next
// message; a cursor that is no cursor at all gets a clear 400.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, assertId, channelName, longpoll, poll, publish, request, sleep } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';

describe('long-poll cursors', () => {
  let server;
  before(async () => { server = await startServer(null); });
  after(() => server.stop());

  test('on a fresh server, an empty channel gives a cursor that waits, then delivers', async () => {
    const channel = channelName('empty');
    const first = await poll(server.base, channel);
    assertId(first.last_id);
    const waiting = longpoll(server.base, channel, { since: first.last_id, timeout: 5 });
    await sleep(300);
    await publish(server.base, channel, 'first');
    const { body, elapsedMs } = await waiting;
    assert.deepEqual(body.messages.map((m) => m.data), ['first']);
    assert.equal(body.gap, false);
    assert.ok(elapsedMs >= 250, `answered after ${elapsedMs} ms, not at once`);
  });

  test('a naive client of an empty channel waits each time, while other channels are busy', async () => {
    const channel = channelName('quiet');
    let cursor = (await poll(server.base, channel)).last_id;
    for (let round = 0; round < 3; ++round) {
      await publish(server.base, channelName('busy'), 'elsewhere');
      const { body, elapsedMs } = await longpoll(server.base, channel, { since: cursor, timeout: 1 });
      assert.deepEqual(body, { messages: [], last_id: body.last_id, gap: false });
      assert.ok(elapsedMs >= 900, `round ${round} answered after ${elapsedMs} ms: a spin`);
      assertId(body.last_id);
      cursor = body.last_id;
    }
  });

  test('since= (empty), since=null, since=undefined and malformed cursors get 400 bad_since', async () => {
    for (const since of ['', 'null', 'undefined', 'not an id', 'x'.repeat(65), 'a/b']) {
      for (const path of ['poll', 'lp', 'jsonp']) {
        const callback = path === 'jsonp' ? '&callback=cb' : '';
        const res = await request(server.base, `/${path}/${channelName()}?since=${encodeURIComponent(since)}${callback}`);
        assertError(res, 400);
        assert.equal(res.json().error, 'bad_since', `${path} since=${JSON.stringify(since)}`);
      }
    }
  });

  test('an id of another run is still a gap, not a 400', async () => {
    const res = await request(server.base, `/poll/${channelName()}?since=otherrun-5`);
    assert.equal(res.status, 200);
    assert.equal(res.json().gap, true);
  });
});

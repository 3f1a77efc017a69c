// A session op whose connection breaks after the server took it, before the answer: Chromium
// sends the request again on a new connection when the one it reused breaks before any byte of
// the answer (POSTs too), so the session gets the subscribe twice and answers the second
// `already_subscribed`. The channel must stay subscribed: every message of every channel
// arrives once, and the client reports no error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tally } from '../integration/lib/fault.mjs';
import {
  browserSuite, clientEvents, freshChannel, newPage, publish, received, subscribeInPage, waitForMessages,
} from './harness.mjs';
import { startRelay } from './relay_proxy.mjs';

// Forwards to the server; the first session op that comes on a connection which already
// carried a request reaches the server, and then its connection is broken instead of answered.
async function startOpBreaker(targetPort) {
  const state = { broken: [], requests: [] };
  const relay = await startRelay(targetPort, {
    fromClient(piece, conn) {
      const line = /^(GET|POST) (\S+)/.exec(piece.toString('latin1', 0, 64));
      if (line) {
        const request = `${line[1]} ${line[2].split('?')[0]}`;
        state.requests.push(request);
        if (conn.requests++ > 0 && /^\/session\//.test(line[2]) && !state.broken.length) {
          conn.breakOnAnswer = true;
          state.broken.push(request);
        }
      }
      conn.toServer(piece);
    },
    fromServer: (piece, conn) => (conn.breakOnAnswer ? conn.destroy() : conn.toClient(piece)),
  });
  return Object.assign(state, relay);
}

const suite = browserSuite();

// The transports whose channels join a session by an op: the streams (POST /session/{id}), the
// poll sessions (POST; JSONP: GET /session/{id}/op, a script).
for (const transport of ['sse', 'stream', 'iframe', 'longpoll', 'poll', 'jsonp']) {
  test(`${transport}: a subscribe op sent twice (its first answer lost) keeps the channel`, { timeout: 30000 }, async () => {
    const { server, origin, browser } = suite;
    const breaker = await startOpBreaker(Number(new URL(server.url).port));
    const page = await newPage(browser);
    try {
      await page.goto(origin.page(server.url));
      const channels = ['a', 'b', 'c'].map((n) => freshChannel(`resend-${n}`));
      let timer;
      await Promise.race([
        subscribeInPage(page, { server: breaker.base, channel: channels, transports: [transport],
          options: { pollInterval: 50, longPollTimeout: 2 } }),
        new Promise((resolve, reject) => {
          timer = setTimeout(() => reject(new Error('not every subscription became ready within 10 s')), 10000);
        }),
      ]).finally(() => clearTimeout(timer));
      assert.equal(breaker.broken.length, 1, `a session op was broken (requests: ${breaker.requests.join(', ')})`);
      const published = [];
      for (let i = 0; i < 9; i++) {
        const data = `m${i}`;
        await publish(server.url, channels[i % 3], data);
        published.push(data);
      }
      await waitForMessages(page, published.length, 10000).catch(() => {});
      const events = await clientEvents(page);
      assert.deepEqual(events.filter((e) => e.name === 'error').map((e) => e.value), [], 'no channel refused');
      const channelOf = (d) => channels[Number(d.slice(1)) % 3];
      assert.deepEqual(tally(published, (await received(page)).map((m) => m.data), channelOf),
        { checked: published.length, lost: 0, repeated: 0, reordered: 0 });
    } finally {
      await page.close();
      await breaker.close();
    }
  });
}

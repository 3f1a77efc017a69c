// Resumption: the page talks to the server through a TCP proxy. The test cuts every connection
// and refuses new ones, publishes while the page is cut off, then lets it reconnect. Every
// message must arrive exactly once and in order, on every transport.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  browserSuite, clientEvents, freshChannel, onOriginPage, publish, received, sleep, subscribeInPage, TRANSPORTS,
  waitForMessages, withProxy,
} from './harness.mjs';

const suite = browserSuite();

const options = { pollInterval: 300, backoff: { initial: 200, max: 1000 } };

describe('a dropped connection resumes without loss or repeat', () => {
  for (const transport of TRANSPORTS) {
    test(transport, { timeout: 40000 }, () => withProxy(suite.server.url, (proxy) => onOriginPage(suite, async (page, { server }) => {
      const channel = freshChannel(`resume-${transport}`);
      await subscribeInPage(page, { server: proxy.url, channel, transports: [transport], options });
      const ids = [];
      const send = async (label, n) => {
        for (let i = 0; i < n; i++) ids.push(await publish(server.url, channel, `${label}${i}`));
      };

      await send('before', 3);
      await waitForMessages(page, 3);
      proxy.cut();
      await send('during', 4);
      await sleep(1500); // the client fails to reconnect a few times
      proxy.restore();
      await send('after', 3);
      await waitForMessages(page, 10, 20000);
      await sleep(500);

      const got = await received(page);
      assert.deepEqual(got.map((m) => m.data), [
        'before0', 'before1', 'before2', 'during0', 'during1', 'during2', 'during3', 'after0', 'after1', 'after2',
      ]);
      assert.deepEqual(got.map((m) => m.id), ids);
      const events = await clientEvents(page);
      assert.ok(events.some((e) => e.name === 'disconnected'), 'the client noticed the cut');
      assert.equal(events.filter((e) => e.name === 'gap').length, 0);
      assert.deepEqual(events.filter((e) => e.name === 'transport').map((e) => e.value), [transport]);
    })));
  }

  test('a channel subscribed for new messages only resumes before its first message', { timeout: 30000 },
    () => withProxy(suite.server.url, (proxy) => onOriginPage(suite, async (page, { server }) => {
      const channel = freshChannel('resume-fresh');
      await publish(server.url, channel, 'old, not for this subscriber');
      await subscribeInPage(page, { server: proxy.url, channel, transports: ['sse'], options });
      proxy.cut();
      const id = await publish(server.url, channel, 'published while cut');
      await sleep(800);
      proxy.restore();
      await waitForMessages(page, 1);
      await sleep(300);
      assert.deepEqual((await received(page)).map((m) => m.id), [id]);
    })));
});

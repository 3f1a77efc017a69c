// Resumption: the page talks to the server through a TCP proxy. The test cuts every connection
// and refuses new ones, publishes while the page is cut off, then lets it reconnect. Every
// message must arrive exactly once and in order, on every transport.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  browserSuite, checkResumeAfterCut, freshChannel, onOriginPage, publish, received, sleep, subscribeInPage,
  TRANSPORTS, waitForMessages, withProxy,
} from './harness.mjs';

const suite = browserSuite();

const options = { pollInterval: 300, backoff: { initial: 200, max: 1000 } };

describe('a dropped connection resumes without loss or repeat', () => {
  for (const transport of TRANSPORTS) {
    test(transport, { timeout: 40000 }, () => withProxy(suite.server.url, (proxy) => onOriginPage(suite,
      (page, { server }) => checkResumeAfterCut(page, { serverUrl: server.url, proxy, transport }))));
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

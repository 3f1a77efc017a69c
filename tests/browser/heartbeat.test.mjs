// A quiet connection stays up: the server's heartbeats (and, on the WebSocket, the client's
// pings) keep the client's idle watchdog from taking it for dead. And a connection that goes
// silent without closing (a dead network path) is noticed, dropped and resumed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  browserSuite, clientEvents, freshChannel, onOriginPage, publish, received, sleep, subscribeInPage, waitForMessages,
  withProxy,
} from './harness.mjs';

const suite = browserSuite({ serverArgs: ['--heartbeat', '0.5'] });

describe('heartbeats keep a quiet connection alive', () => {
  for (const transport of ['websocket', 'sse', 'stream', 'iframe']) {
    test(transport, { timeout: 30000 }, () => onOriginPage(suite, async (page, { server }) => {
      const channel = freshChannel(`quiet-${transport}`);
      await subscribeInPage(page, { server: server.url, channel, transports: [transport], options: { idleTimeout: 2500 } });
      await sleep(6000);
      const id = await publish(server.url, channel, 'still here');
      await waitForMessages(page, 1);
      assert.equal((await received(page))[0].id, id);
      const events = await clientEvents(page);
      assert.deepEqual(events.filter((e) => e.name === 'disconnected'), []);
    }));
  }
});

describe('a connection gone silent is dropped and resumed', () => {
  for (const transport of ['websocket', 'sse', 'stream', 'iframe']) {
    test(transport, { timeout: 30000 }, () => withProxy(suite.server.url, (proxy) => onOriginPage(suite, async (page, { server }) => {
      const channel = freshChannel(`frozen-${transport}`);
      await subscribeInPage(page, { server: proxy.url, channel, transports: [transport], options: { idleTimeout: 2500 } });
      const ids = [await publish(server.url, channel, 'before')];
      await waitForMessages(page, 1);
      proxy.freeze();
      ids.push(await publish(server.url, channel, 'while frozen'));
      await waitForMessages(page, 2, 15000);
      assert.deepEqual((await received(page)).map((m) => m.id), ids);
      const events = await clientEvents(page);
      assert.match(events.find((e) => e.name === 'disconnected')?.value.reason ?? '', /silent/);
    })));
  }
});

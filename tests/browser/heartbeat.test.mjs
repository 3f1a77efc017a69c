// A quiet connection stays up: the server's heartbeats (and, on the WebSocket, the client's
// pings) keep the client's idle watchdog from taking it for dead. And a connection that goes
// silent without closing (a dead network path) is noticed, dropped and resumed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  clientEvents, freshChannel, launchBrowser, newPage, publish, received, sleep, startOrigin, startProxy,
  startServer, subscribeInPage, waitForMessages,
} from './harness.mjs';

let server;
let origin;
let browser;

before(async () => {
  [server, origin, browser] = await Promise.all([startServer(['--heartbeat', '0.5']), startOrigin(), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await origin?.close();
  await server?.stop();
});

describe('heartbeats keep a quiet connection alive', () => {
  for (const transport of ['websocket', 'sse', 'stream', 'iframe']) {
    test(transport, { timeout: 30000 }, async () => {
      const page = await newPage(browser);
      try {
        await page.goto(origin.page(server.url));
        const channel = freshChannel(`quiet-${transport}`);
        await subscribeInPage(page, { server: server.url, channel, transports: [transport], options: { idleTimeout: 2500 } });
        await sleep(6000);
        const id = await publish(server.url, channel, 'still here');
        await waitForMessages(page, 1);
        assert.equal((await received(page))[0].id, id);
        const events = await clientEvents(page);
        assert.deepEqual(events.filter((e) => e.name === 'disconnected'), []);
      } finally {
        await page.close();
      }
    });
  }
});

describe('a connection gone silent is dropped and resumed', () => {
  for (const transport of ['websocket', 'sse', 'stream', 'iframe']) {
    test(transport, { timeout: 30000 }, async () => {
      const proxy = await startProxy(server.url);
      const page = await newPage(browser);
      try {
        await page.goto(origin.page(server.url));
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
      } finally {
        await page.close();
        await proxy.close();
      }
    });
  }
});

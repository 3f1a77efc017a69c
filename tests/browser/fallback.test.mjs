// Fallback: the page reaches the server through a proxy that answers every WebSocket handshake
// with 403 (as some corporate proxies do). The client, with its default transport order, must
// give up on the WebSocket and carry on with SSE.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  clientEvents, freshChannel, launchBrowser, newPage, publish, received, startOrigin, startProxy, startServer,
  subscribeInPage, waitForMessages,
} from './harness.mjs';

let server;
let origin;
let proxy;
let browser;

before(async () => {
  [server, origin, browser] = await Promise.all([startServer(), startOrigin(), launchBrowser()]);
  proxy = await startProxy(server.url, { refuseUpgrades: true });
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  await origin?.close();
  await server?.stop();
});

test('a refused WebSocket falls back to SSE', { timeout: 30000 }, async () => {
  const page = await newPage(browser);
  try {
    await page.goto(origin.page(proxy.url));
    const channel = freshChannel('fallback');
    const used = await subscribeInPage(page, { server: proxy.url, channel });
    assert.equal(used, 'sse');
    assert.ok(proxy.upgradesRefused >= 2, `the client tried the WebSocket (${proxy.upgradesRefused} handshakes)`);

    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await publish(server.url, channel, `after fallback ${i}`));
    await waitForMessages(page, 3);
    assert.deepEqual((await received(page)).map((m) => m.id), ids);

    const events = await clientEvents(page);
    assert.deepEqual(events.filter((e) => e.name === 'transport').map((e) => e.value), ['websocket', 'sse']);
    assert.deepEqual(events.filter((e) => e.name === 'connected').map((e) => e.value.transport), ['sse']);
  } finally {
    await page.close();
  }
});

test('publish falls back to HTTP when there is no WebSocket', { timeout: 30000 }, async () => {
  const page = await newPage(browser);
  try {
    await page.goto(origin.page(proxy.url));
    const channel = freshChannel('fallback-pub');
    await subscribeInPage(page, { server: proxy.url, channel });
    const result = await page.evaluate((channel) => window.pw.client.publish(channel, 'from the page'), channel);
    assert.equal(typeof result.id, 'string');
    await waitForMessages(page, 1);
    assert.equal((await received(page))[0].id, result.id);
  } finally {
    await page.close();
  }
});

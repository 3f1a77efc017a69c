// Fallback: the page reaches the server through a proxy that answers every WebSocket handshake
// with 403 (as some corporate proxies do). The client, with its default transport order, must
// give up on the WebSocket and carry on with SSE.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  browserSuite, clientEvents, freshChannel, onOriginPage, publish, received, subscribeInPage, waitForMessages,
} from './harness.mjs';

const suite = browserSuite({ proxy: { refuseUpgrades: true } });

test('a refused WebSocket falls back to SSE', { timeout: 30000 }, () => onOriginPage(suite, async (page, { server, proxy }) => {
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
}, suite.proxy.url));

test('publish falls back to HTTP when there is no WebSocket', { timeout: 30000 }, () => onOriginPage(suite, async (page, { proxy }) => {
  const channel = freshChannel('fallback-pub');
  await subscribeInPage(page, { server: proxy.url, channel });
  const result = await page.evaluate((channel) => window.pw.client.publish(channel, 'from the page'), channel);
  assert.equal(typeof result.id, 'string');
  await waitForMessages(page, 1);
  assert.equal((await received(page))[0].id, result.id);
}, suite.proxy.url));

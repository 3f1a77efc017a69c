// publish(): over HTTP when no WebSocket is open, over the WebSocket when one is; resolves with
// the id that subscribers then see; honours the publish key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  freshChannel, launchBrowser, onOriginPage, received, startOrigin, startServer, subscribeInPage, waitForMessages,
} from './harness.mjs';

const KEY = 'test-key-123';
const suite = {};  // server, origin and browser, for onOriginPage
let keyed;

before(async () => {
  [suite.server, keyed, suite.origin, suite.browser] = await Promise.all([
    startServer(), startServer(['--publish-key', KEY]), startOrigin(), launchBrowser(),
  ]);
});

after(async () => {
  await suite.browser?.close();
  await suite.origin?.close();
  await Promise.all([suite.server?.stop(), keyed?.stop()]);
});

/** Runs publish() in the page and reports its outcome as plain data. */
const publishInPage = (page, server, channel, data, opts = {}) =>
  page.evaluate(async ({ server, channel, data, opts }) => {
    const client = window.pw?.client ?? new window.Pushwire.Client(server, opts.client ?? {});
    const traffic = [];
    const off = client.on('traffic', (t) => { if (t.type === 'request' || t.type === 'data') traffic.push(t.transport); });
    try {
      const result = await client.publish(channel, data, opts.event ? { event: opts.event } : {});
      return { ok: true, result, traffic };
    } catch (err) {
      return { ok: false, name: err.name, code: err.code, status: err.status, message: err.message, traffic };
    } finally {
      off();
    }
  }, { server, channel, data, opts });

describe('publish', () => {
  test('over HTTP: resolves with the id the server stored', { timeout: 20000 }, () => onOriginPage(suite, async (page, { server }) => {
    const channel = freshChannel('pub-http');
    const out = await publishInPage(page, server.url, channel, 'hello', { event: 'greeting' });
    assert.ok(out.ok, out.message);
    assert.match(out.result.id, /^[A-Za-z0-9_.:-]{1,64}$/);
    assert.ok(out.traffic.includes('http'), 'went out as POST /pub');
    const kept = await (await fetch(`${server.url}/poll/${channel}?since=0`)).json();
    assert.deepEqual(kept.messages.map((m) => [m.id, m.event, m.data]), [[out.result.id, 'greeting', 'hello']]);
  }));

  test('over an open WebSocket: no HTTP request, and subscribers see the same id', { timeout: 20000 },
    () => onOriginPage(suite, async (page, { server }) => {
      const channel = freshChannel('pub-ws');
      await subscribeInPage(page, { server: server.url, channel, transports: ['websocket'] });
      const out = await publishInPage(page, server.url, channel, 'over the socket', { event: 'note' });
      assert.ok(out.ok, out.message);
      assert.deepEqual([...new Set(out.traffic)], ['websocket']);
      await waitForMessages(page, 1);
      const [m] = await received(page);
      assert.deepEqual([m.id, m.event, m.data], [out.result.id, 'note', 'over the socket']);
    }));

  test('bad names are refused in the browser', { timeout: 20000 }, () => onOriginPage(suite, async (page, { server }) => {
    const bad = await publishInPage(page, server.url, 'no spaces', 'x');
    assert.deepEqual([bad.ok, bad.name], [false, 'TypeError']);
    const badEvent = await publishInPage(page, server.url, 'fine', 'x', { event: 'bad event' });
    assert.deepEqual([badEvent.ok, badEvent.name], [false, 'TypeError']);
  }));

  test('with --publish-key: refused without the key, accepted with it, over HTTP and WebSocket', { timeout: 30000 },
    () => onOriginPage(suite, async (page) => {
      const channel = freshChannel('pub-key');
      const without = await publishInPage(page, keyed.url, channel, 'x');
      assert.deepEqual([without.ok, without.name, without.status], [false, 'PushwireError', 401]);
      const withKey = await publishInPage(page, keyed.url, channel, 'x', { client: { publishKey: KEY } });
      assert.ok(withKey.ok, withKey.message);

      await subscribeInPage(page, { server: keyed.url, channel, transports: ['websocket'], options: { publishKey: KEY } });
      const overSocket = await publishInPage(page, keyed.url, channel, 'via ws');
      assert.ok(overSocket.ok, overSocket.message);
      assert.deepEqual([...new Set(overSocket.traffic)], ['websocket']);

      await subscribeInPage(page, { server: keyed.url, channel, transports: ['websocket'] });
      const socketNoKey = await publishInPage(page, keyed.url, channel, 'via ws, no key');
      assert.deepEqual([socketNoKey.ok, socketNoKey.name], [false, 'PushwireError']);
    }, keyed.url));
});

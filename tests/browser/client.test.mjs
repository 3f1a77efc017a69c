// The client's API beyond one subscription: many channels over one WebSocket, unsubscribe, a
// second subscriber of a channel with its own `since`, and the fate of `ready`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { browserSuite, freshChannel, publish, sleep } from './harness.mjs';

// One page of another origin for all the tests.
const suite = browserSuite({ page: true });

describe('the client API', () => {
  test('several channels share one WebSocket, and unsubscribe stops a channel', { timeout: 30000 }, async () => {
    const { page, server } = suite;
    const [a, b, c] = [freshChannel('multi-a'), freshChannel('multi-b'), freshChannel('multi-c')];
    await page.evaluate(async ({ server, channels }) => {
      const client = new window.Pushwire.Client(server, { transports: ['websocket'] });
      const t = { client, got: {}, sockets: 0, subs: {} };
      window.t = t;
      client.on('traffic', (x) => { if (x.type === 'request') t.sockets++; });
      for (const ch of channels) {
        t.got[ch] = [];
        t.subs[ch] = client.subscribe(ch, (m) => t.got[ch].push(m.data));
      }
      await Promise.all(Object.values(t.subs).map((s) => s.ready));
    }, { server: server.url, channels: [a, b, c] });

    await publish(server.url, a, 'to a');
    await publish(server.url, b, 'to b');
    await publish(server.url, c, 'to c');
    await page.waitForFunction((chs) => chs.every((ch) => window.t.got[ch].length === 1), [a, b, c]);
    await page.evaluate((b) => window.t.subs[b].unsubscribe(), b);
    await sleep(200);
    await publish(server.url, b, 'to b, unheard');
    await publish(server.url, a, 'to a, again');
    await page.waitForFunction((a) => window.t.got[a].length === 2, a);
    await sleep(300);
    const state = await page.evaluate(() => ({ got: window.t.got, sockets: window.t.sockets, transport: window.t.client.transport }));
    assert.deepEqual(state.got, { [a]: ['to a', 'to a, again'], [b]: ['to b'], [c]: ['to c'] });
    // One WebSocket handshake; the other requests are the /poll anchors of the three channels.
    assert.equal(state.transport, 'websocket');
    assert.equal(state.sockets, 4);
    await page.evaluate(() => window.t.client.close());
  });

  test('a second subscriber with since gets the backlog once, then the live messages', { timeout: 30000 }, async () => {
    const { page, server } = suite;
    const channel = freshChannel('second');
    const early = [await publish(server.url, channel, 'one'), await publish(server.url, channel, 'two')];
    await page.evaluate(async ({ server, channel }) => {
      const client = new window.Pushwire.Client(server, { transports: ['sse'] });
      const t = { client, first: [], second: [] };
      window.t = t;
      await client.subscribe(channel, (m) => t.first.push(m.data)).ready;
      await client.subscribe(channel, (m) => t.second.push(m.data), { since: '0' }).ready;
    }, { server: server.url, channel });
    assert.equal(early.length, 2);
    await publish(server.url, channel, 'three');
    await page.waitForFunction(() => window.t.first.length === 1 && window.t.second.length === 3);
    await sleep(300);
    assert.deepEqual(await page.evaluate(() => [window.t.first, window.t.second]), [['three'], ['one', 'two', 'three']]);
    await page.evaluate(() => window.t.client.close());
  });

  test('ready rejects when the subscription ends before it is live; bad names throw', { timeout: 30000 }, async () => {
    const { page, server } = suite;
    const outcome = await page.evaluate(async (server) => {
      const client = new window.Pushwire.Client(server, { transports: ['longpoll'] });
      const sub = client.subscribe('early-end', () => {});
      sub.unsubscribe();
      const ready = await sub.ready.then(() => 'resolved', (e) => `rejected: ${e.message}`);
      let thrown = '';
      try {
        client.subscribe('bad name!', () => {});
      } catch (e) {
        thrown = e.name;
      }
      client.close();
      return { ready, thrown };
    }, server.url);
    assert.match(outcome.ready, /^rejected: .*unsubscribed/);
    assert.equal(outcome.thrown, 'TypeError');
  });

  test('the ES module build works the same', { timeout: 30000 }, async () => {
    const { page, server } = suite;
    const channel = freshChannel('esm');
    const used = await page.evaluate(async ({ server, channel }) => {
      const mod = await import(`${server}/pushwire.mjs`);
      const client = new mod.Client(server, { transports: ['stream'] });
      window.esm = { client, got: [] };
      await client.subscribe(channel, (m) => window.esm.got.push(m.data)).ready;
      return client.transport;
    }, { server: server.url, channel });
    assert.equal(used, 'stream');
    await publish(server.url, channel, 'from a module');
    await page.waitForFunction(() => window.esm.got.length === 1);
    await page.evaluate(() => window.esm.client.close());
  });
});

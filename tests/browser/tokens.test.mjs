// Access tokens in the browser client, from a page of another origin, against a server with
// --jwt-secret: tokens a few seconds long from getToken (minted by npm `jose` on the page's own
// server) renewed twice while messages flow, on each transport, with every message exactly once
// and in order; renewal at expiry when the browser's clock misleads it; a fixed {token}; a channel
// the token does not grant; a getToken that fails.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { SECRET, hsToken } from '../integration/lib/tokens.mjs';
import { browserSuite, freshChannel, onOriginPage, publish, sleep, TRANSPORTS } from './harness.mjs';

const KEY = 'browser-publish-key';
const GRANTED = 'granted-';
/** Seconds a renewed token lives: its renewal comes at 80%, so two take about 8 s. */
const SHORT_LIFE = 5;

/** How many tokens /token minted for each `id`. */
const mints = new Map();
const suite = browserSuite({
  serverArgs: ['--jwt-secret', SECRET, '--publish-key', KEY],
  originRoutes: {
    // ?id=WHO&life=S[&fail=N][&noiat=1]: a token granting GRANTED*, or a 503 for the first N asks of WHO.
    '/token': async (url, res) => {
      const id = url.searchParams.get('id');
      const n = (mints.get(id) ?? 0) + 1;
      mints.set(id, n);
      if (n <= Number(url.searchParams.get('fail') ?? 0)) {
        res.writeHead(503, { 'Content-Type': 'text/plain' });
        res.end('not now');
        return;
      }
      const claims = { sub: id, subscribe: [`${GRANTED}*`] };
      const life = Number(url.searchParams.get('life'));
      const token = url.searchParams.has('noiat')
        ? await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) + life)
          .sign(new TextEncoder().encode(SECRET))
        : await hsToken(claims, { expiresIn: life });
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
      res.end(token);
    },
  },
});

/**
 * Makes a client in the page (window.pw = {client, got, events}) whose options are `options`,
 * plus getToken from this page's /token when `tokenQuery` is given, and subscribes to `channels`
 * (got: each message as "CHANNEL ID"). Resolves with null once the subscriptions are ready, or
 * with the code a rejection carried.
 */
function subscribeInPage(page, { server, channels, options, tokenQuery }) {
  return page.evaluate(async ({ server, channels, options, tokenQuery }) => {
    if (tokenQuery) {
      options.getToken = () => fetch(`/token?${tokenQuery}`).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))));
    }
    const client = new window.Pushwire.Client(server, options);
    const pw = { client, got: [], events: [] };
    window.pw = pw;
    for (const name of ['connected', 'disconnected', 'error']) {
      client.on(name, (v) => pw.events.push(name === 'error' ? `error ${v.code}` : name));
    }
    const subs = channels.map((channel) => client.subscribe(channel, (m) => pw.got.push(`${m.channel} ${m.id}`)));
    return Promise.all(subs.map((s) => s.ready)).then(() => null, (err) => err.code ?? String(err));
  }, { server, channels, options, tokenQuery });
}

/** Publishes with the key; returns the message as subscribeInPage records it. */
const publishTo = async (server, channel, data) => `${channel} ${await publish(server.url, channel, data, { key: KEY })}`;
/** The messages of one channel, in the order given. */
const of = (channel, messages) => messages.filter((m) => m.startsWith(`${channel} `));

const pageState = (page) => page.evaluate(() => ({ got: window.pw.got, events: window.pw.events }));

async function waitFor(check, timeout, what) {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('short-lived tokens from getToken, renewed twice while messages flow', () => {
  for (const transport of TRANSPORTS) {
    test(transport, { timeout: 60000 }, () => onOriginPage(suite, async (page, { server }) => {
      // Two channels: a session carries both, and each resumes from its own cursor when it is reopened.
      const channels = [freshChannel(`${GRANTED}${transport}`), freshChannel(`${GRANTED}${transport}`)];
      const id = freshChannel(transport);
      const refused = await subscribeInPage(page, {
        server: server.url, channels, options: { transports: [transport], pollInterval: 300 }, tokenQuery: `id=${id}&life=${SHORT_LIFE}`,
      });
      assert.equal(refused, null);

      // Publish all along, until a third token (the second renewal) has been in use for a second.
      const published = [];
      let third = 0;
      const deadline = Date.now() + 4 * SHORT_LIFE * 1000;
      while (!third || Date.now() - third < 1000) {
        assert.ok(Date.now() < deadline, `${mints.get(id)} tokens minted in ${4 * SHORT_LIFE} s`);
        published.push(await publishTo(server, channels[published.length % 2], `m${published.length}`));
        if (!third && mints.get(id) >= 3) third = Date.now();
        await sleep(150);
      }
      await waitFor(async () => (await pageState(page)).got.length >= published.length, 15000, `${published.length} messages`);
      await sleep(transport === 'poll' ? 700 : 300); // time for anything extra to show up
      const { got, events } = await pageState(page);
      assert.equal(got.length, published.length);
      for (const channel of channels) assert.deepEqual(of(channel, got), of(channel, published));
      // Renewed ahead of expiry: the connection never failed, and no error was reported. A poll
      // session too lives on with each new token: no poll is answered 404 unknown_session.
      assert.deepEqual(events, ['connected']);
      assert.deepEqual(page.problems, []);
    }));
  }
});

describe('a token without iat, read by a browser whose clock is 10 s behind: renewed when it expires', () => {
  for (const transport of ['websocket', 'sse']) {
    test(transport, { timeout: 60000 }, () => onOriginPage(suite, async (page, { server }) => {
      await page.evaluate(() => {
        const now = Date.now.bind(Date);
        Date.now = () => now() - 10000;
      });
      const channel = freshChannel(`${GRANTED}late-${transport}`);
      const id = freshChannel(`late-${transport}`);
      assert.equal(await subscribeInPage(page, {
        server: server.url, channels: [channel], options: { transports: [transport] }, tokenQuery: `id=${id}&life=3&noiat=1`,
      }), null);
      const published = [];
      const started = Date.now();
      while (mints.get(id) < 3) {
        published.push(await publishTo(server, channel, `m${published.length}`));
        await sleep(150);
      }
      // By this clock the renewal at 80% would come 10 s after each token: these came at each expiry.
      assert.ok(Date.now() - started < 12000, `two renewals took ${Date.now() - started} ms`);
      published.push(await publishTo(server, channel, 'last'));
      await waitFor(async () => (await pageState(page)).got.length >= published.length, 15000, `${published.length} messages`);
      await sleep(300);
      assert.deepEqual((await pageState(page)).got, published);
    }));
  }
});

test('a fixed {token} works on every transport', { timeout: 60000 }, () => onOriginPage(suite, async (page, { server }) => {
  const token = await hsToken({ subscribe: [`${GRANTED}*`] }, { expiresIn: 300 });
  for (const transport of TRANSPORTS) {
    const channel = freshChannel(`${GRANTED}fixed-${transport}`);
    assert.equal(await subscribeInPage(page, { server: server.url, channels: [channel], options: { transports: [transport], token, pollInterval: 300 } }), null, transport);
    const sent = [await publishTo(server, channel, 'one'), await publishTo(server, channel, 'two')];
    await waitFor(async () => (await pageState(page)).got.length >= 2, 15000, `${transport}: 2 messages`);
    assert.deepEqual((await pageState(page)).got, sent, transport);
    await page.evaluate(() => window.pw.client.close());
  }
}));

test('without a token, the server refuses and the client says it cannot renew', { timeout: 30000 },
  () => onOriginPage(suite, async (page, { server }) => {
    const channel = freshChannel(`${GRANTED}none`);
    void subscribeInPage(page, { server: server.url, channels: [channel], options: { transports: ['sse'] } });
    await waitFor(async () => (await pageState(page)).events.includes('error unauthorized'), 10000, 'an error event');
    await page.evaluate(() => window.pw.client.close());
  }));

describe('a channel the token does not grant', () => {
  // A refused JSONP script cannot be told from one that failed to load: jsonp just fails over.
  for (const transport of TRANSPORTS.filter((t) => t !== 'jsonp')) {
    test(`${transport}: the subscription is refused with forbidden, a granted one goes on`, { timeout: 30000 },
      () => onOriginPage(suite, async (page, { server }) => {
        const [refused, granted] = [freshChannel(`other-${transport}`), freshChannel(`${GRANTED}${transport}`)];
        const code = await subscribeInPage(page, {
          server: server.url, channels: [refused, granted], options: { transports: [transport], pollInterval: 300 },
          tokenQuery: `id=${freshChannel('forbidden')}&life=300`,
        });
        assert.equal(code, 'forbidden');
        assert.ok((await pageState(page)).events.includes('error forbidden'));
        await waitFor(() => page.evaluate(() => window.pw.client.connected), 10000, 'the granted channel');
        const sent = await publishTo(server, granted, 'still here');
        await waitFor(async () => (await pageState(page)).got.length >= 1, 10000, 'the granted channel\'s message');
        assert.deepEqual((await pageState(page)).got, [sent]);
      }));
  }
});

test('a getToken that fails is reported and asked again with backoff', { timeout: 30000 },
  () => onOriginPage(suite, async (page, { server }) => {
    const channel = freshChannel(`${GRANTED}retry`);
    const id = freshChannel('retry');
    const refused = await subscribeInPage(page, {
      server: server.url, channels: [channel], options: { transports: ['websocket'], backoff: { initial: 100 } }, tokenQuery: `id=${id}&life=300&fail=2`,
    });
    assert.equal(refused, null);
    assert.equal(mints.get(id), 3);
    const { events } = await pageState(page);
    assert.deepEqual(events, ['error token_failed', 'error token_failed', 'connected']);
    const sent = await publishTo(server, channel, 'after the retries');
    await waitFor(async () => (await pageState(page)).got.length >= 1, 10000, 'the message');
    assert.deepEqual((await pageState(page)).got, [sent]);
  }));

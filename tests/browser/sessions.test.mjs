// One connection per client: a page of another origin subscribes to 50 channels on one
// transport; a browser allows six connections per server, so this works only when one
// connection carries every channel. Each channel gets its messages exactly once, in order,
// and the server holds one session (for the streams) carrying all 50 subscriptions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { browserSuite, freshChannel, onOriginPage, publish, sleep } from './harness.mjs';

const suite = browserSuite();
const CHANNELS = 50;

async function metric(serverUrl, name) {
  const text = await (await fetch(`${serverUrl}/metrics`)).text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  assert.ok(match, `/metrics should have ${name}`);
  return Number(match[1]);
}

async function until(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Subscribes a new client of `page` to every channel; resolves to its transport once all are ready. */
function subscribeAll(page, server, channels, transport) {
  return page.evaluate(async ({ server, channels, transport }) => {
    const client = new window.Pushwire.Client(server, { transports: [transport] });
    window.pw = { client, got: {} };
    const subs = channels.map((channel) => {
      window.pw.got[channel] = [];
      return client.subscribe(channel, (m) => window.pw.got[channel].push(m.data));
    });
    await Promise.all(subs.map((s) => s.ready));
    return client.transport;
  }, { server, channels, transport });
}

async function publishRounds(serverUrl, channels) {
  for (const round of [1, 2]) {
    for (const channel of channels) await publish(serverUrl, channel, `${channel} #${round}`);
  }
}

async function assertEveryChannelOnceInOrder(page, channels) {
  await page.waitForFunction((n) => Object.values(window.pw.got).every((got) => got.length >= n), 2,
    { timeout: 20000, polling: 100 });
  await sleep(300);
  const got = await page.evaluate(() => window.pw.got);
  for (const channel of channels) assert.deepEqual(got[channel], [`${channel} #1`, `${channel} #2`], channel);
  assert.deepEqual(page.problems, []);
}

describe('50 channels on one connection', () => {
  for (const transport of ['sse', 'stream', 'iframe', 'websocket']) {
    test(`${transport}: every channel gets its messages once, in order`, { timeout: 60000 },
      () => onOriginPage(suite, async (page, { server }) => {
        const channels = Array.from({ length: CHANNELS }, () => freshChannel(`${transport}-many`));
        assert.equal(await subscribeAll(page, server.url, channels, transport), transport);
        if (transport !== 'websocket') {
          await until(async () => (await metric(server.url, 'pushwire_sessions_open')) === 1, 5000,
            'one session open (earlier pages closed theirs)');
        }

        await publishRounds(server.url, channels);
        await assertEveryChannelOnceInOrder(page, channels);
      }));
  }

  // Two tabs of one browser profile share its six connections per server.
  for (const transport of ['sse', 'stream', 'iframe']) {
    test(`${transport}: two tabs of the same page both work`, { timeout: 60000 }, async () => {
      const { server, origin, browser } = suite;
      const context = await browser.newContext();
      try {
        const tabs = [await context.newPage(), await context.newPage()];
        const channels = Array.from({ length: CHANNELS }, () => freshChannel(`${transport}-tabs`));
        for (const tab of tabs) {
          tab.problems = [];
          tab.on('pageerror', (e) => tab.problems.push(`exception: ${e.message}`));
          await tab.goto(origin.page(server.url));
          assert.equal(await subscribeAll(tab, server.url, channels, transport), transport);
        }
        await publishRounds(server.url, channels);
        for (const tab of tabs) await assertEveryChannelOnceInOrder(tab, channels);
      } finally {
        await context.close();
      }
    });
  }
});

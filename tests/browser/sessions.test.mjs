// One connection per client: a page of another origin subscribes to 50 channels on one
// transport; a browser allows six connections per server, so this works only when one
// connection carries every channel. Each channel gets its messages exactly once, in order,
// the server holds one session carrying all 50 subscriptions, and a proxy between browser and
// server sees at most one long-lived request per client at a time, besides short ones.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startCountingProxy } from './counting_proxy.mjs';
import { browserSuite, freshChannel, onOriginPage, publish, sleep, TRANSPORTS } from './harness.mjs';

// Poll sessions of earlier pages end soon after their page is closed.
const suite = browserSuite({ serverArgs: ['--session-grace', '3'] });
const CHANNELS = 50;

/**
 * Runs fn(proxy) with a counting proxy in front of the server; checks what one browser held.
 * `poll` holds no request open (each is answered at once); every other transport holds one.
 */
async function counted(transport, clients, fn) {
  const proxy = await startCountingProxy(suite.server.url);
  try {
    await fn(proxy);
    const { maxLongLived, connections } = proxy.counts;
    assert.ok(maxLongLived >= (transport === 'poll' ? 0 : 1) && maxLongLived <= clients,
      `at most one long-lived request per client at a time (${clients} clients): saw ${maxLongLived}`);
    assert.ok(connections < CHANNELS, `far fewer connections than channels: ${connections} for ${CHANNELS} channels`);
  } finally {
    await proxy.close();
  }
}

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
  for (const transport of TRANSPORTS) {
    test(`${transport}: every channel gets its messages once, in order`, { timeout: 60000 }, () => counted(transport, 1, (proxy) =>
      onOriginPage(suite, async (page) => {
        const channels = Array.from({ length: CHANNELS }, () => freshChannel(`${transport}-many`));
        assert.equal(await subscribeAll(page, proxy.url, channels, transport), transport);
        if (transport !== 'websocket') {
          await until(async () => (await metric(suite.server.url, 'pushwire_sessions_open')) === 1, 8000,
            'one session open (earlier pages closed theirs)');
        }

        await sleep(1500); // what the client holds while nothing happens
        await publishRounds(suite.server.url, channels);
        await assertEveryChannelOnceInOrder(page, channels);
      }, proxy.url)));
  }

  // Two tabs of one browser profile share its six connections per server.
  for (const transport of TRANSPORTS.filter((t) => t !== 'websocket')) {
    test(`${transport}: two tabs of the same page both work`, { timeout: 60000 }, () => counted(transport, 2, async (proxy) => {
      const { origin, browser } = suite;
      const context = await browser.newContext();
      try {
        const tabs = [await context.newPage(), await context.newPage()];
        const channels = Array.from({ length: CHANNELS }, () => freshChannel(`${transport}-tabs`));
        for (const tab of tabs) {
          tab.problems = [];
          tab.on('pageerror', (e) => tab.problems.push(`exception: ${e.message}`));
          await tab.goto(origin.page(proxy.url));
          assert.equal(await subscribeAll(tab, proxy.url, channels, transport), transport);
        }
        await sleep(1500); // what the two clients hold while nothing happens
        await publishRounds(suite.server.url, channels);
        for (const tab of tabs) await assertEveryChannelOnceInOrder(tab, channels);
      } finally {
        await context.close();
      }
    }));
  }
});

// The demo page, as served by the server at /: it loads without console errors, every one of
// its six panels receives what its publish box sends (Comet in each of its three modes), it
// fits a phone's width, and a screenshot of it at 1280x800 goes to build/demo.png
// (to docs/demo.png, the README's, with PUSHWIRE_UPDATE_SCREENSHOT=1).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { launchBrowser, newPage, panelProtocols, root, sleep, startServer } from './harness.mjs';

const PANELS = ['http', 'poll', 'longpoll', 'comet', 'sse', 'ws'];
let server;
let browser;

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The texts a panel lists, newest first. */
const shown = (page, id) => page.$$eval(`#panel-${id} .messages .data`, (els) => els.map((e) => e.textContent));

async function publishFromBox(page, text) {
  await page.fill('#message', text);
  await page.click('#publish button[type="submit"]');
  await page.waitForFunction(() => document.querySelector('#publish-status').dataset.ok === 'true');
}

async function waitUntilShown(page, id, text, timeout = 10000) {
  await page.waitForFunction(({ id, text }) =>
    [...document.querySelectorAll(`#panel-${id} .messages .data`)].some((e) => e.textContent === text),
  { id, text }, { timeout, polling: 100 });
}

async function waitUntilLive(page) {
  await page.waitForFunction((ids) => ids.every((id) => document.querySelector(`#panel-${id}`)?.dataset.state === 'live'),
    PANELS.filter((id) => id !== 'http'), { timeout: 15000 });
}

test('the demo page: six panels receive a message from its publish box', { timeout: 90000 }, async () => {
  const page = await newPage(browser, { width: 1280, height: 800 });
  try {
    await page.goto(`${server.url}/`);
    assert.deepEqual(await page.$$eval('.panel', (els) => els.map((e) => e.dataset.technique)), PANELS);
    await waitUntilLive(page);

    const text = `hello from the test ${Date.now()}`;
    await publishFromBox(page, text);
    await page.click('#panel-http .reload'); // the 1990s way: reload to see the news
    for (const id of PANELS) await waitUntilShown(page, id, text);

    // Comet, in each of its modes.
    for (const mode of ['stream', 'jsonp', 'iframe']) {
      await page.click(`#panel-comet .mode[data-transport="${mode}"]`);
      await page.waitForFunction(() => document.querySelector('#panel-comet').dataset.state === 'live');
      const t = `comet over ${mode}`;
      await publishFromBox(page, t);
      await waitUntilShown(page, 'comet', t);
    }

    // Every panel counted requests and bytes, and drew its exchanges. The diagrams are redrawn
    // every 200 ms, so a message just shown may not be drawn yet.
    for (const id of PANELS) {
      const stats = await page.$eval(`#panel-${id}`, (p) => ({
        requests: Number(p.querySelector('.stat-requests').textContent),
        bytes: p.querySelector('.stat-bytes').textContent,
      }));
      assert.ok(stats.requests >= 1, `${id}: requests`);
      assert.match(stats.bytes, /\d/, `${id}: bytes`);
      const drawn = await page.waitForFunction(
        (id) => document.querySelectorAll(`#panel-${id} .seq line.req, #panel-${id} .seq line.res`).length >= 2,
        id, { timeout: 3000, polling: 50 }).then(() => true, () => false);
      assert.ok(drawn, `${id}: sequence diagram`);
    }

    // Over plain http every panel's connection is HTTP/1.1 (https.test.mjs: HTTP/2).
    assert.deepEqual(await panelProtocols(page, PANELS), Object.fromEntries(PANELS.map((id) => [id, 'http/1.1'])));

    // A few more messages, for a screenshot that shows the panels at work.
    for (const t of ['Breaking: WebSockets standardized', 'Weather: sunny, 21 °C']) {
      await publishFromBox(page, t);
      await sleep(400);
    }
    await page.click('#panel-http .reload');
    await waitUntilShown(page, 'poll', 'Weather: sunny, 21 °C');
    await waitUntilShown(page, 'http', 'Weather: sunny, 21 °C');
    await sleep(300);
    await mkdir(`${root}docs`, { recursive: true });
    // The README's picture is refreshed on request; otherwise the shot goes to build/.
    const shot = process.env.PUSHWIRE_UPDATE_SCREENSHOT ? 'docs/demo.png' : 'build/demo.png';
    await page.screenshot({ path: `${root}${shot}` });

    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});

test('the demo page fits a phone', { timeout: 60000 }, async () => {
  const page = await newPage(browser, { width: 375, height: 740 });
  try {
    await page.goto(`${server.url}/`);
    await waitUntilLive(page);
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      widest: Math.max(...[...document.querySelectorAll('.panel, .top, .publish')].map((e) => e.getBoundingClientRect().right)),
    }));
    assert.ok(widths.page <= 375, `no sideways scrolling (${widths.page}px)`);
    assert.ok(widths.widest <= 375, `everything within the screen (${widths.widest}px)`);
    const text = `on a phone ${Date.now()}`;
    await publishFromBox(page, text);
    await waitUntilShown(page, 'ws', text);
    assert.deepEqual(await shown(page, 'ws').then((list) => list[0]), text);
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});

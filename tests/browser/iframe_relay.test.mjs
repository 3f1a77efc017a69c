// The iframe relay posts only to an origin --allow-origin allows: a page of that origin receives
// through the iframe transport; a page of another origin gets nothing, neither through the client
// nor by embedding the relay itself and naming the allowed origin.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  freshChannel, launchBrowser, newPage, publish, received, sleep, startOrigin, startServer, subscribeInPage, waitForMessages,
} from './harness.mjs';

let server, allowed, other, browser;
before(async () => {
  [allowed, other, browser] = await Promise.all([startOrigin(), startOrigin(), launchBrowser()]);
  server = await startServer(['--allow-origin', allowed.url]);
});
after(async () => {
  await browser?.close();
  await Promise.all([allowed?.close(), other?.close()]);
  await server?.stop();
});

async function onPage(origin, fn) {
  const page = await newPage(browser);
  try {
    await page.goto(origin.page(server.url));
    return await fn(page);
  } finally {
    await page.close();
  }
}

test('a page of an allowed origin receives through the relay', { timeout: 30000 }, () => onPage(allowed, async (page) => {
  const channel = freshChannel('relay-allowed');
  assert.equal(await subscribeInPage(page, { server: server.url, channel, transports: ['iframe'] }), 'iframe');
  const ids = [await publish(server.url, channel, 'one'), await publish(server.url, channel, 'two')];
  await waitForMessages(page, 2);
  assert.deepEqual((await received(page)).map((m) => m.id), ids);
  assert.deepEqual(page.problems, []);
}));

test('a page of another origin gets nothing through the client', { timeout: 30000 }, () => onPage(other, async (page) => {
  const channel = freshChannel('relay-other');
  await page.evaluate(({ server, channel }) => {
    const client = new window.Pushwire.Client(server, { transports: ['iframe'], connectTimeout: 2000 });
    window.pw = { got: [], connected: 0 };
    client.on('connected', () => window.pw.connected++);
    client.subscribe(channel, (m) => window.pw.got.push(m));
  }, { server: server.url, channel });
  await sleep(1500);
  await publish(server.url, channel, 'not for this page');
  await sleep(1500);
  assert.deepEqual(await page.evaluate(() => window.pw), { got: [], connected: 0 });
}));

test('a page of another origin that embeds the relay, naming the allowed origin, gets nothing', { timeout: 30000 },
  () => onPage(other, async (page) => {
    const channel = freshChannel('relay-forged');
    // The relay page loads (its origin parameter is allowed) and relays the stream, to the allowed origin only.
    const src = `${server.url}/iframe-relay.html?origin=${encodeURIComponent(allowed.url)}#c=${channel}&k=key&b=200&s=0`;
    const dropped = [];
    page.on('console', (m) => { if (m.text().includes(`target origin provided ('${allowed.url}')`)) dropped.push(m.text()); });
    await page.evaluate((src) => {
      window.posted = [];
      window.addEventListener('message', (e) => window.posted.push(e.data));
      const frame = document.createElement('iframe');
      frame.src = src;
      document.body.appendChild(frame);
    }, src);
    await sleep(1000);
    await publish(server.url, channel, 'not for this page');
    await sleep(1500);
    assert.deepEqual(await page.evaluate(() => window.posted), []);
    // The relay did post (hello, open, the session, the message...), and the browser dropped each for its target.
    assert.ok(dropped.length >= 4, dropped.join('\n'));
  }));

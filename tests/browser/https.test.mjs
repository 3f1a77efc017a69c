// The browser over https with a test certificate: one page opens 50 SSE
// channels and all of them receive over one TCP connection (HTTP/2), and a
// WebSocket from the page rides that connection too (RFC 8441). The demo
// page shows HTTP/2 in every panel, and the client falls back when the
// WebSocket is blocked and resumes after a cut, as over http.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeCertificate, runCommand, tempDir } from '../integration/lib/tls.mjs';
import {
  checkResumeAfterCut, clientEvents, freshChannel, launchBrowser, newPage, panelProtocols, received, startServer,
  subscribeInPage, TRANSPORTS, waitForMessages, withProxy,
} from './harness.mjs';

const CHANNELS = 50;

describe('https in Chromium', () => {
  let keys;
  let files;
  let server;
  let browser;
  before(async () => {
    keys = tempDir();
    files = await makeCertificate(keys.dir);
    server = await startServer(['--tls-cert', files.cert, '--tls-key', files.key]);
    browser = await launchBrowser(['--ignore-certificate-errors']);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    keys?.remove();
  });

  async function curl(args) {
    const res = await runCommand('curl', ['-sS', '--cacert', files.cert, ...args]);
    assert.equal(res.code, 0, res.stderr);
    return res.stdout;
  }

  // With curl, which trusts the test certificate; returns the message's id.
  async function publishWithCurl(serverUrl, channel, data) {
    return JSON.parse(await curl(['-d', data, `${serverUrl}/pub/${channel}`])).id;
  }

  // A page of the server's own origin with the client loaded (the other origin's pages are http://).
  async function clientPage() {
    const page = await newPage(browser);
    await page.goto(`${server.url}/healthz`);
    await page.addScriptTag({ url: `${server.url}/pushwire.js` });
    return page;
  }

  async function connectionsAccepted() {
    return Number(/^pushwire_connections_total (\S+)$/m.exec(await curl([`${server.url}/metrics`]))[1]);
  }

  test(`${CHANNELS} SSE channels and a WebSocket share one HTTP/2 connection`, { timeout: 60000 }, async () => {
    const page = await newPage(browser);
    try {
      await page.goto(`${server.url}/healthz`);
      assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation')[0].nextHopProtocol), 'h2');
      const accepted = await connectionsAccepted();
      const channels = Array.from({ length: CHANNELS }, (_, i) => freshChannel(`h2page${i}`));
      const wsChannel = freshChannel('h2ws');
      await page.evaluate(async ({ channels, wsChannel }) => {
        const t = { got: {}, ws: [] };
        window.t = t;
        await Promise.all(channels.map((ch) => new Promise((resolve, reject) => {
          t.got[ch] = [];
          const source = new EventSource(`/sse/${ch}`);
          source.onmessage = (e) => t.got[ch].push(e.data);
          source.onopen = resolve;
          source.onerror = () => reject(new Error(`EventSource ${ch} failed`));
        })));
        await new Promise((resolve, reject) => {
          const ws = new WebSocket(`wss://${location.host}/ws/${wsChannel}`);
          ws.onmessage = (e) => { const m = JSON.parse(e.data); if (m.data !== undefined) t.ws.push(m.data); };
          ws.onopen = resolve;
          ws.onerror = () => reject(new Error('WebSocket failed'));
        });
      }, { channels, wsChannel });

      for (const ch of [...channels, wsChannel]) await curl(['-d', `to ${ch}`, `${server.url}/pub/${ch}`]);
      await page.waitForFunction(({ channels, wsChannel }) =>
        channels.every((ch) => window.t.got[ch].length === 1) && window.t.ws.length === 1, { channels, wsChannel });
      const got = await page.evaluate(() => window.t);
      for (const ch of channels) assert.deepEqual(got.got[ch], [`to ${ch}`]);
      assert.deepEqual(got.ws, [`to ${wsChannel}`]);
      // The curl requests above are connections of their own; the page opened none.
      const opened = (await connectionsAccepted()) - accepted - (CHANNELS + 1) - 1;
      assert.equal(opened, 0, 'the page opened no connection besides the one it was loaded over');
      // The one 404 is the browser's own request for /favicon.ico.
      assert.deepEqual(page.problems.filter((p) => !/status of 404/.test(p)), []);
    } finally {
      await page.close();
    }
  });

  test('the demo page shows HTTP/2 in every panel', { timeout: 60000 }, async () => {
    const panels = ['http', 'poll', 'longpoll', 'comet', 'sse', 'ws'];
    const page = await newPage(browser);
    try {
      await page.goto(`${server.url}/`);
      await page.click('#panel-http .reload');
      assert.deepEqual(await panelProtocols(page, panels), Object.fromEntries(panels.map((id) => [id, 'h2'])));
    } finally {
      await page.close();
    }
  });

  test('a blocked WebSocket falls back to SSE', { timeout: 30000 }, async () => {
    const page = await clientPage();
    try {
      // As a proxy that refuses the handshake: the page's WebSocket closes before it is of use.
      await page.routeWebSocket(/\/ws/, (ws) => ws.close({ code: 1006 }));
      const channel = freshChannel('https-fallback');
      assert.equal(await subscribeInPage(page, { server: server.url, channel }), 'sse');
      const id = await publishWithCurl(server.url, channel, 'after fallback');
      await waitForMessages(page, 1);
      assert.deepEqual((await received(page)).map((m) => m.id), [id]);
      const events = await clientEvents(page);
      assert.deepEqual(events.filter((e) => e.name === 'transport').map((e) => e.value), ['websocket', 'sse']);
    } finally {
      await page.close();
    }
  });

  describe('a cut connection resumes without loss or repeat', () => {
    // The forever-iframe too: over HTTP/2 its cut document never fires load, and the relay's
    // probe of the stream's connection is what notices.
    for (const transport of TRANSPORTS) {
      test(transport, { timeout: 40000 }, () => withProxy(server.url, async (proxy) => {
        const page = await clientPage();
        try {
          await checkResumeAfterCut(page, {
            serverUrl: server.url, proxy, proxyUrl: proxy.url.replace(/^http:/, 'https:'), transport,
            publishTo: publishWithCurl,
          });
        } finally {
          await page.close();
        }
      }));
    }
  });
});

// The browser over https with a test certificate: one page opens 50 SSE
// channels and all of them receive over one TCP connection (HTTP/2), and a
// WebSocket from the page rides that connection too (RFC 8441).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeCertificate, runCommand, tempDir } from '../integration/lib/tls.mjs';
import { freshChannel, launchBrowser, newPage, startServer } from './harness.mjs';

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
});

// What the browser tests share: the real server binary, a page of another origin, TCP proxies
// that can refuse WebSocket upgrades or be cut, and Debian's Chromium through playwright-core.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export { sleep };
export const root = fileURLToPath(new URL('../../', import.meta.url));
export const TRANSPORTS = ['websocket', 'sse', 'stream', 'longpoll', 'poll', 'iframe', 'jsonp'];

const binary = process.env.PUSHWIRE_BIN ?? `${root}build/pushwire`;
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Starts build/pushwire on a free port. PUSHWIRE_STATIC=DIR serves the web assets from DIR
 * (for example build/web right after `npm run build:web`) instead of those built in.
 */
export async function startServer(args = []) {
  const extra = process.env.PUSHWIRE_STATIC ? ['--static', process.env.PUSHWIRE_STATIC] : [];
  const child = spawn(binary, ['--listen', '127.0.0.1:0', ...extra, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-8000); });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 10 s; stderr: ${stderr}`)), 10000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited (${code}): ${stderr}`)); });
    child.once('error', (err) => { clearTimeout(timer); reject(err); });
  });
  child.stdout.resume();
  return {
    url,
    get stderr() { return stderr; },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await once(child, 'exit');
      clearTimeout(timer);
    },
  };
}

/** Publishes straight to the server, not through the browser; returns the id. */
export async function publish(serverUrl, channel, data, { event, key } = {}) {
  const headers = key ? { Authorization: `Bearer ${key}` } : {};
  const resp = await fetch(`${serverUrl}/pub/${channel}${event ? `?event=${event}` : ''}`, { method: 'POST', body: data, headers });
  if (resp.status !== 200) throw new Error(`publish: HTTP ${resp.status} ${await resp.text()}`);
  return (await resp.json()).id;
}

/**
 * A plain web server of another origin, whose pages load the client from the pushwire server.
 * `routes` adds paths of its own: {'/path': (url, res) => ...}.
 */
export async function startOrigin(routes = {}) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (Object.hasOwn(routes, url.pathname)) return routes[url.pathname](url, res);
    const target = url.searchParams.get('server') ?? '';
    if (url.pathname === '/page.html' && /^http:\/\/[\w.:[\]-]+$/.test(target)) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>another origin</title><script src="${target}/pushwire.js"></script></head>
<body><p>A page of another origin.</p></body></html>`);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    page: (serverUrl) => `http://127.0.0.1:${port}/page.html?server=${encodeURIComponent(serverUrl)}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/**
 * A TCP proxy in front of the server. cut() drops every connection and refuses new ones until
 * restore(); freeze() silences the open ones; with refuseUpgrades it answers WebSocket
 * handshakes 403, as some proxies do.
 */
export async function startProxy(targetUrl, { refuseUpgrades = false } = {}) {
  const target = new URL(targetUrl);
  const sockets = new Set();
  const pairs = new Set();
  let refusing = false;
  let upgradesRefused = 0;
  const server = net.createServer((client) => {
    if (refusing) { client.destroy(); return; }
    sockets.add(client);
    client.on('error', () => {});
    client.once('close', () => sockets.delete(client));
    client.once('data', (first) => {
      if (refuseUpgrades && /\r\nupgrade:\s*websocket/i.test(first.toString('latin1'))) {
        upgradesRefused++;
        client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      const upstream = net.connect(Number(target.port), target.hostname);
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.once('close', () => { sockets.delete(upstream); client.destroy(); });
      client.once('close', () => upstream.destroy());
      upstream.write(first);
      client.pipe(upstream);
      upstream.pipe(client);
      const pair = { client, upstream };
      pairs.add(pair);
      upstream.once('close', () => pairs.delete(pair));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get upgradesRefused() { return upgradesRefused; },
    cut() {
      refusing = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() { refusing = false; },
    /** Existing connections stay open but carry nothing more, like a dead network path. */
    freeze() {
      for (const { client, upstream } of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
      pairs.clear();
    },
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

export function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', ...extraArgs],
  });
}

/** A new page that records console errors and uncaught exceptions in page.problems. */
export async function newPage(browser, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const where = m.location()?.url;
    page.problems.push(`console: ${m.text()}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (e) => page.problems.push(`exception: ${e.message}`));
  page.close = ((close) => async () => { await close(); await context.close(); })(page.close.bind(page));
  return page;
}

/**
 * The set-up most test files share, as hooks of the calling file: before its tests, the server
 * (started with serverArgs), a page server of another origin and the browser; after them, each
 * closed again. Returns the object that holds them (server, origin, browser) once tests run.
 * It may hold more: with proxy: OPTIONS, a proxy in front of the server (startProxy's options);
 * with page: true, one page of the other origin that the tests share; originRoutes: startOrigin's routes.
 * (A file's top-level before hooks start at once, side by side: one hook does it all.)
 */
export function browserSuite({ serverArgs = [], proxy, page = false, originRoutes } = {}) {
  const suite = {};
  before(async () => {
    [suite.server, suite.origin, suite.browser] = await Promise.all([startServer(serverArgs), startOrigin(originRoutes), launchBrowser()]);
    if (proxy) suite.proxy = await startProxy(suite.server.url, proxy);
    if (page) {
      suite.page = await newPage(suite.browser);
      await suite.page.goto(suite.origin.page(suite.server.url));
    }
  });
  after(async () => {
    await suite.page?.close();
    await suite.browser?.close();
    await suite.proxy?.close();
    await suite.origin?.close();
    await suite.server?.stop();
  });
  return suite;
}

/**
 * Opens a new page of the other origin that loads the client from serverUrl (by default the
 * server's), runs fn(page, suite) and closes the page, whatever happened. `suite` holds the
 * browser, origin and server, as browserSuite's does.
 */
export async function onOriginPage(suite, fn, serverUrl = suite.server.url) {
  const page = await newPage(suite.browser);
  try {
    await page.goto(suite.origin.page(serverUrl));
    return await fn(page, suite);
  } finally {
    await page.close();
  }
}

/** Runs fn(proxy) with a new proxy (see startProxy) in front of targetUrl, and closes the proxy after. */
export async function withProxy(targetUrl, fn, options) {
  const proxy = await startProxy(targetUrl, options);
  try {
    return await fn(proxy);
  } finally {
    await proxy.close();
  }
}

/** A channel name no other test uses. */
let channels = 0;
export const freshChannel = (prefix) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++channels}`;

/**
 * Makes a client in the page (window.pw = {client, got, events}), subscribes to a channel (or to
 * each of an array of them, all into `got`) and waits for `ready`. Returns the client's transport.
 */
export function subscribeInPage(page, { server, channel, transports, since, options = {} }) {
  return page.evaluate(async ({ server, channel, transports, since, options }) => {
    if (!window.Pushwire) throw new Error(`${server}/pushwire.js did not load`);
    const client = new window.Pushwire.Client(server, transports ? { ...options, transports } : options);
    const pw = { client, got: [], events: [] };
    window.pw = pw;
    for (const name of ['transport', 'connected', 'disconnected', 'gap', 'error']) {
      client.on(name, (value) => pw.events.push({ name, value: value instanceof Error ? `${value.code}: ${value.message}` : value }));
    }
    pw.subs = [].concat(channel).map((name) => client.subscribe(name, (m) => pw.got.push(m),
      since === undefined ? {} : { since }));
    [pw.sub] = pw.subs;
    await Promise.all(pw.subs.map((sub) => sub.ready));
    return client.transport;
  }, { server, channel, transports, since, options });
}

/** The HTTP version each demo panel shows ({ id: 'h2' | 'http/1.1' }), once all of them show one. */
export async function panelProtocols(page, ids) {
  await page.waitForFunction((ids) => ids.every((id) => document.querySelector(`#panel-${id} .proto`)?.dataset.protocol),
    ids, { timeout: 10000, polling: 100 });
  return page.evaluate((ids) => Object.fromEntries(
    ids.map((id) => [id, document.querySelector(`#panel-${id} .proto`).dataset.protocol])), ids);
}

/**
 * Subscribes the page through `proxy` in front of the server with one transport, publishes
 * before, during and after a cut of every connection, and checks that every message arrived
 * once and in order, with no gap. `publishTo` publishes as publish() does (over https, a client
 * that trusts the test certificate).
 */
export async function checkResumeAfterCut(page, { serverUrl, proxy, proxyUrl = proxy.url, transport, publishTo = publish }) {
  const options = { pollInterval: 300, backoff: { initial: 200, max: 1000 } };
  const channel = freshChannel(`resume-${transport}`);
  await subscribeInPage(page, { server: proxyUrl, channel, transports: [transport], options });
  const ids = [];
  const send = async (label, n) => {
    for (let i = 0; i < n; i++) ids.push(await publishTo(serverUrl, channel, `${label}${i}`));
  };

  await send('before', 3);
  await waitForMessages(page, 3);
  proxy.cut();
  await send('during', 4);
  await sleep(1500); // the client fails to reconnect a few times
  proxy.restore();
  await send('after', 3);
  await waitForMessages(page, 10, 20000);
  await sleep(500);

  const got = await received(page);
  assert.deepEqual(got.map((m) => m.data), [
    'before0', 'before1', 'before2', 'during0', 'during1', 'during2', 'during3', 'after0', 'after1', 'after2',
  ]);
  assert.deepEqual(got.map((m) => m.id), ids);
  const events = await clientEvents(page);
  assert.ok(events.some((e) => e.name === 'disconnected'), 'the client noticed the cut');
  assert.equal(events.filter((e) => e.name === 'gap').length, 0);
  assert.deepEqual(events.filter((e) => e.name === 'transport').map((e) => e.value), [transport]);
}

export const received = (page) => page.evaluate(() => window.pw.got);
export const clientEvents = (page) => page.evaluate(() => window.pw.events);
export const waitForMessages = (page, n, timeout = 15000) =>
  page.waitForFunction((n) => window.pw.got.length >= n, n, { timeout, polling: 50 });

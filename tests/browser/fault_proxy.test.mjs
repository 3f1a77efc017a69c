// The browser client behind a network that cuts its connections at random
// points while messages are published to three channels it subscribes to:
// every transport forced alone (all three channels on its one connection), in
// Chromium, through the client's public API only. Among what history keeps,
// not one message may be lost or repeated, nor reordered within its channel,
// and no channel refused. FAULT_RECONNECTS sets the cuts per transport (5
// here; `make fault` runs 1,000); FAULT_TRANSPORTS=sse,iframe runs only those.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CuttingProxy, tally } from '../integration/lib/fault.mjs';
import {
  browserSuite, clientEvents, freshChannel, newPage, publish, received, sleep, subscribeInPage, TRANSPORTS,
} from './harness.mjs';

const RECONNECTS = Number(process.env.FAULT_RECONNECTS ?? 5);
const POLL_SHAPED = new Set(['longpoll', 'poll', 'jsonp']);
// Quick to come back, so that a thousand cuts take minutes, not hours. A forever-iframe whose
// connection is reset stays "loading" in Chromium (no load event), so the client notices only
// when the stream falls silent for idleTimeout: short here, as messages never stop coming.
const options = {
  pollInterval: 20, longPollTimeout: 2, connectTimeout: 5000, idleTimeout: 1000, backoff: { initial: 10, max: 100 },
};

const suite = browserSuite({ serverArgs: ['--history', '1000000', '--history-ttl', '86400'] });

test(`${RECONNECTS} forced reconnects per transport in the browser: nothing lost, repeated or reordered`, {
  timeout: 120000 + RECONNECTS * 5000,  // the iframe's cuts come one per idleTimeout or so
}, async () => {
  const { server, origin, browser } = suite;
  const channels = ['a', 'b', 'c'].map((n) => freshChannel(`fault-${n}`));
  const channelOf = new Map();
  const only = process.env.FAULT_TRANSPORTS?.split(',');
  const runs = await Promise.all(TRANSPORTS.filter((t) => !only || only.includes(t)).map(async (transport) => {
    // The browser keeps connections alive across requests, so every connection is cut: poll-shaped
    // ones at a random byte of their first 1,500 or within a second, streams within 50 to 400 ms.
    const proxy = await new CuttingProxy(Number(new URL(server.url).port), POLL_SHAPED.has(transport)
      ? { maxBytes: 1500, minMs: 5, maxMs: 1000 }
      : { minMs: 50, maxMs: 400 }).start();
    proxy.cutting = false;
    const page = await newPage(browser);
    await page.goto(origin.page(server.url));
    await subscribeInPage(page, { server: proxy.base, channel: channels, transports: [transport], options });
    return { transport, proxy, page };
  }));

  try {
    // Cuts count from the first publish on; the connections opened while subscribing go first.
    for (const r of runs) {
      r.proxy.cutting = true;
      r.proxy.cutAll();
      r.cutsBefore = r.proxy.cuts;
    }
    const cuts = (r) => r.proxy.cuts - r.cutsBefore;
    const published = [];
    let nextProgress = Date.now() + 10000;
    while (!runs.every((r) => cuts(r) >= RECONNECTS)) {
      if (Date.now() > nextProgress) {
        console.log(`# cuts so far: ${runs.map((r) => `${r.transport} ${cuts(r)}`).join(', ')}`);
        nextProgress += 10000;
      }
      const channel = channels[published.length % channels.length];
      const data = `m${published.length + 1}`;
      await publish(server.url, channel, data);
      published.push(data);
      channelOf.set(data, channel);
      await sleep(10);
    }
    for (const r of runs) r.proxy.cutting = false;
    await Promise.all(runs.map((r) => r.page.waitForFunction((n) => window.pw.got.length >= n, published.length,
      { timeout: 30000, polling: 100 }).catch(() => {})));
    await sleep(300);  // time for anything repeated to show up

    for (const r of runs) {
      const counts = tally(published, (await received(r.page)).map((m) => m.data), (d) => channelOf.get(d));
      const events = await clientEvents(r.page);
      const disconnects = events.filter((e) => e.name === 'disconnected').length;
      const gaps = events.filter((e) => e.name === 'gap').length;
      const errors = events.filter((e) => e.name === 'error').map((e) => e.value);
      console.log(`# ${r.transport}: ${cuts(r)} forced reconnects (the client reported ${disconnects} ` +
        `disconnects), ${counts.checked} messages checked, lost ${counts.lost}, repeated ${counts.repeated}, ` +
        `reordered ${counts.reordered}, gaps ${gaps}`);
      assert.deepEqual({ ...counts, gaps, errors }, { checked: published.length, lost: 0, repeated: 0, reordered: 0, gaps: 0,
        errors: [] }, r.transport);
      // Cuts show as net:: errors; a session op that a cut overtook finds its session ended (404)
      // and the client opens a new one.
      const unexpected = r.page.problems.filter((p) => !p.includes('net::') && !/status of 404 .*\/session\//.test(p));
      assert.deepEqual(unexpected, [], `${r.transport}: page problems`);
    }
  } finally {
    for (const r of runs) {
      await r.page.close();
      await r.proxy.stop();
    }
  }
});

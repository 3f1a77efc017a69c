// A poll session whose client receives nothing for a while (a network that holds its answers)
// drops its oldest messages past --max-session-buffer-bytes and marks their channels with a gap.
// History still keeps them, so the browser client must not lose them: the gapped channel leaves
// the session, reads history after its cursor and joins again from there, and every message of
// every channel arrives once, with no gap reported.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tally } from '../integration/lib/fault.mjs';
import {
  browserSuite, clientEvents, freshChannel, newPage, publish, received, sleep, subscribeInPage,
  waitForMessages,
} from './harness.mjs';
import { startRelay } from './relay_proxy.mjs';

// Forwards to the server; while `holding`, what the server sends waits in the relay.
async function startHoldingProxy(targetPort) {
  const state = { holding: false, release: [] };
  const relay = await startRelay(targetPort, {
    fromServer(piece, conn) {
      if (state.holding) state.release.push(() => conn.toClient(piece));
      else conn.toClient(piece);
    },
  });
  state.flow = () => {
    state.holding = false;
    for (const write of state.release.splice(0)) write();
  };
  return Object.assign(state, relay);
}

const suite = browserSuite({ serverArgs: ['--max-session-buffer-bytes', '2048', '--history', '1000'] });

for (const transport of ['longpoll', 'poll', 'jsonp']) {
  test(`${transport}: what a poll session dropped past its buffer comes from history`, { timeout: 30000 }, async () => {
    const { server, origin, browser } = suite;
    const proxy = await startHoldingProxy(Number(new URL(server.url).port));
    const page = await newPage(browser);
    try {
      await page.goto(origin.page(server.url));
      const channels = ['a', 'b'].map((n) => freshChannel(`overflow-${n}`));
      await subscribeInPage(page, { server: proxy.base, channel: channels, transports: [transport],
        options: { pollInterval: 50, longPollTimeout: 2 } });
      const published = [];
      const send = async (n) => {
        for (let i = 0; i < n; i++) {
          const data = `m${published.length}`;
          await publish(server.url, channels[published.length % 2], data);
          published.push(data);
        }
      };
      await send(4);
      proxy.holding = true;
      await sleep(300);
      await send(60);  // about 8 KB of envelopes: past the 2 KB buffer
      await sleep(300);
      proxy.flow();
      await send(4);
      await waitForMessages(page, published.length).catch(() => {});
      const events = await clientEvents(page);
      assert.deepEqual(events.filter((e) => e.name === 'gap' || e.name === 'error'), [], 'no gap, no error');
      const channelOf = (d) => channels[Number(d.slice(1)) % 2];
      assert.deepEqual(tally(published, (await received(page)).map((m) => m.data), channelOf),
        { checked: published.length, lost: 0, repeated: 0, reordered: 0 });
    } finally {
      await page.close();
      await proxy.close();
    }
  });
}

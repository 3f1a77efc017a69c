// Each transport, forced alone, from a page of another origin: ten messages in order, the ids the
// server gave, and the gap signal for a cursor the server does not know.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  browserSuite, clientEvents, freshChannel, onOriginPage, publish, received, sleep, subscribeInPage, TRANSPORTS,
  waitForMessages,
} from './harness.mjs';

const suite = browserSuite();

describe('each transport alone, cross-origin', () => {
  for (const transport of TRANSPORTS) {
    test(`${transport}: 10 messages in order`, { timeout: 30000 }, () => onOriginPage(suite, async (page, { server }) => {
      const channel = freshChannel(transport);
      const used = await subscribeInPage(page, { server: server.url, channel, transports: [transport], options: { pollInterval: 300 } });
      assert.equal(used, transport);

      const ids = [];
      for (let i = 0; i < 10; i++) ids.push(await publish(server.url, channel, `message ${i}`));
      await waitForMessages(page, 10);
      await sleep(transport === 'poll' ? 700 : 300); // time for anything extra to show up
      const got = await received(page);

      assert.deepEqual(got.map((m) => m.data), ids.map((_, i) => `message ${i}`));
      assert.deepEqual(got.map((m) => m.id), ids);
      for (const m of got) {
        assert.equal(m.channel, channel);
        assert.equal(m.event, 'message');
        assert.equal(typeof m.time, 'number');
      }
      const events = await clientEvents(page);
      assert.deepEqual(events.filter((e) => e.name === 'transport').map((e) => e.value), [transport]);
      assert.deepEqual(page.problems, []);
    }));

    test(`${transport}: named events and multi-line data arrive intact`, { timeout: 30000 },
      () => onOriginPage(suite, async (page, { server }) => {
        const channel = freshChannel(`${transport}-ev`);
        await subscribeInPage(page, { server: server.url, channel, transports: [transport], options: { pollInterval: 300 } });
        await publish(server.url, channel, 'line one\nline two\r\nline three', { event: 'update' });
        await publish(server.url, channel, '{"json": "ünïcødé ✓"}');
        await waitForMessages(page, 2);
        const got = await received(page);
        // Every transport carries JSON envelopes (a session's SSE data is one too), which keep the text as it was.
        assert.deepEqual(got.map((m) => [m.event, m.data]), [
          ['update', 'line one\nline two\r\nline three'],
          ['message', '{"json": "ünïcødé ✓"}'],
        ]);
      }));

    test(`${transport}: an unknown cursor gives a gap event, then what is kept`, { timeout: 30000 },
      () => onOriginPage(suite, async (page, { server }) => {
        const channel = freshChannel(`${transport}-gap`);
        await publish(server.url, channel, 'kept');
        await subscribeInPage(page, { server: server.url, channel, transports: [transport], since: 'no-such-id', options: { pollInterval: 300 } });
        await waitForMessages(page, 1);
        const events = await clientEvents(page);
        assert.deepEqual(events.filter((e) => e.name === 'gap').map((e) => e.value), [{ channel }]);
        assert.deepEqual((await received(page)).map((m) => m.data), ['kept']);
      }));
  }
});

describe('XHR progress events where fetch cannot stream', () => {
  for (const transport of ['sse', 'stream']) {
    test(`${transport} over XHR: messages in order`, { timeout: 30000 }, () => onOriginPage(suite, async (page, { server }) => {
      const channel = freshChannel(`${transport}-xhr`);
      await subscribeInPage(page, { server: server.url, channel, transports: [transport], options: { httpStreaming: 'xhr' } });
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await publish(server.url, channel, `x${i}`));
      await waitForMessages(page, 5);
      assert.deepEqual((await received(page)).map((m) => m.id), ids);
      assert.deepEqual(page.problems, []);
    }));
  }
});

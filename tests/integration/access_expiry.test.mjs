// A subscription ends when the token behind it expires: streams get the
// _expired signal and end, a waiting long-poll answers; a client that comes
// back with a fresh token and its cursor loses nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { channelName, publish, request } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { FORMATS, eventSource, openStream, streamMessages, until } from './lib/streams.mjs';
import { SECRET, hsToken } from './lib/tokens.mjs';

const KEY = 'publish-key-42';
const EXPIRED = {
  sse: (channel) => `event: _expired\ndata: {"channel":"${channel}"}\n\n`,
  stream: (channel) => `{"channel":"${channel}","event":"_expired"}\n`,
  iframe: (channel) => `<script>parent.cb({"channel":"${channel}","event":"_expired"});</script>`,
};

describe('token expiry', () => {
  let server;
  before(async () => { server = await startServer(null, ['--jwt-secret', SECRET, '--publish-key', KEY]); });
  after(() => server.stop());

  for (const format of FORMATS) {
    test(`${format.name}: _expired at exp, then the stream ends; a fresh token resumes without loss`, async () => {
      const channel = channelName('user.u42');
      const short = await hsToken({ subscribe: [channel] }, { expiresIn: 2 });
      const reader = await openStream(server.port, format.path(channel, `token=${short}`));
      assert.equal(reader.response.status, 200);
      const { id: firstId } = await publish(server.base, channel, 'before expiry', { key: KEY });
      await reader.waitForText('before expiry');
      const started = Date.now();
      await reader.waitForText(EXPIRED[format.name](channel), 4000);
      // The response ends: its last chunk, or the connection's end for a body without chunks.
      await reader.waitFor((r) => r.terminated || r.ended, 2000, 'the end of the response');
      assert.ok(Date.now() - started < 3500);
      const seen = streamMessages(format.name, reader.text).filter((m) => m.event !== '_expired');
      assert.deepEqual(seen.map((m) => m.data), ['before expiry']);

      await publish(server.base, channel, 'while away', { key: KEY });
      const fresh = await hsToken({ subscribe: [channel] });
      const again = await openStream(server.port, format.path(channel, `since=${firstId}&token=${fresh}`));
      try {
        await again.waitForText('while away');
        assert.deepEqual(streamMessages(format.name, again.text).map((m) => m.data), ['while away']);
      } finally {
        again.destroy();
      }
      // The expired token itself no longer opens the stream.
      const refused = await openStream(server.port, format.path(channel, `token=${short}`));
      assert.equal(refused.response.status, 401);
      refused.destroy();
    });
  }

  test('an EventSource sees _expired, is refused with the old token, and resumes with a fresh one', async () => {
    const channel = channelName('user.u42');
    const url = (token) => `${server.base}/sse/${channel}?token=${token}`;
    const first = eventSource(url(await hsToken({ subscribe: [channel] }, { expiresIn: 2 })), { events: ['_expired'] });
    try {
      await until(() => first.seen.opens === 1, 3000, 'the first open');
      await publish(server.base, channel, 'one', { key: KEY });
      await until(() => first.seen.named._expired.length === 1, 4000, 'the _expired event');
      assert.deepEqual(JSON.parse(first.seen.named._expired[0].data), { channel });
      // It reconnects on its own with the same URL, whose token is now refused: it gives up.
      await until(() => first.source.readyState === 2, 5000, 'the EventSource to give up');
      assert.equal(first.seen.opens, 1);
    } finally {
      first.source.close();
    }
    const lastId = first.seen.messages.find((m) => m.data === 'one').id;
    await publish(server.base, channel, 'two', { key: KEY });
    const second = eventSource(url(await hsToken({ subscribe: [channel] })), { headers: { 'last-event-id': lastId } });
    try {
      await until(() => second.seen.messages.length === 1, 3000, 'the message published while away');
      assert.equal(second.seen.messages[0].data, 'two');
    } finally {
      second.source.close();
    }
  });

  test('a waiting long-poll answers, empty, at the token\'s exp', async () => {
    const channel = channelName('user.u42');
    const token = await hsToken({ subscribe: [channel] }, { expiresIn: 2 });
    const res = await request(server.base, `/lp/${channel}?timeout=30&token=${token}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json().messages, []);
    assert.ok(res.elapsedMs < 3000, `answered after ${res.elapsedMs} ms`);
  });
});

// Access control on the carriers of several channels: a multi-channel stream
// is refused whole unless the token grants every channel it names; a session
// op is decided with the token of the request that carries it; the stream
// ends at the earliest expiry of its grants, with _expired for each channel.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { channelName, publish, request } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { openStream, parseStream, until } from './lib/streams.mjs';
import { SECRET, hsToken } from './lib/tokens.mjs';

const KEY = 'publish-key-7';
const lines = (reader) => parseStream(reader.text).filter(Boolean);
const streamUrl = (channels, token) =>
  `/stream?${new URLSearchParams([...channels.map((c) => ['channel', c]), ['token', token]])}`;

describe('access control on multi-channel streams and session ops', () => {
  let server;
  before(async () => { server = await startServer(null, ['--jwt-secret', SECRET, '--publish-key', KEY]); });
  after(() => server.stop());

  test('a stream naming a channel the token does not grant is 403, one with no token 401', async () => {
    const [mine, theirs] = [channelName('u1.a'), channelName('u2.a')];
    const token = await hsToken({ sub: 'u1', subscribe: ['u1.*'] });
    const refused = await request(server.base, streamUrl([mine, theirs], token));
    assert.equal(refused.status, 403, refused.body);
    assert.equal(JSON.parse(refused.body).error, 'forbidden');
    const anonymous = await request(server.base, `/stream?channel=${mine}`);
    assert.equal(anonymous.status, 401, anonymous.body);
  });

  test('a subscribe op is decided with its own request\'s token, and a refused one says why', async (t) => {
    const [a, b, c] = [channelName('u1.a'), channelName('u1.b'), channelName('u2.c')];
    const token = await hsToken({ sub: 'u1', subscribe: ['u1.*'] });
    const reader = await openStream(server.port, streamUrl([a], token));
    t.after(() => reader.destroy());
    await until(() => lines(reader).length >= 1, 3000, 'the session announcement');
    const { session } = lines(reader)[0];
    const post = (ops, bearer) => request(server.base, `/session/${session}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify(ops),
    });
    const anonymous = await post([{ op: 'subscribe', channel: b, ref: 1 }]);
    assert.equal(JSON.parse(anonymous.body).results[0].error, 'unauthorized', anonymous.body);
    const answer = await post([{ op: 'subscribe', channel: b, ref: 2 }, { op: 'subscribe', channel: c, ref: 3 }], token);
    const [granted, forbidden] = JSON.parse(answer.body).results;
    assert.equal(granted.ok, true, answer.body);
    assert.equal(forbidden.error, 'forbidden', answer.body);
    await publish(server.base, c, 'not for u1', { key: KEY });
    await publish(server.base, b, 'for u1', { key: KEY });
    await until(() => lines(reader).some((l) => l.data === 'for u1'), 3000, 'the granted channel\'s message');
    assert.ok(!lines(reader).some((l) => l.data === 'not for u1'), reader.text);
  });

  test('the stream ends at the earliest expiry of its grants, with _expired for every channel', async () => {
    const [a, b] = [channelName('u1.a'), channelName('u1.b')];
    const token = await hsToken({ sub: 'u1', subscribe: ['u1.*'] }, { expiresIn: 2 });
    const reader = await openStream(server.port, streamUrl([a, b], token));
    await reader.waitForEnd(6000);
    const expired = lines(reader).filter((l) => l.event === '_expired').map((l) => l.channel).sort();
    assert.deepEqual(expired, [a, b].sort(), reader.text);
  });
});

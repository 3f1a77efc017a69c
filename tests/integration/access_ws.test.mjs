// Access control on WebSockets: the token at the handshake (header or
// ?token=) or in an auth op, subscribe and publish ops checked with error ops
// while the connection stays open, /ws/{channel} checked at the handshake,
// expiry with the expired op and a resume without loss after a fresh auth
// op, and failed auth ops slowed down and then cut off.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { channelName, publish, request } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { metric } from './lib/streams.mjs';
import { openWs } from './lib/ws_raw.mjs';
import { SECRET, hsToken } from './lib/tokens.mjs';

const KEY = 'publish-key-42';

function assertError(reply, code) {
  assert.equal(reply.op, 'error', JSON.stringify(reply));
  assert.equal(reply.code, code, JSON.stringify(reply));
}

describe('access control on WebSockets', () => {
  let server;
  before(async () => {
    server = await startServer(null, ['--jwt-secret', SECRET, '--publish-key', KEY, '--public-channels', 'lobby-*']);
  });
  after(() => server.stop());

  async function open(t, path = '/ws', headers) {
    const socket = await openWs(server.base, path, { headers });
    t.after(() => socket.terminate());
    return socket;
  }

  for (const via of ['header', 'query']) {
    test(`a token at the handshake by ${via} grants its channels; others are 403, the socket stays`, async (t) => {
      const mine = channelName('user.u42');
      const token = await hsToken({ sub: 'u42', subscribe: ['user.u42-*'], publish: ['user.u42-*'] });
      const socket = via === 'header'
        ? await open(t, '/ws', { authorization: `Bearer ${token}` })
        : await open(t, `/ws?token=${token}`);
      await socket.subscribe(mine);
      assertError(await socket.call({ op: 'subscribe', channel: channelName('user.u43') }), 'forbidden');
      assertError(await socket.call({ op: 'publish', channel: channelName('other'), data: 'x' }), 'forbidden');
      const { id } = await socket.publish(mine, 'mine');
      const [message] = await socket.messages(mine, 1);
      assert.equal(message.id, id);
    });
  }

  test('without a token: 401 on private channels, public ones open; an auth op brings the token', async (t) => {
    const socket = await open(t);
    const channel = channelName('user.u42');
    assertError(await socket.call({ op: 'subscribe', channel }), 'unauthorized');
    await socket.subscribe(channelName('lobby'));
    assertError(await socket.call({ op: 'publish', channel: channelName('lobby'), data: 'x' }), 'unauthorized');
    await socket.ok({ op: 'auth', token: await hsToken({ subscribe: ['user.u42-*'] }) });
    await socket.subscribe(channel);
  });

  test('the publish key still publishes, by auth op or at the handshake', async (t) => {
    const socket = await open(t);
    await socket.ok({ op: 'auth', key: KEY });
    await socket.publish(channelName('any'), 'by key');
    const keyed = await open(t, `/ws?key=${KEY}`);
    await keyed.publish(channelName('any'), 'by key');
    const bearer = await open(t, '/ws', { authorization: `Bearer ${KEY}` });
    await bearer.publish(channelName('any'), 'by key');
  });

  test('/ws/{channel} is checked at the handshake', async () => {
    const channel = channelName('user.u42');
    for (const [path, status] of [[`/ws/${channel}`, 401],
      [`/ws/${channel}?token=${await hsToken({ subscribe: ['other'] })}`, 403]]) {
      const res = await request(server.base, path, {
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      assert.equal(res.status, status, path);
    }
    const token = await hsToken({ subscribe: [channel] });
    const socket = await openWs(server.base, `/ws/${channel}?token=${token}`);
    await publish(server.base, channel, 'to the channel socket', { key: KEY });
    assert.equal((await socket.take((op) => op.op === 'message')).data, 'to the channel socket');
    socket.terminate();
  });

  test('at exp: the expired op; a fresh auth op resumes from the last id, nothing lost or repeated', async (t) => {
    const channel = channelName('user.u42');
    const lobby = channelName('lobby');
    const socket = await open(t, `/ws?token=${await hsToken({ subscribe: [channel] }, { expiresIn: 2 })}`);
    await socket.subscribe(channel);
    await socket.subscribe(lobby);
    await publish(server.base, channel, 'one', { key: KEY });
    assert.equal((await socket.messages(channel, 1))[0].data, 'one');

    const expired = await socket.take((op) => op.op === 'expired', 4000, 'the expired op');
    assert.deepEqual(expired, { op: 'expired', channel });
    await publish(server.base, channel, 'two', { key: KEY });
    await publish(server.base, lobby, 'public goes on', { key: KEY });
    assert.equal((await socket.messages(lobby, 1))[0].data, 'public goes on');
    await socket.assertQuiet(300, 'nothing on the expired channel');
    // An expired grant grants nothing new either.
    assertError(await socket.call({ op: 'subscribe', channel: channelName('user.u42') }), 'unauthorized');

    await socket.ok({ op: 'auth', token: await hsToken({ subscribe: [channel] }) });
    await publish(server.base, channel, 'three', { key: KEY });
    assert.deepEqual((await socket.messages(channel, 2)).map((m) => m.data), ['two', 'three']);
    await socket.assertQuiet(300, 'no repeats');
  });

  test('/ws/{channel} at exp: the expired op, then a 1008 close (it cannot send an auth op)', async () => {
    const channel = channelName('user.u42');
    const token = await hsToken({ subscribe: [channel] }, { expiresIn: 2 });
    const socket = await openWs(server.base, `/ws/${channel}?token=${token}`);
    try {
      assert.deepEqual(await socket.take((op) => op.op === 'expired', 4000, 'the expired op'), { op: 'expired', channel });
      assert.equal((await socket.closed).code, 1008);
    } finally {
      socket.terminate();
    }
  });

  test('/ws/{channel} of a public channel outlives the token it was opened with', async () => {
    const lobby = channelName('lobby');
    const token = await hsToken({ subscribe: [channelName('user.u42')] }, { expiresIn: 2 });
    const socket = await openWs(server.base, `/ws/${lobby}?token=${token}`);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await publish(server.base, lobby, 'after exp', { key: KEY });
      assert.equal((await socket.messages(lobby, 1, 4000))[0].data, 'after exp');
      await socket.assertQuiet(300, 'no expired op');
      assert.equal(socket.closeInfo, null, 'still open');
    } finally {
      socket.terminate();
    }
  });

  test('a fresh token that no longer grants a channel ends that subscription', async (t) => {
    const channel = channelName('user.u42');
    const socket = await open(t, `/ws?token=${await hsToken({ subscribe: [channel] })}`);
    await socket.subscribe(channel);
    await socket.ok({ op: 'auth', token: await hsToken({ subscribe: ['elsewhere'] }) });
    assert.deepEqual(await socket.next(), { op: 'expired', channel });
    await publish(server.base, channel, 'not for you', { key: KEY });
    await socket.assertQuiet(300, 'nothing after the subscription ended');
  });

  test('failed auth ops: three at full speed, then one a second, the tenth closes with 1008', async (t) => {
    const refusedBefore = await metric(server.base, 'pushwire_access_refused_total{reason="auth_ops_exceeded"}');
    const socket = await open(t);
    const started = Date.now();
    for (let i = 1; i <= 3; i++) assertError(await socket.call({ op: 'auth', token: 'bad' }), 'unauthorized');
    assert.ok(Date.now() - started < 500, 'the first failures are answered at once');
    assertError(await socket.call({ op: 'auth', key: 'wrong' }), 'unauthorized');
    const slowStarted = Date.now();
    assertError(await socket.call({ op: 'auth', token: 'bad' }, 4000), 'unauthorized');
    assert.ok(Date.now() - slowStarted >= 900, `the fifth waited ${Date.now() - slowStarted} ms`);
    for (let i = 6; i <= 9; i++) assertError(await socket.call({ op: 'auth', token: 'bad' }, 4000), 'unauthorized');
    socket.send({ op: 'auth', token: 'bad' });
    const { code } = await socket.closed;
    assert.equal(code, 1008);
    assert.equal(await metric(server.base, 'pushwire_access_refused_total{reason="auth_ops_exceeded"}'),
      refusedBefore + 1);
  });
});

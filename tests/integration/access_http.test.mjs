// Access control on every HTTP technique: tokens minted by `jose`, presented
// as "Authorization: Bearer" and as ?token=; 401 against 403; the publish
// key; public channels; refusals counted in /metrics.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, channelName, publish, publishRaw, request } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { metric, openStream } from './lib/streams.mjs';
import { SECRET, badlySigned, hsToken, unsignedToken } from './lib/tokens.mjs';

const KEY = 'publish-key-42';

// Each technique: how to read one message that is already kept, given a query string.
const TECHNIQUES = [
  { name: 'poll', path: (c, q) => `/poll/${c}?since=0&${q}` },
  { name: 'long-poll', path: (c, q) => `/lp/${c}?since=0&timeout=5&${q}` },
  { name: 'jsonp', path: (c, q) => `/jsonp/${c}?callback=cb&since=0&timeout=5&${q}` },
  { name: 'sse', path: (c, q) => `/sse/${c}?since=0&${q}`, stream: true },
  { name: 'stream', path: (c, q) => `/stream/${c}?since=0&${q}`, stream: true },
  { name: 'iframe', path: (c, q) => `/iframe/${c}?callback=cb&since=0&${q}`, stream: true },
];

// {status, body}: for a stream, the head's status and the body until `text` shows or it ends.
async function read(server, technique, channel, { token, via = 'header', text }) {
  const query = token && via === 'query' ? `token=${encodeURIComponent(token)}` : '';
  const headers = token && via === 'header' ? { authorization: `Bearer ${token}` } : {};
  const path = technique.path(channel, query);
  if (!technique.stream) {
    const res = await request(server.base, path, { headers });
    return { status: res.status, body: res.body, res };
  }
  const reader = await openStream(server.port, path, { headers });
  try {
    if (reader.response.status === 200) await reader.waitForText(text);
    else await reader.waitForEnd();
    return { status: reader.response.status, body: reader.text, headers: reader.response.headers };
  } finally {
    reader.destroy();
  }
}

describe('access control over HTTP', () => {
  let server;
  before(async () => {
    server = await startServer(null, ['--jwt-secret', SECRET, '--publish-key', KEY, '--public-channels', 'lobby-*']);
  });
  after(() => server.stop());

  for (const technique of TECHNIQUES) {
    for (const via of ['header', 'query']) {
      test(`${technique.name}: a token by ${via} that grants the channel reads it`, async () => {
        const channel = channelName('user.u42');
        await publish(server.base, channel, 'secret text', { key: KEY });
        const token = await hsToken({ sub: 'u42', subscribe: ['user.u42-*'] });
        const { status, body } = await read(server, technique, channel, { token, via, text: 'secret text' });
        assert.equal(status, 200, body);
        assert.match(body, /secret text/);
      });

      test(`${technique.name}: a token by ${via} for other channels is 403 forbidden`, async () => {
        const channel = channelName('user.u43');
        const token = await hsToken({ sub: 'u42', subscribe: ['user.u42-*'], publish: [channel] });
        const { status, body } = await read(server, technique, channel, { token, via });
        assert.equal(status, 403);
        assert.equal(JSON.parse(body).error, 'forbidden');
      });
    }

    test(`${technique.name}: no token is 401 unauthorized`, async () => {
      const { status, body } = await read(server, technique, channelName('private'), {});
      assert.equal(status, 401);
      assert.equal(JSON.parse(body).error, 'unauthorized');
    });

    test(`${technique.name}: a public channel needs no token`, async () => {
      const channel = channelName('lobby');
      await publish(server.base, channel, 'for all', { key: KEY });
      const { status, body } = await read(server, technique, channel, { text: 'for all' });
      assert.equal(status, 200, body);
    });
  }

  test('every bad token is 401 with the reason counted in /metrics', async () => {
    const channel = channelName('user.u42');
    const claims = { subscribe: ['*'] };
    const cases = [
      ['token_expired', await hsToken(claims, { expiresIn: -5 })],
      ['token_bad_signature', await badlySigned(claims)],
      ['token_bad_algorithm', unsignedToken(claims)],
      ['token_not_yet_valid', await hsToken(claims, { notBefore: 600 })],
      ['token_malformed', 'not-a-token'],
      ['token_too_large', await hsToken({ ...claims, pad: 'x'.repeat(9000) })],
    ];
    for (const [reason, token] of cases) {
      const name = `pushwire_access_refused_total{reason="${reason}"}`;
      const before = await metric(server.base, name);
      const res = await request(server.base, `/poll/${channel}`, { headers: { authorization: `Bearer ${token}` } });
      assertError(res, 401);
      assert.equal(res.json().error, 'unauthorized', reason);
      assert.equal(res.headers['www-authenticate'], 'Bearer');
      assert.equal(await metric(server.base, name), before + 1, reason);
    }
    const forbidden = 'pushwire_access_refused_total{reason="forbidden"}';
    const before = await metric(server.base, forbidden);
    const token = await hsToken({ subscribe: ['other'] });
    assertError(await request(server.base, `/poll/${channel}?token=${token}`), 403);
    assert.equal(await metric(server.base, forbidden), before + 1);
  });

  test('publishing: a token whose "publish" grants the channel, or the publish key', async () => {
    const channel = channelName('chat');
    const token = await hsToken({ publish: ['chat-*'] });
    await publish(server.base, channel, 'by token', { key: token });
    await publish(server.base, channel, 'by key', { key: KEY });
    const readOnly = await hsToken({ subscribe: ['*'] });
    const refused = await publishRaw(server.base, channel, 'x', { key: readOnly });
    assertError(refused, 403);
    assert.equal(refused.json().error, 'forbidden');
    for (const key of [undefined, 'wrong-key', await hsToken({ publish: ['*'] }, { expiresIn: -1 })]) {
      const res = await publishRaw(server.base, channel, 'x', { key });
      assertError(res, 401);
      assert.equal(res.json().error, 'unauthorized');
    }
    // Public channels are for reading only.
    assertError(await publishRaw(server.base, channelName('lobby'), 'x'), 401);
  });
});

describe('access control with an issuer and an audience', () => {
  let server;
  before(async () => {
    server = await startServer(null, ['--jwt-secret', SECRET, '--jwt-issuer', 'https://auth.example',
      '--jwt-audience', 'pushwire']);
  });
  after(() => server.stop());

  test('only tokens of that issuer for that audience are taken', async () => {
    const claims = { subscribe: ['*'] };
    const good = await hsToken(claims, { issuer: 'https://auth.example', audience: ['other', 'pushwire'] });
    assert.equal((await request(server.base, `/poll/news?token=${good}`)).status, 200);
    for (const token of [
      await hsToken(claims, { issuer: 'https://evil.example', audience: 'pushwire' }),
      await hsToken(claims, { issuer: 'https://auth.example', audience: 'other' }),
      await hsToken(claims, { audience: 'pushwire' }),
      await hsToken(claims, { issuer: 'https://auth.example' }),
    ])
      assertError(await request(server.base, `/poll/news?token=${token}`), 401);
  });
});

describe('without --jwt-*, v1 rules', () => {
  let server;
  before(async () => { server = await startServer(null, ['--publish-key', KEY]); });
  after(() => server.stop());

  test('subscribing is open and publishing needs the key', async () => {
    const channel = channelName();
    await publish(server.base, channel, 'x', { key: KEY });
    assert.equal((await request(server.base, `/poll/${channel}`)).status, 200);
    assertError(await publishRaw(server.base, channel, 'x', { key: 'nope' }), 401);
    assertError(await publishRaw(server.base, channel, 'x'), 401);
    assert.equal(await metric(server.base, 'pushwire_access_refused_total{reason="publish_key_wrong"}'), 2);
  });
});

// The iframe relay page posts to the origin its ?origin= names: the server serves it only for an
// origin --allow-origin allows, and refuses (and counts) every other.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, request } from './lib/http.mjs';
import { refused } from './lib/metrics.mjs';
import { startServer } from './lib/server.mjs';

const ALLOWED = 'https://app.example';
const relay = (origin) => `/iframe-relay.html${origin === undefined ? '' : `?origin=${encodeURIComponent(origin)}`}`;

describe('the relay with --allow-origin', () => {
  let server;
  before(async () => { server = await startServer(null, ['--allow-origin', ALLOWED, '--allow-origin', 'http://127.0.0.1:8081']); });
  after(() => server.stop());

  for (const origin of [ALLOWED, 'http://127.0.0.1:8081']) {
    test(`served for ${origin}`, async () => {
      const res = await request(server.base, relay(origin));
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'], /^text\/html/);
      assert.match(res.body, /postMessage/);
    });
  }

  test('HEAD answers as GET does', async () => {
    assert.equal((await request(server.base, relay(ALLOWED), { method: 'HEAD' })).status, 200);
    assert.equal((await request(server.base, relay('https://evil.example'), { method: 'HEAD' })).status, 403);
  });

  test('refused for any other origin, a missing one, and what is no origin, each counted', async () => {
    const before = await refused(server.base, 'origin_not_allowed');
    const others = ['https://evil.example', `${ALLOWED}.evil.example`, `${ALLOWED}/`, `${ALLOWED}:443`, 'http://app.example',
      'null', '*', '', undefined];
    for (const origin of others) {
      const res = await request(server.base, relay(origin));
      assertError(res, 403);
      assert.equal(res.json().error, 'origin_not_allowed', String(origin));
      assert.doesNotMatch(res.body, /postMessage/);
    }
    assert.equal(await refused(server.base, 'origin_not_allowed'), before + others.length);
  });
});

describe('the relay with the default --allow-origin *', () => {
  let server;
  before(async () => { server = await startServer(null); });
  after(() => server.stop());

  test('served for any web origin, which it then posts to', async () => {
    for (const origin of ['https://any.example', 'http://127.0.0.1:1234', 'http://[::1]:80']) {
      assert.equal((await request(server.base, relay(origin))).status, 200, origin);
    }
  });

  test('still refused without an origin it could post to: never to *', async () => {
    for (const origin of [undefined, 'null', '*', 'file://', 'javascript:alert(1)', 'https://a.example/path', 'https://user@a.example']) {
      assert.equal((await request(server.base, relay(origin))).status, 403, String(origin));
    }
  });
});

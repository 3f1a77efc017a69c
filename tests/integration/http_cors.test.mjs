// CORS: preflight on every endpoint, and Access-Control-Allow-Origin per --allow-origin.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { channelName, publish, publishRaw, request } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';

const ORIGIN = 'https://x.example';

function list(header) {
  return (header ?? '').split(',').map((item) => item.trim().toLowerCase()).filter(Boolean);
}

function preflight(base, path, origin, method, requestHeaders) {
  return request(base, path, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      ...(requestHeaders ? { 'access-control-request-headers': requestHeaders } : {}),
    },
  });
}

// Every endpoint of the contract, with the method and headers a page would use.
function endpoints() {
  const channel = channelName();
  return [
    ['/', 'GET'], ['/healthz', 'GET'], ['/pushwire.js', 'GET'],
    [`/pub/${channel}`, 'POST', 'authorization, content-type'],
    [`/poll/${channel}`, 'GET'], [`/lp/${channel}?timeout=1`, 'GET'],
    [`/jsonp/${channel}?callback=cb`, 'GET'], [`/sse/${channel}`, 'GET', 'last-event-id'],
    [`/stream/${channel}`, 'GET'], [`/iframe/${channel}?callback=cb`, 'GET'],
    ['/ws', 'GET'], [`/ws/${channel}`, 'GET'],
  ];
}

function assertAllowsOrigin(res, origin) {
  const allowed = res.headers['access-control-allow-origin'];
  assert.ok(allowed === '*' || allowed === origin,
    `Access-Control-Allow-Origin should be * or ${origin}, is ${allowed} (status ${res.status})`);
}

describe('CORS with the default --allow-origin *', () => {
  let server;
  before(async () => { server = await startServer(null); });
  after(() => server.stop());

  for (const [path, method, requestHeaders] of endpoints()) {
    test(`OPTIONS ${path.replace(/-[0-9a-f]{12}/, '-C')} answers the preflight`, async () => {
      const res = await preflight(server.base, path, ORIGIN, method, requestHeaders ?? 'content-type');
      assert.ok(res.status >= 200 && res.status < 300, `status ${res.status}`);
      assertAllowsOrigin(res, ORIGIN);
      const methods = list(res.headers['access-control-allow-methods']);
      assert.ok(methods.includes(method.toLowerCase()) || methods.includes('*'),
        `Access-Control-Allow-Methods should include ${method}: ${res.headers['access-control-allow-methods']}`);
      const headers = list(res.headers['access-control-allow-headers']);
      for (const name of list(requestHeaders ?? 'content-type')) {
        // A wildcard never covers Authorization (Fetch standard).
        assert.ok(headers.includes(name) || (headers.includes('*') && name !== 'authorization'),
          `Access-Control-Allow-Headers should allow ${name}: ${res.headers['access-control-allow-headers']}`);
      }
    });
  }

  test('a preflight whose Access-Control-Request-Headers come on two lines allows both', async () => {
    // Node sends an array value as one header line per element.
    const res = await preflight(server.base, `/pub/${channelName()}`, ORIGIN, 'POST', ['authorization', 'content-type']);
    assert.equal(res.status, 204);
    const allowed = list(res.headers['access-control-allow-headers']);
    assert.ok(allowed.includes('authorization') && allowed.includes('content-type'),
      `Access-Control-Allow-Headers should allow both: ${res.headers['access-control-allow-headers']}`);
  });

  test('responses carry Access-Control-Allow-Origin', async () => {
    const channel = channelName();
    const headers = { origin: ORIGIN };
    const published = await publishRaw(server.base, channel, 'x', { headers });
    assert.equal(published.status, 200);
    assertAllowsOrigin(published, ORIGIN);
    for (const path of [
      `/poll/${channel}?since=0`, `/lp/${channel}?since=0`, `/jsonp/${channel}?callback=cb&since=0`,
      '/healthz', '/pushwire.js', '/',
    ]) {
      const res = await request(server.base, path, { headers });
      assert.equal(res.status, 200, path);
      assertAllowsOrigin(res, ORIGIN);
    }
  });

  test('errors carry it too, so that a page can read them', async () => {
    const res = await publishRaw(server.base, 'bad!channel', 'x', { headers: { origin: ORIGIN } });
    assert.equal(res.status, 400);
    assertAllowsOrigin(res, ORIGIN);
  });
});

describe('CORS with --allow-origin https://a.example --allow-origin https://b.example:8443', () => {
  let server;
  before(async () => {
    server = await startServer(null,
      ['--allow-origin', 'https://a.example', '--allow-origin', 'https://b.example:8443']);
  });
  after(() => server.stop());

  test('an allowed origin is echoed', async () => {
    const channel = channelName();
    for (const origin of ['https://a.example', 'https://b.example:8443']) {
      const res = await request(server.base, `/poll/${channel}`, { headers: { origin } });
      assert.equal(res.status, 200);
      assert.equal(res.headers['access-control-allow-origin'], origin);
      const published = await publishRaw(server.base, channel, 'x', { headers: { origin } });
      assert.equal(published.headers['access-control-allow-origin'], origin);
    }
  });

  test('the echoed origin varies by Origin, for caches', async () => {
    const res = await request(server.base, `/poll/${channelName()}`, { headers: { origin: 'https://a.example' } });
    assert.ok(list(res.headers.vary).includes('origin'), `Vary should include Origin: ${res.headers.vary}`);
  });

  for (const origin of ['https://c.example', 'http://a.example', 'https://a.example.evil.test',
    'https://b.example', 'null']) {
    test(`${origin} gets no Access-Control-Allow-Origin`, async () => {
      const channel = channelName();
      const res = await request(server.base, `/poll/${channel}`, { headers: { origin } });
      assert.equal(res.headers['access-control-allow-origin'], undefined);
      const pre = await preflight(server.base, `/pub/${channel}`, origin, 'POST', 'authorization');
      assert.equal(pre.headers['access-control-allow-origin'], undefined);
    });
  }

  test('a preflight from an allowed origin is answered', async () => {
    const res = await preflight(server.base, `/pub/${channelName()}`, 'https://a.example', 'POST', 'authorization');
    assert.ok(res.status >= 200 && res.status < 300, `status ${res.status}`);
    assert.equal(res.headers['access-control-allow-origin'], 'https://a.example');
  });

  test('a publish without Origin still works', async () => {
    await publish(server.base, channelName(), 'x');
  });
});

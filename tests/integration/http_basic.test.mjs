// Regular HTTP: the demo page, the browser client, health, unknown paths and methods.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';

describe('regular HTTP', () => {
  let server;
  before(async () => { server = await startServer(null); });
  after(() => server.stop());

  test('GET / serves the demo page as HTML', async () => {
    const res = await request(server.base, '/');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/html/);
    assert.match(res.body, /<html|<!doctype html/i);
  });

  test('GET /healthz answers 200 ok', async () => {
    const res = await request(server.base, '/healthz');
    assert.equal(res.status, 200);
    assert.equal(res.body.trim(), 'ok');
  });

  test('GET /pushwire.js serves the browser client as JavaScript', async () => {
    const res = await request(server.base, '/pushwire.js');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /javascript/);
    assert.match(res.body, /Pushwire/);
  });

  for (const path of ['/nope', '/nope/deeper', '/polls/x', '/pushwire.jsx']) {
    test(`GET ${path} is 404`, async () => {
      const res = await request(server.base, path);
      assert.equal(res.status, 404);
    });
  }

  for (const [method, path] of [
    ['DELETE', '/poll/x'], ['GET', '/pub/x'], ['PUT', '/pub/x'], ['POST', '/poll/x'],
    ['POST', '/lp/x'], ['DELETE', '/jsonp/x?callback=cb'], ['POST', '/healthz'],
  ]) {
    test(`${method} ${path} is 405`, async () => {
      const res = await request(server.base, path, { method, body: method === 'GET' ? undefined : 'x' });
      assert.equal(res.status, 405);
    });
  }
});

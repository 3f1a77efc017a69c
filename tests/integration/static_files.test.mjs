// --static DIR as an attacker would probe it: links out of DIR, dotfiles, big
// files, and what a browser is allowed to do with what it gets.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { request } from './lib/http.mjs';
import { metrics } from './lib/streams.mjs';
import { startServer } from './lib/server.mjs';

describe('--static DIR', () => {
  let server;
  let dir;
  const outside = mkdtempSync(path.join(tmpdir(), 'pushwire-outside-'));

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pushwire-static-'));
    writeFileSync(path.join(outside, 'secret.txt'), 'outside secret');
    writeFileSync(path.join(dir, 'index.html'), '<!DOCTYPE html><title>x</title><script>var inline = 1;</script>');
    writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    writeFileSync(path.join(dir, 'data.bin'), '<html><script>alert(1)</script>');
    writeFileSync(path.join(dir, '.env'), 'SECRET=1');
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, '.git', 'config'), '[core]');
    symlinkSync(outside, path.join(dir, 'escape'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'secret.txt'));
    symlinkSync(path.join(dir, 'app.js'), path.join(dir, 'alias.js'));
    writeFileSync(path.join(dir, 'big.bin'), '');
    truncateSync(path.join(dir, 'big.bin'), 3 * 1024 * 1024 + 17);
    writeFileSync(path.join(dir, 'huge.txt'), '');
    truncateSync(path.join(dir, 'huge.txt'), 8 * 1024 * 1024 + 1);
    server = await startServer(null, ['--static', dir, '--static-max-bytes', String(8 * 1024 * 1024)]);
  });

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  test('symlinks out of DIR are refused, symlinks within it served', async () => {
    for (const p of ['/escape/secret.txt', '/secret.txt']) {
      const res = await request(server.base, p);
      assert.equal(res.status, 404, p);
      assert.doesNotMatch(res.body, /outside secret/);
    }
    const alias = await request(server.base, '/alias.js');
    assert.equal(alias.status, 200);
    assert.equal(alias.body, 'console.log(1)');
  });

  test('dotfiles and dot-directories are not served', async () => {
    for (const p of ['/.env', '/.git/config', '/%2egit/config', '/sub/../.env']) {
      const res = await request(server.base, p);
      assert.equal(res.status, 404, p);
      assert.equal(res.json().error, 'not_found');
    }
  });

  test('a large file is streamed whole, with its length, and the connection kept', async () => {
    const res = await request(server.base, '/big.bin', { headers: { connection: 'keep-alive' } });
    assert.equal(res.status, 200);
    assert.equal(Number(res.headers['content-length']), 3 * 1024 * 1024 + 17);
    assert.equal(res.buffer.length, 3 * 1024 * 1024 + 17);
    assert.equal(res.headers.connection, 'keep-alive');
    const head = await request(server.base, '/big.bin', { method: 'HEAD' });
    assert.equal(Number(head.headers['content-length']), 3 * 1024 * 1024 + 17);
    assert.equal(head.buffer.length, 0);
  });

  test('a file over --static-max-bytes gets 413 and is counted', async () => {
    const before = (await metrics(server.base)).pushwire_static_refused_total;
    const res = await request(server.base, '/huge.txt');
    assert.equal(res.status, 413);
    assert.equal(res.json().error, 'too_large');
    assert.equal((await metrics(server.base)).pushwire_static_refused_total, before + 1);
  });

  test('files of DIR carry no CORS header, nosniff and a restrictive CSP', async () => {
    const res = await request(server.base, '/app.js', { headers: { origin: 'https://evil.example' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    const csp = res.headers['content-security-policy'];
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /object-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  });

  test('an SVG is sandboxed and an unknown type is an attachment', async () => {
    const svg = await request(server.base, '/logo.svg');
    assert.equal(svg.headers['content-type'], 'image/svg+xml');
    assert.match(svg.headers['content-security-policy'], /(^|; )sandbox($|;)/);
    const bin = await request(server.base, '/data.bin');
    assert.equal(bin.headers['content-type'], 'application/octet-stream');
    assert.equal(bin.headers['content-disposition'], 'attachment');
    assert.equal(bin.headers['x-content-type-options'], 'nosniff');
  });
});

describe('nosniff on every response', () => {
  let server;
  before(async () => { server = await startServer(null); });
  after(async () => { await server?.stop(); });

  test('JSON, JSONP, errors, the demo page and the built-in client', async () => {
    for (const p of ['/poll/a', '/jsonp/a?callback=cb&timeout=0', '/nope', '/', '/pushwire.js', '/healthz', '/poll/%20']) {
      const res = await request(server.base, p);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', p);
    }
  });

  test('the built-in pages have a CSP that allows their own inline scripts only by hash', async () => {
    const page = await request(server.base, '/iframe-relay.html?origin=http://127.0.0.1:1');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-security-policy'], /script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'/);
  });
});

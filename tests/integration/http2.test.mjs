// HTTP/2: over TLS by ALPN and in cleartext with prior knowledge (h2c),
// through curl, Node's http2 module and nghttp2's h2load. Every endpoint
// behaves as over HTTP/1.1; streams are DATA frames on their own stream; a
// slow stream is reset alone; SIGTERM sends GOAWAY.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { channelName, sleep } from './lib/http.mjs';
import { h2Request, h2Session, h2Stream } from './lib/h2.mjs';
import { startServer } from './lib/server.mjs';
import { until } from './lib/streams.mjs';
import { makeCertificate, runCommand, sClient, tempDir } from './lib/tls.mjs';

async function curlJson(args) {
  const res = await runCommand('curl', ['-sS', '-w', '\n%{http_version}', ...args]);
  assert.equal(res.code, 0, `curl ${args.join(' ')}: ${res.stderr}`);
  const newline = res.stdout.lastIndexOf('\n');
  return { version: res.stdout.slice(newline + 1), body: JSON.parse(res.stdout.slice(0, newline)) };
}

describe('HTTP/2 over TLS', () => {
  let server;
  let files;
  let keys;
  let ca;
  before(async () => {
    keys = tempDir();
    files = await makeCertificate(keys.dir);
    ca = readFileSync(files.cert);
    server = await startServer(null, ['--tls-cert', files.cert, '--tls-key', files.key, '--max-pending-bytes', '8192']);
  });
  after(async () => {
    await server.stop();
    keys.remove();
  });

  test('ALPN prefers h2', async () => {
    const { code, output } = await sClient(server.port, ['-alpn', 'h2,http/1.1', '-CAfile', files.cert]);
    assert.equal(code, 0, output);
    assert.match(output, /ALPN protocol: h2/, output);
  });

  test('curl --http2 publishes and polls', async () => {
    const channel = channelName('h2');
    const published = await curlJson(['--http2', '--cacert', files.cert, '-d', 'over h2', `${server.base}/pub/${channel}`]);
    assert.equal(published.version, '2');
    assert.equal(published.body.channel, channel);
    const polled = await curlJson(['--http2', '--cacert', files.cert, `${server.base}/poll/${channel}?since=0`]);
    assert.equal(polled.version, '2');
    assert.deepEqual(polled.body.messages.map((m) => m.data), ['over h2']);
  });

  test('long-poll, errors and preflight answer as over HTTP/1.1', async (t) => {
    const session = await h2Session(t, server.base, { ca });
    const channel = channelName('h2');
    const waiting = h2Request(session, `/lp/${channel}?timeout=10`);
    await sleep(200);
    const published = await h2Request(session, `/pub/${channel}`, { method: 'POST', body: 'waited for' });
    assert.equal(published.status, 200, published.body);
    const answered = await waiting;
    assert.equal(answered.status, 200);
    assert.deepEqual(JSON.parse(answered.body).messages.map((m) => m.data), ['waited for']);

    const missing = await h2Request(session, '/no/such/path');
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body).error, 'not_found');
    const wrongMethod = await h2Request(session, `/pub/${channel}`, { method: 'PUT' });
    assert.equal(wrongMethod.status, 405);
    const tooLarge = await h2Request(session, `/pub/${channel}`, { method: 'POST', body: 'x'.repeat(70000) });
    assert.equal(tooLarge.status, 413);
    const preflight = await h2Request(session, `/pub/${channel}`, {
      method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
  });

  test('SSE arrives as DATA frames, not chunked', async (t) => {
    const session = await h2Session(t, server.base, { ca });
    const channel = channelName('h2');
    const { seen } = h2Stream(session, `/sse/${channel}`);
    await until(() => seen.headers, 3000, 'the SSE response head');
    assert.equal(seen.headers[':status'], 200);
    assert.match(seen.headers['content-type'], /^text\/event-stream/);
    assert.equal(seen.headers['transfer-encoding'], undefined);
    await h2Request(session, `/pub/${channel}`, { method: 'POST', body: 'first' });
    await h2Request(session, `/pub/${channel}`, { method: 'POST', body: 'second' });
    await until(() => seen.text.includes('data: second'), 3000, 'two events');
    assert.match(seen.text, /id: [^\n]+\ndata: first\n\n[\s\S]*id: [^\n]+\ndata: second\n\n/);
    assert.doesNotMatch(seen.text, /^[0-9a-f]+\r\n/m, 'no chunk-size lines');
  });

  test('120 SSE streams on one connection all receive', async (t) => {
    const session = await h2Session(t, server.base, { ca });
    const channel = channelName('h2many');
    const streams = Array.from({ length: 120 }, () => h2Stream(session, `/sse/${channel}`));
    await until(() => streams.every(({ seen }) => seen.headers), 5000, '120 response heads');
    await h2Request(session, `/pub/${channel}`, { method: 'POST', body: 'to all' });
    await until(() => streams.every(({ seen }) => seen.text.includes('data: to all')), 5000, 'every stream');
    assert.equal(streams.filter(({ seen }) => seen.closed).length, 0);
  });

  test('a stream that does not read is reset alone; the others go on', async (t) => {
    const session = await h2Session(t, server.base, { ca, settings: { initialWindowSize: 1024 } });
    const channel = channelName('h2slow');
    const slow = h2Stream(session, `/sse/${channel}`);
    const fast = h2Stream(session, `/sse/${channel}`);
    await until(() => slow.seen.headers && fast.seen.headers, 3000, 'both heads');
    slow.stream.pause();
    const payload = 'y'.repeat(1000);
    for (let i = 0; i < 30; i++) await h2Request(session, `/pub/${channel}`, { method: 'POST', body: `${i} ${payload}` });
    await until(() => slow.seen.closed, 3000, 'the slow stream reset');
    assert.equal(slow.seen.rstCode, 8, 'RST_STREAM with CANCEL');
    await until(() => fast.seen.text.includes(`data: 29 ${payload}`), 3000, 'every message on the fast stream');
    assert.equal(fast.seen.closed, false);
    const health = await h2Request(session, '/healthz');
    assert.equal(health.status, 200, 'the connection still serves');
  });

  test('h2load completes 200 requests over 10 concurrent streams', async () => {
    const res = await runCommand('h2load', ['-n', '200', '-c', '1', '-m', '10', `${server.base}/healthz`]);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /requests: 200 total, 200 started, 200 done, 200 succeeded/, res.stdout);
    assert.match(res.stdout, /Application protocol: h2/, res.stdout);
  });
});

describe('HTTP/2 in cleartext and switched off', () => {
  test('a plain listener takes prior-knowledge h2c and HTTP/1.1 alike', async (t) => {
    const server = await startServer(t);
    const channel = channelName('h2c');
    const published = await curlJson(['--http2-prior-knowledge', '-d', 'cleartext', `${server.base}/pub/${channel}`]);
    assert.equal(published.version, '2');
    const polled = await curlJson([`${server.base}/poll/${channel}?since=0`]);
    assert.equal(polled.version, '1.1');
    assert.deepEqual(polled.body.messages.map((m) => m.data), ['cleartext']);
    await server.stop();
  });

  test('--no-http2 offers only http/1.1', async (t) => {
    const { dir, remove } = tempDir();
    t.after(remove);
    const files = await makeCertificate(dir);
    const server = await startServer(t, ['--tls-cert', files.cert, '--tls-key', files.key, '--no-http2']);
    const { output } = await sClient(server.port, ['-alpn', 'h2,http/1.1', '-CAfile', files.cert]);
    assert.match(output, /ALPN protocol: http\/1\.1/, output);
    const res = await curlJson(['--http2', '--cacert', files.cert, `${server.base}/poll/x?since=0`]);
    assert.equal(res.version, '1.1');
    await server.stop();
  });

  test('SIGTERM sends GOAWAY and ends open streams', async (t) => {
    const server = await startServer(t);
    const session = await h2Session(t, server.base);
    const goaway = new Promise((resolve) => session.once('goaway', (code) => resolve(code)));
    const { seen } = h2Stream(session, `/sse/${channelName('h2')}`);
    await until(() => seen.headers, 3000, 'the SSE head');
    await server.stop();
    assert.equal(await goaway, 0, 'GOAWAY with NO_ERROR');
    await until(() => seen.closed, 3000, 'the stream ended');
  });
});

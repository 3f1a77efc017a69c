// HTTPS and WSS with --tls-cert/--tls-key, through clients no one here
// wrote: openssl s_client (versions, ALPN), curl --cacert (publish, poll,
// long-poll, SSE), the `ws` package over wss, Node's tls module (session
// resumption); SIGHUP reloading the pair; the handshake deadline.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { channelName, sleep } from './lib/http.mjs';
import { runPushwire, startServer } from './lib/server.mjs';
import { until } from './lib/streams.mjs';
import {
  fileSerial, makeCertificate, runCommand, sClient, servedSerial, tempDir, tlsConnect,
} from './lib/tls.mjs';

function curl(cert, args) {
  return runCommand('curl', ['-sS', '--cacert', cert, ...args]);
}

async function curlJson(cert, args) {
  const res = await curl(cert, args);
  assert.equal(res.code, 0, `curl ${args.join(' ')}: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

describe('TLS', () => {
  let server;
  let files;
  let keys;
  before(async () => {
    keys = tempDir();
    files = await makeCertificate(keys.dir);
    server = await startServer(null, ['--tls-cert', files.cert, '--tls-key', files.key, '--tls-handshake-timeout', '1']);
  });
  after(async () => {
    await server.stop();
    keys.remove();
  });

  test('the ready line says https', () => {
    assert.match(server.base, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  test('TLS 1.2 and 1.3 are accepted, 1.0 and 1.1 refused', async () => {
    for (const [flag, name] of [['-tls1_2', 'TLSv1.2'], ['-tls1_3', 'TLSv1.3']]) {
      const { code, output } = await sClient(server.port, [flag, '-CAfile', files.cert]);
      assert.equal(code, 0, output);
      assert.match(output, new RegExp(`New, ${name.replace('.', '\\.')}, Cipher is`), output);
      assert.match(output, /Verify return code: 0 \(ok\)/, output);
    }
    // The client's own security level would refuse the old versions before the server could.
    for (const flag of ['-tls1', '-tls1_1']) {
      const { code, output } = await sClient(server.port, [flag, '-cipher', 'DEFAULT@SECLEVEL=0']);
      assert.notEqual(code, 0, output);
      assert.match(output, /alert protocol version/, output);
      assert.match(output, /New, \(NONE\), Cipher is \(NONE\)/, output);
    }
  });

  test('ALPN picks http/1.1 for a client that offers it', async () => {
    const { code, output } = await sClient(server.port, ['-alpn', 'http/1.1', '-CAfile', files.cert]);
    assert.equal(code, 0, output);
    assert.match(output, /ALPN protocol: http\/1\.1/, output);
  });

  test('curl publishes, polls and long-polls over https', async () => {
    const channel = channelName('tls');
    const waiting = curlJson(files.cert, [`${server.base}/lp/${channel}?timeout=10`]);
    await sleep(200);
    const published = await curlJson(files.cert, ['-d', 'over tls', `${server.base}/pub/${channel}`]);
    assert.equal(published.channel, channel);
    const longPolled = await waiting;
    assert.deepEqual(longPolled.messages.map((m) => m.data), ['over tls']);
    const polled = await curlJson(files.cert, [`${server.base}/poll/${channel}?since=0`]);
    assert.deepEqual(polled.messages.map((m) => m.id), [published.id]);
  });

  test('curl receives Server-Sent Events over https', async () => {
    const channel = channelName('tls');
    const child = spawn('curl', ['-sSN', '--cacert', files.cert, `${server.base}/sse/${channel}`]);
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => { output += chunk; });
    try {
      await sleep(300);
      await curlJson(files.cert, ['-d', 'first', `${server.base}/pub/${channel}`]);
      await curlJson(files.cert, ['-d', 'second', `${server.base}/pub/${channel}`]);
      await until(() => output.includes('data: second'), 3000, 'two events through curl');
      assert.match(output, /data: first\n[\s\S]*data: second\n/);
    } finally {
      child.kill();
    }
  });

  test('a WebSocket over wss receives what is published', async (t) => {
    const channel = channelName('wss');
    const ws = new WebSocket(`${server.base.replace(/^https/, 'wss')}/ws/${channel}`, { ca: readFileSync(files.cert) });
    t.after(() => ws.terminate());
    const received = [];
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.data !== undefined) received.push(message);
    });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    ws.send('sent over the WebSocket');
    await curlJson(files.cert, ['-d', 'sent with curl', `${server.base}/pub/${channel}`]);
    await until(() => received.length >= 2, 3000, 'two messages over wss');
    assert.deepEqual(received.map((m) => m.data), ['sent over the WebSocket', 'sent with curl']);
  });

  test('a second connection resumes the TLS session', async () => {
    for (const maxVersion of ['TLSv1.2', 'TLSv1.3']) {
      const ca = readFileSync(files.cert);
      const first = await tlsConnect(server.port, { ca, maxVersion });
      // TLS 1.3 tickets come after the handshake: ask for a response first.
      first.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await until(() => first.lastSession, 3000, `a ${maxVersion} session`);
      const session = first.lastSession;
      first.destroy();
      const second = await tlsConnect(server.port, { ca, maxVersion, session });
      assert.equal(second.isSessionReused(), true, `${maxVersion} session reused`);
      second.destroy();
    }
  });

  test('a stalled handshake is cut off at the deadline without holding up others', async () => {
    const before = await curlMetric('pushwire_tls_handshake_timeouts_total');
    const stalled = net.connect(server.port, '127.0.0.1');
    const closed = new Promise((resolve) => stalled.once('close', resolve));
    stalled.on('error', () => {});
    await new Promise((resolve) => stalled.once('connect', resolve));
    stalled.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]));  // a record header, then nothing
    const started = Date.now();
    const health = await curl(files.cert, ['-o', '/dev/null', '-w', '%{http_code}', `${server.base}/healthz`]);
    assert.equal(health.stdout, '200', 'another client is served meanwhile');
    await closed;
    const waited = Date.now() - started;
    assert.ok(waited >= 500 && waited < 4000, `closed after ${waited} ms (deadline 1 s, checked every second)`);
    assert.equal(await curlMetric('pushwire_tls_handshake_timeouts_total'), before + 1);
  });

  test('plain HTTP on the TLS port is refused and counted', async () => {
    const before = await curlMetric('pushwire_tls_handshake_failures_total');
    const res = await runCommand('curl', ['-sS', '--max-time', '3', `http://127.0.0.1:${server.port}/healthz`]);
    assert.notEqual(res.code, 0);
    assert.equal(await curlMetric('pushwire_tls_handshake_failures_total'), before + 1);
  });

  async function curlMetric(name) {
    const res = await curl(files.cert, [`${server.base}/metrics`]);
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(res.stdout);
    assert.ok(match, `${name} in /metrics`);
    return Number(match[1]);
  }
});

describe('TLS certificate reload on SIGHUP', () => {
  test('a new pair is used for new connections; a bad file is logged and the old pair kept', async (t) => {
    const { dir, remove } = tempDir();
    t.after(remove);
    const files = await makeCertificate(dir);
    const server = await startServer(t, ['--tls-cert', files.cert, '--tls-key', files.key]);
    const firstSerial = await fileSerial(files.cert);
    assert.equal(await servedSerial(server.port), firstSerial);

    await makeCertificate(dir);  // a new key and certificate over the old files
    const secondSerial = await fileSerial(files.cert);
    assert.notEqual(secondSerial, firstSerial);
    server.child.kill('SIGHUP');
    await until(() => server.stderr().includes('reloaded the TLS certificate'), 3000, 'the reload');
    assert.equal(await servedSerial(server.port), secondSerial);

    writeFileSync(files.cert, 'not a certificate\n');
    server.child.kill('SIGHUP');
    await until(() => server.stderr().includes('TLS reload failed'), 3000, 'the failed reload');
    assert.match(server.stderr(), /TLS reload failed, keeping the certificate in use: cannot load the certificate/);
    assert.equal(await servedSerial(server.port), secondSerial, 'the old pair is kept');
    const health = await runCommand('curl', ['-sS', '-k', `${server.base}/healthz`]);
    assert.equal(health.code, 0, health.stderr);
    await server.stop();
  });

  test('a pair that does not load at start is an error', async (t) => {
    const { dir, remove } = tempDir();
    t.after(remove);
    const files = await makeCertificate(dir);
    const other = await makeCertificate(dir, { cert: 'other.pem', key: 'other-key.pem' });
    const res = await runPushwire(['--listen', '127.0.0.1:0', '--tls-cert', files.cert, '--tls-key', other.key]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /does not belong to the certificate/);
    const half = await runPushwire(['--tls-cert', files.cert]);
    assert.equal(half.code, 2);
    assert.match(half.stderr, /--tls-cert and --tls-key go together/);
  });
});

// When the server closes on a client that is still sending, the client must
// see the answer (a 1009 close frame, a 413), not a TCP reset that destroys
// it unread: the server half-closes and drains the input for --linger first.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { connect } from './lib/raw_http.mjs';
import { startServer } from './lib/server.mjs';
import { metrics } from './lib/streams.mjs';
import { sample } from './lib/metrics.mjs';
import { makeCertificate, runCommand, tempDir, tlsConnect } from './lib/tls.mjs';
import { encodeFrame, OP, rawConnect } from './lib/ws_raw.mjs';

const EIGHT_MIB = 8 * 1024 * 1024;

// Writes an 8 MiB publish on `socket` and resolves with what came back
// before the server's side ended, or rejects on a reset.
function publishTooMuch(socket) {
  return new Promise((resolve, reject) => {
    let answer = '';
    socket.on('data', (chunk) => { answer += chunk; });
    socket.once('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(`POST /pub/big HTTP/1.1\r\nHost: x\r\nContent-Length: ${EIGHT_MIB}\r\n\r\n`);
    socket.write(Buffer.alloc(EIGHT_MIB, 'a'));
  });
}

describe('lingering close', () => {
  let server;
  before(async () => { server = await startServer(null); });
  after(() => server.stop());

  test('an 8 MiB frame sender sees the 1009 close frame', async () => {
    const frame = encodeFrame(OP.text, Buffer.alloc(EIGHT_MIB, 'a'));
    const lingered = (await metrics(server.base)).pushwire_lingering_closes_total;
    for (let attempt = 0; attempt < 5; ++attempt) {
      const ws = await rawConnect(server.port);
      try {
        ws.write(frame);
        const close = await ws.readClose();
        assert.equal(close.code, 1009, `attempt ${attempt}`);
        assert.ok(await ws.waitForEnd(), 'the server half-closes after the close frame');
      } finally {
        ws.destroy();
      }
    }
    assert.ok((await metrics(server.base)).pushwire_lingering_closes_total >= lingered + 5);
  });

  test('a publisher sending a body over the limit reads its 413', async () => {
    for (let attempt = 0; attempt < 5; ++attempt) {
      const connection = await connect(server.port);
      try {
        connection.write(`POST /pub/big HTTP/1.1\r\nHost: x\r\nContent-Length: ${EIGHT_MIB}\r\n\r\n`);
        connection.write(Buffer.alloc(EIGHT_MIB, 'a'));
        const res = await connection.readResponse();
        assert.equal(res.status, 413, `attempt ${attempt}`);
        assert.equal(JSON.parse(res.text).error, 'too_large');
      } finally {
        connection.destroy();
      }
    }
  });
});

async function lingeringClosesOverTls(cert, base) {
  const { code, stdout, stderr } = await runCommand('curl', ['-sS', '--cacert', cert, `${base}/metrics`]);
  assert.equal(code, 0, stderr);
  return sample(stdout, 'pushwire_lingering_closes_total');
}

describe('lingering close over TLS', () => {
  let server;
  let keys;
  let files;
  before(async () => {
    keys = tempDir();
    files = await makeCertificate(keys.dir);
    server = await startServer(null, ['--tls-cert', files.cert, '--tls-key', files.key]);
  });
  after(async () => {
    await server.stop();
    keys.remove();
  });

  test('a publisher sending a body over the limit reads its sealed 413, then the close', async () => {
    const lingered = await lingeringClosesOverTls(files.cert, server.base);
    for (let attempt = 0; attempt < 5; ++attempt) {
      const socket = await tlsConnect(server.port, { ca: readFileSync(files.cert), ALPNProtocols: ['http/1.1'] });
      try {
        const answer = await publishTooMuch(socket);
        assert.match(answer, /^HTTP\/1\.1 413 /, `attempt ${attempt}`);
        assert.match(answer, /"error":"too_large"/);
      } finally {
        socket.destroy();
      }
    }
    assert.ok(await lingeringClosesOverTls(files.cert, server.base) >= lingered + 5);
  });
});

// --max-connections and --max-connections-per-ip: a connection over either
// gets a complete 503 overloaded with Retry-After, whether it has sent its
// request or not, then is closed; the connections already open keep working.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { request, waitFor } from './lib/http.mjs';
import { refusedSample, sample } from './lib/metrics.mjs';
import { RawConnection, exchange } from './lib/raw_http.mjs';
import { startServer } from './lib/server.mjs';

const HEALTHZ = 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n';

// A keep-alive connection that has been answered once, from `localAddress`.
async function openServed(t, port, localAddress = '127.0.0.1') {
  const socket = await new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress }, () => resolve(s));
    s.once('error', reject);
  });
  const connection = new RawConnection(socket);
  t.after(() => connection.destroy());
  connection.write(HEALTHZ);
  assert.equal((await connection.readResponse()).status, 200);
  return connection;
}

// A refusal count read over a connection already admitted.
async function refusedOver(connection, reason) {
  connection.write('GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n');
  return sample((await connection.readResponse()).text, refusedSample(reason));
}

async function stillServed(connection) {
  connection.write(HEALTHZ);
  const response = await connection.readResponse();
  assert.equal(response.status, 200, 'a connection admitted earlier keeps being served');
}

// curl, a client no one here wrote, sees the whole answer.
async function curlRefused(port, localAddress = '127.0.0.1') {
  const { stdout } = await promisify(execFile)('curl', ['-s', '-i', '--interface', localAddress,
    `http://127.0.0.1:${port}/healthz`]);
  const end = stdout.indexOf('\r\n\r\n');
  const head = stdout.slice(0, end + 2);
  const body = stdout.slice(end + 4);
  assert.match(head, /^HTTP\/1\.1 503 /, stdout);
  assert.match(head, /\r\nRetry-After: \d+\r\n/i, stdout);
  assert.match(head, /\r\nConnection: close\r\n/i, stdout);
  const json = JSON.parse(body);
  assert.equal(json.error, 'overloaded');
  assert.equal(typeof json.message, 'string');
}

test('--max-connections: the connection over it gets 503 overloaded; the others go on', async (t) => {
  const server = await startServer(t, ['--max-connections', '3', '--threads', '2']);
  const open = [];
  for (let i = 0; i < 3; i++) open.push(await openServed(t, server.port));

  await curlRefused(server.port);

  // One that never sends a request is answered all the same, and closed.
  const silent = new RawConnection(await new Promise((resolve) => {
    const s = net.connect(server.port, '127.0.0.1', () => resolve(s));
  }));
  t.after(() => silent.destroy());
  const answer = await silent.readResponse();
  assert.equal(answer.status, 503);
  assert.equal(JSON.parse(answer.text).error, 'overloaded');
  assert.ok(await silent.waitForClose(3000), 'the refused connection is closed');

  for (const connection of open) await stillServed(connection);

  assert.equal(await refusedOver(open[0], 'max_connections'), 2);
  open.pop().destroy();
  await waitFor(async () => (await request(server.base, '/healthz').catch(() => null))?.status === 200, 3000,
    'a place freed by a closed connection to be taken again');
  await server.stop();
});

test('--max-connections-per-ip: one address over it is refused, another is served', async (t) => {
  const server = await startServer(t, ['--max-connections-per-ip', '2', '--threads', '2']);
  const open = [await openServed(t, server.port), await openServed(t, server.port)];

  await curlRefused(server.port);
  const { response } = await exchange(server.port, HEALTHZ);
  assert.equal(response.status, 503);

  const other = await openServed(t, server.port, '127.0.0.2');
  await stillServed(other);
  for (const connection of open) await stillServed(connection);

  assert.equal(await refusedOver(other, 'max_connections_per_ip'), 2);

  open.pop().destroy();
  await waitFor(async () => (await request(server.base, '/healthz').catch(() => null))?.status === 200, 3000,
    'the address to be served again once one of its connections closed');
  await server.stop();
});

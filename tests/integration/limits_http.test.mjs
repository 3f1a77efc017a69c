// Limits on how an HTTP/1.1 client may hold the server: --header-timeout for
// a request head that trickles in, and a bound (--max-pending-bytes) on the
// answers queued for a client that pipelines requests and never reads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { channelName, publish, request, sleep } from './lib/http.mjs';
import { refused } from './lib/metrics.mjs';
import { connect } from './lib/raw_http.mjs';
import { startServer } from './lib/server.mjs';

function residentBytes(pid) {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1];
  return Number(kib) * 1024;
}

test('a head trickled a byte at a time is answered 408 and closed; an idle keep-alive stays', async (t) => {
  const server = await startServer(t, ['--header-timeout', '1']);
  const idle = await connect(server.port);
  t.after(() => idle.destroy());
  idle.write('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
  assert.equal((await idle.readResponse()).status, 200);

  const slow = await connect(server.port);
  t.after(() => slow.destroy());
  const head = 'GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n';
  const started = Date.now();
  let sent = 0;
  const trickle = setInterval(() => {
    if (sent < head.length) slow.write(head[sent++]);
  }, 200);
  t.after(() => clearInterval(trickle));
  const response = await slow.readResponse({ timeoutMs: 5000 });
  clearInterval(trickle);
  assert.equal(response.status, 408);
  assert.equal(JSON.parse(response.text).error, 'request_timeout');
  assert.ok(sent < head.length, 'answered before the head was complete');
  assert.ok(Date.now() - started >= 1000, 'not before the deadline');
  assert.ok(await slow.waitForClose(2000), 'then closed');

  assert.equal((await request(server.base, '/healthz')).status, 200, 'others are served meanwhile');
  await sleep(1200);
  idle.write('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
  assert.equal((await idle.readResponse()).status, 200, 'an idle keep-alive connection is under --idle-timeout only');
  assert.equal(await refused(server.base, 'header_timeout'), 1);
  await server.stop();
});

test('pipelined polls from a client that never reads: memory stays bounded, others are served', async (t) => {
  const server = await startServer(t, ['--threads', '1']);
  const channel = channelName('pipe');
  const big = 'x'.repeat(60 * 1024);
  for (let i = 0; i < 20; i++) await publish(server.base, channel, big);  // each poll answer: ~1.2 MB
  const baseline = residentBytes(server.child.pid);

  const COUNT = 200;  // ~8 KB of requests asking for ~240 MB of answers
  const greedy = await connect(server.port);
  t.after(() => greedy.destroy());
  greedy.pause();
  greedy.write(`GET /poll/${channel}?since=0 HTTP/1.1\r\nHost: t\r\n\r\n`.repeat(COUNT));
  await sleep(1500);

  const growth = residentBytes(server.child.pid) - baseline;
  t.diagnostic(`server RSS grew by ${(growth / 1048576).toFixed(1)} MiB with ${COUNT} answers asked for and none read`);
  assert.ok(growth < 64 * 1024 * 1024, `the server grew by ${growth} bytes for a client that does not read`);
  const res = await request(server.base, '/healthz', { timeoutMs: 2000 });
  assert.equal(res.status, 200, 'another client is served');

  // Once it reads, the greedy client gets every answer, in order.
  greedy.resume();
  for (let i = 0; i < COUNT; i++) {
    const answer = await greedy.readResponse({ timeoutMs: 10000 });
    assert.equal(answer.status, 200);
    if (i === 0 || i === COUNT - 1) assert.equal(JSON.parse(answer.text).messages.length, 20);
  }
  await server.stop();
});

// What the log may say: never a secret from a URL or a flag, and not one line
// per bad request for a client that sends thousands.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request, sleep } from './lib/http.mjs';
import { exchange } from './lib/raw_http.mjs';
import { runPushwire, startServer } from './lib/server.mjs';
import { metrics } from './lib/streams.mjs';
import { rawConnect } from './lib/ws_raw.mjs';

test('--log-level debug does not write key or token query values', async (t) => {
  const server = await startServer(t, ['--log-level', 'debug', '--publish-key', 'k3y-s3cret']);
  const ws = await rawConnect(server.port, { path: '/ws?key=k3y-s3cret&since=0' });
  ws.destroy();
  await request(server.base, '/sse/a?token=t0ken-s3cret&timeout=0', { timeoutMs: 500 }).catch(() => {});
  await request(server.base, '/poll/a?Token=t0ken-s3cret');
  await server.stop();
  assert.match(server.stderr(), /\/ws\?key=\*\*\*&since=0/);
  assert.doesNotMatch(server.stderr(), /k3y-s3cret|t0ken-s3cret/);
});

test('a --redis URL that does not parse is not echoed with its password', async () => {
  const run = await runPushwire(['--redis', 'redis://app:hunter2@cache.local:notaport']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /redis:\/\/\*\*\*@cache\.local:notaport/);
  assert.doesNotMatch(run.stderr, /hunter2/);
});

test('refused requests are logged at most --log-rate a second, then one line says how many were not', async (t) => {
  const server = await startServer(t, ['--log-rate', '5']);
  for (let i = 0; i < 40; ++i) {
    const { connection } = await exchange(server.port, 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
    connection.destroy();
  }
  await sleep(1100);
  const { connection } = await exchange(server.port, 'BAD\r\n\r\n');
  connection.destroy();
  const suppressed = (await metrics(server.base)).pushwire_log_lines_suppressed_total;
  await server.stop();
  const refusals = server.stderr().split('\n').filter((line) => line.includes(' refused (400)'));
  assert.ok(refusals.length >= 6 && refusals.length <= 11, `${refusals.length} refusal lines:\n${refusals.join('\n')}`);
  const summaries = [...server.stderr().matchAll(/refused requests: (\d+) similar lines suppressed/g)];
  assert.ok(summaries.length > 0, server.stderr());
  assert.equal(summaries.reduce((sum, m) => sum + Number(m[1]), 0), 40 + 1 - refusals.length);
  assert.equal(suppressed, 40 + 1 - refusals.length);
});

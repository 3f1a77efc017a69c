// The benchmark's TLS clients against the real server over TLS: pushwire-loadgen
// over https:// (SSE) and wss:// (WebSocket), and bench/h2-fanout.mjs with
// several HTTP/2 streams per connection. Each must subscribe every client,
// publish over TLS and see every acknowledged message once.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { repoRoot, startServer } from './lib/server.mjs';
import { makeCertificate, runCommand, tempDir } from './lib/tls.mjs';

const loadgen = `${repoRoot}build/pushwire-loadgen`;
const SUBSCRIBERS = 40;

function lastJson(stdout) {
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

function assertAllDelivered(result) {
  assert.equal(result.ready, SUBSCRIBERS, result.error);
  assert.ok(result.acked >= 5, `publishes acknowledged: ${result.acked} (${result.error})`);
  assert.equal(result.unique, result.acked * SUBSCRIBERS);
  assert.equal(result.lost, 0);
  assert.equal(result.dup, 0);
}

describe('the benchmark over TLS', () => {
  let server;
  let keys;
  before(async () => {
    keys = tempDir();
    const files = await makeCertificate(keys.dir);
    server = await startServer(null, ['--tls-cert', files.cert, '--tls-key', files.key]);
  });
  after(async () => {
    await server.stop();
    keys.remove();
  });

  for (const [technique, scheme, path] of [['sse', 'https', 'sse'], ['ws', 'wss', 'ws']]) {
    test(`pushwire-loadgen over ${scheme}://`, { skip: !existsSync(loadgen) && 'pushwire-loadgen not built' }, async () => {
      const res = await runCommand(loadgen, [
        '--sub-url', `${scheme}://127.0.0.1:${server.port}/${path}/{channel}`, '--technique', technique,
        '--pub-url', `https://127.0.0.1:${server.port}/pub/{channel}`, '-n', String(SUBSCRIBERS),
        '--rate', '20', '--duration', '1', '--settle', '0.5', '--quiet',
      ], { timeoutMs: 60000 });
      assert.equal(res.code, 0, res.stdout + res.stderr);
      assertAllDelivered(lastJson(res.stdout));
    });
  }

  test('h2-fanout: HTTP/2 streams, several per connection', async () => {
    const res = await runCommand(process.execPath, [
      `${repoRoot}bench/h2-fanout.mjs`, '--sub-url', `https://127.0.0.1:${server.port}/sse/{channel}`,
      '--pub-url', `https://127.0.0.1:${server.port}/pub/{channel}`, '--connections', '4', '--streams', '10',
      '--rate', '20', '--duration', '1', '--settle', '0.5',
    ], { timeoutMs: 60000 });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assertAllDelivered(lastJson(res.stdout));
  });
});

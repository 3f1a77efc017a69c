// Starting and stopping: the ready line, and a graceful stop on SIGINT and
// SIGTERM whatever the clients are doing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { channelName, healthz, sleep } from './lib/http.mjs';
import { connect } from './lib/raw_http.mjs';
import { startServer } from './lib/server.mjs';

describe('starting and stopping', () => {
  test('the ready line names a port that answers', async (t) => {
    const server = await startServer(t);
    assert.equal(server.base, `http://127.0.0.1:${server.port}`);
    assert.ok(server.port > 0);
    await healthz(server.base);
    await server.stop();
  });

  // The ready line promises a graceful stop from then on; a few rounds make a
  // server that installs its signal handlers only after printing it fail.
  test('SIGTERM right after the ready line is a graceful stop', async (t) => {
    for (let round = 0; round < 10; round++) {
      const server = await startServer(t);
      await server.stop('SIGTERM');
    }
  });

  test('SIGINT is a graceful stop', async (t) => {
    const server = await startServer(t);
    await healthz(server.base);
    await server.stop('SIGINT');
  });

  test('SIGTERM with an idle keep-alive connection open exits 0', async (t) => {
    const server = await startServer(t);
    const connection = await connect(server.port);
    t.after(() => connection.destroy());
    connection.write('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');
    assert.equal((await connection.readResponse()).status, 200);
    await server.stop();
    assert.ok(await connection.waitForClose(2000), 'the connection should be closed once the server has stopped');
  });

  test('SIGTERM with a long-poll open exits 0, and the long-poll is answered or closed cleanly', async (t) => {
    const server = await startServer(t);
    const connection = await connect(server.port);
    t.after(() => connection.destroy());
    connection.write(`GET /lp/${channelName()}?timeout=60 HTTP/1.1\r\nHost: test\r\n\r\n`);
    await sleep(300);
    assert.equal(connection.pending().length, 0, 'the long-poll should still be waiting');

    await server.stop();
    assert.ok(await connection.waitForClose(2000), 'the connection should be closed once the server has stopped');
    assert.equal(connection.error, null, `closed with an error: ${connection.error}`);
    if (connection.pending().length > 0) {
      const response = await connection.readResponse({ timeoutMs: 100 });
      assert.ok(response.status === 200 || response.status === 503, `answered ${response.status}`);
    }
  });
});

// Requests a lenient proxy in front might read differently from this server
// (request smuggling): each is refused with 400 and the connection closed, so
// nothing that follows on it is taken as another request.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exchange } from './lib/raw_http.mjs';
import { startServer } from './lib/server.mjs';

describe('a strict HTTP/1.1 parser', () => {
  let server;
  before(async () => { server = await startServer(null); });
  after(() => server.stop());

  const smuggled = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
  const cases = {
    'an obs-fold continuation line': 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n',
    'Transfer-Encoding folded onto a continuation line':
      'POST /pub/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    'HTTP/1.1 without Host': 'GET /healthz HTTP/1.1\r\nAccept: */*\r\n\r\n',
    'a duplicated Host': 'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
    'HTTP/1.0 with Transfer-Encoding: chunked':
      'POST /pub/a HTTP/1.0\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
  };
  for (const [name, request] of Object.entries(cases)) {
    test(`${name}: 400 and close`, async () => {
      const { response, connection } = await exchange(server.port, request + smuggled);
      try {
        assert.equal(response.status, 400, response.text);
        assert.equal(JSON.parse(response.text).error, 'bad_request');
        assert.equal(response.headers.connection, 'close');
        assert.ok(await connection.waitForClose(), 'the connection is closed');
        assert.equal(connection.pending().length, 0, 'no answer to what followed');
      } finally {
        connection.destroy();
      }
    });
  }

  test('HTTP/1.0 without Host is still served', async () => {
    const { response, connection } = await exchange(server.port, 'GET /healthz HTTP/1.0\r\n\r\n');
    connection.destroy();
    assert.equal(response.status, 200);
  });
});

// HTTP/1.1 on the wire: keep-alive, pipelining, chunked bodies, bad requests.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { channelName, datas, healthz, poll } from './lib/http.mjs';
import { connect, exchange } from './lib/raw_http.mjs';
import { startServer } from './lib/server.mjs';

function get(path) {
  return `GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`;
}

function post(path, body) {
  return `POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function chunkedPost(path, chunks) {
  const body = chunks.map((chunk) => `${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`).join('');
  return `POST ${path} HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n${body}0\r\n\r\n`;
}

describe('HTTP/1.1 connections', () => {
  let server;
  before(async () => { server = await startServer(null, ['--max-message-bytes', '1024']); });
  after(() => server.stop());

  test('keep-alive: two requests on one connection', async (t) => {
    const connection = await connect(server.port);
    t.after(() => connection.destroy());
    for (let i = 0; i < 2; i++) {
      connection.write(get('/healthz'));
      const res = await connection.readResponse();
      assert.equal(res.status, 200);
      assert.equal(res.text.trim(), 'ok');
    }
    const channel = channelName();
    connection.write(get(`/poll/${channel}`));
    const res = await connection.readResponse();
    assert.equal(res.status, 200);
    const body = JSON.parse(res.text);
    assert.deepEqual(body, { messages: [], last_id: body.last_id, gap: false });
    assert.equal(typeof body.last_id, 'string');
    assert.equal(await connection.waitForClose(200), false, 'the connection should stay open');
  });

  test('pipelining: three requests written at once are answered in order', async (t) => {
    const channel = channelName();
    const connection = await connect(server.port);
    t.after(() => connection.destroy());
    connection.write(get('/healthz') + post(`/pub/${channel}`, 'piped') + get(`/poll/${channel}?since=0`));

    const first = await connection.readResponse();
    assert.equal(first.status, 200);
    assert.equal(first.text.trim(), 'ok');
    const second = await connection.readResponse();
    assert.equal(second.status, 200);
    const { id } = JSON.parse(second.text);
    assert.equal(JSON.parse(second.text).channel, channel);
    const third = await connection.readResponse();
    assert.equal(third.status, 200);
    const body = JSON.parse(third.text);
    assert.deepEqual(datas(body), ['piped']);
    assert.equal(body.last_id, id);
  });

  test('pipelining: many requests in one write', async (t) => {
    const connection = await connect(server.port);
    t.after(() => connection.destroy());
    const channels = Array.from({ length: 20 }, () => channelName());
    connection.write(channels.map((channel) => get(`/poll/${channel}`)).join(''));
    for (let i = 0; i < channels.length; i++) {
      const res = await connection.readResponse();
      assert.equal(res.status, 200);
    }
  });

  test('a chunked body is a message', async (t) => {
    const channel = channelName();
    const { response, connection } = await exchange(server.port,
      chunkedPost(`/pub/${channel}`, ['hello', ' wor', 'ld \u00e9']));
    t.after(() => connection.destroy());
    assert.equal(response.status, 200, response.text);
    assert.equal(JSON.parse(response.text).channel, channel);
    assert.deepEqual(datas(await poll(server.base, channel, '0')), ['hello world \u00e9']);
  });

  test('a chunked body over --max-message-bytes is 413', async (t) => {
    const channel = channelName();
    const { response, connection } = await exchange(server.port,
      chunkedPost(`/pub/${channel}`, ['a'.repeat(600), 'b'.repeat(600)]));
    t.after(() => connection.destroy());
    assert.equal(response.status, 413);
    assert.deepEqual(datas(await poll(server.base, channel, '0')), []);
  });

  for (const [what, request] of [
    ['garbage', 'GARBAGE\r\n\r\n'],
    ['a header line without a colon', 'GET /healthz HTTP/1.1\r\nHost: test\r\nNo colon here\r\n\r\n'],
    ['a Content-Length that is not a number', 'POST /pub/x HTTP/1.1\r\nHost: test\r\nContent-Length: abc\r\n\r\n'],
    ['a bad chunk size', 'POST /pub/x HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhi\r\n0\r\n\r\n'],
    ['a space in the request target', 'GET /poll/a b HTTP/1.1\r\nHost: test\r\n\r\n'],
  ]) {
    test(`a request with ${what} is 400 and the connection is closed`, async () => {
      const { response, connection } = await exchange(server.port, request);
      try {
        assert.equal(response.status, 400);
        assert.ok(await connection.waitForClose(2000), 'the server should close the connection');
      } finally {
        connection.destroy();
      }
      await healthz(server.base);
    });
  }

  test('headers of 8 KiB are fine', async (t) => {
    const { response, connection } = await exchange(server.port,
      `GET /healthz HTTP/1.1\r\nHost: test\r\nX-Big: ${'a'.repeat(8 * 1024)}\r\n\r\n`);
    t.after(() => connection.destroy());
    assert.equal(response.status, 200);
  });

  test('one header over 16 KiB is 431', async (t) => {
    const { response, connection } = await exchange(server.port,
      `GET /healthz HTTP/1.1\r\nHost: test\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`);
    t.after(() => connection.destroy());
    assert.equal(response.status, 431);
  });

  test('many headers together over 16 KiB are 431', async (t) => {
    const headers = Array.from({ length: 100 }, (_, i) => `X-H${i}: ${'v'.repeat(200)}\r\n`).join('');
    const { response, connection } = await exchange(server.port,
      `GET /healthz HTTP/1.1\r\nHost: test\r\n${headers}\r\n`);
    t.after(() => connection.destroy());
    assert.equal(response.status, 431);
  });

  test('headers sent slowly, byte by byte, are read', async (t) => {
    const connection = await connect(server.port);
    t.after(() => connection.destroy());
    for (const byte of get('/healthz')) {
      connection.write(byte);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const res = await connection.readResponse();
    assert.equal(res.status, 200);
  });
});

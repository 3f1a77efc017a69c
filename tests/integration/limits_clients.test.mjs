// What one client may do: --max-channels-per-client, --publish-rate (per
// address, over HTTP and WebSocket) and --allow-origin on publishes. Each
// refusal is answered as the contract says, counted in /metrics, and leaves
// earlier clients and other addresses served.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { channelName, publish, publishRaw, request, sleep } from './lib/http.mjs';
import { refused } from './lib/metrics.mjs';
import { exchange } from './lib/raw_http.mjs';
import { startServer } from './lib/server.mjs';
import { openWs } from './lib/ws_raw.mjs';

function assertErrorOp(reply, code) {
  assert.equal(reply.op, 'error', JSON.stringify(reply));
  assert.equal(reply.code, code, JSON.stringify(reply));
  assert.equal(typeof reply.message, 'string');
}

// A publish from another client address (any 127.x reaches the server on Linux).
function publishFrom(localAddress, base, channel, data) {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(`/pub/${channel}`, base), { method: 'POST', localAddress, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(data);
  });
}

describe('--max-channels-per-client 3', () => {
  let server;
  before(async () => { server = await startServer(null, ['--max-channels-per-client', '3']); });
  after(() => server?.stop());

  test('a WebSocket subscription past it → too_many_channels; the three go on', async (t) => {
    const socket = await openWs(server.base, '/ws');
    t.after(() => socket.terminate());
    const channels = [channelName('a'), channelName('b'), channelName('c')];
    for (const channel of channels) await socket.subscribe(channel);
    assertErrorOp(await socket.call({ op: 'subscribe', channel: channelName('d'), ref: socket.newRef() }),
      'too_many_channels');
    assert.deepEqual(await socket.call({ op: 'ping', ref: 7 }), { op: 'pong', ref: 7 }, 'the connection stays open');

    const { id } = await publish(server.base, channels[2], 'still here');
    const [message] = await socket.messages(channels[2], 1);
    assert.equal(message.id, id);

    await socket.ok({ op: 'unsubscribe', channel: channels[0] });
    await socket.subscribe(channelName('e'));
    assert.equal(await refused(server.base, 'too_many_channels'), 1);
  });
});

describe('--publish-rate 2', () => {
  let server;
  before(async () => { server = await startServer(null, ['--publish-rate', '2', '--threads', '2']); });
  after(() => server?.stop());

  test('HTTP: the third publish in a burst → 429 rate_limited with Retry-After; later ones pass', async () => {
    const channel = channelName('rate');
    await publish(server.base, channel, 'one');
    await publish(server.base, channel, 'two');
    const res = await publishRaw(server.base, channel, 'three');
    assert.equal(res.status, 429, res.body);
    assert.equal(res.json().error, 'rate_limited');
    assert.ok(Number(res.headers['retry-after']) >= 1, `Retry-After: ${res.headers['retry-after']}`);

    assert.equal(await publishFrom('127.0.0.2', server.base, channel, 'other address'), 200,
      'another address has its own bucket');
    const poll = await request(server.base, `/poll/${channel}?since=0`);
    assert.deepEqual(poll.json().messages.map((m) => m.data), ['one', 'two', 'other address'],
      'the refused publish was not kept');

    await sleep(600);  // two a second: one token back after 500 ms
    await publish(server.base, channel, 'four');
    assert.ok(await refused(server.base, 'rate_limited') >= 1);
  });

  test('WebSocket: a publish op over it → rate_limited, and the socket stays open', async (t) => {
    await sleep(1100);  // a full bucket again
    const socket = await openWs(server.base, '/ws');
    t.after(() => socket.terminate());
    const channel = channelName('wsrate');
    await socket.publish(channel, 'one');
    await socket.publish(channel, 'two');
    assertErrorOp(await socket.call({ op: 'publish', channel, data: 'three', ref: socket.newRef() }), 'rate_limited');
    assert.deepEqual(await socket.call({ op: 'ping', ref: 3 }), { op: 'pong', ref: 3 });
    await sleep(600);
    await socket.publish(channel, 'four');
  });
});

describe('--allow-origin https://app.example', () => {
  let server;
  before(async () => { server = await startServer(null, ['--allow-origin', 'https://app.example']); });
  after(() => server?.stop());

  test('a publish from another origin → 403 origin_not_allowed, and is not kept', async () => {
    const channel = channelName('origin');
    const res = await publishRaw(server.base, channel, 'forged', { headers: { origin: 'https://evil.example' } });
    assert.equal(res.status, 403, res.body);
    assert.equal(res.json().error, 'origin_not_allowed');

    await publish(server.base, channel, 'from the app', { headers: { origin: 'https://app.example' } });
    await publish(server.base, channel, 'from a server, no Origin');
    const poll = await request(server.base, `/poll/${channel}?since=0`);
    assert.deepEqual(poll.json().messages.map((m) => m.data), ['from the app', 'from a server, no Origin']);
    assert.equal(await refused(server.base, 'origin_not_allowed'), 1);
  });

  test('a WebSocket handshake from another origin → 403 origin_not_allowed, counted too', async () => {
    const { response, connection } = await exchange(server.port, 'GET /ws HTTP/1.1\r\nHost: t\r\n' +
      'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: https://evil.example\r\n\r\n');
    connection.destroy();
    assert.equal(response.status, 403);
    assert.equal(JSON.parse(response.text).error, 'origin_not_allowed');
    assert.equal(await refused(server.base, 'origin_not_allowed'), 2);
  });
});

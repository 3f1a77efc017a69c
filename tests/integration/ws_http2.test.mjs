// WebSockets over HTTP/2 (RFC 8441) through Node's http2 client: the server
// advertises SETTINGS_ENABLE_CONNECT_PROTOCOL, answers extended CONNECT on
// /ws and /ws/{channel} with 200, and the stream then carries the same
// WebSocket frames as an HTTP/1.1 upgrade, beside other streams.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { channelName } from './lib/http.mjs';
import { h2Request, h2Session, h2Stream } from './lib/h2.mjs';
import { until } from './lib/streams.mjs';
import { startTlsServer } from './lib/tls.mjs';
import { OP, RawWs, closePayload, encodeFrame } from './lib/ws_raw.mjs';

describe('WebSockets over HTTP/2', () => {
  let tlsServer;
  let server;
  let ca;
  before(async () => {
    tlsServer = await startTlsServer();
    ({ server, ca } = tlsServer);
  });
  after(() => tlsServer?.stop());

  async function session(t) {
    const s = await h2Session(t, server.base, { ca });
    if (!s.remoteSettings?.enableConnectProtocol) await new Promise((resolve) => s.once('remoteSettings', resolve));
    return s;
  }

  // An extended CONNECT; resolves to {status, headers, ws} once the response head is in.
  function connectWebSocket(s, path, headers = { 'sec-websocket-version': '13' }) {
    const stream = s.request({
      ':method': 'CONNECT', ':protocol': 'websocket', ':path': path, ':scheme': 'https',
      ':authority': `127.0.0.1:${server.port}`, ...headers,
    }, { endStream: false });
    const ws = new RawWs(stream);
    return new Promise((resolve, reject) => {
      stream.once('response', (h) => resolve({ status: h[':status'], headers: h, ws, stream }));
      stream.once('error', reject);
    });
  }

  async function nextText(ws) {
    const frame = await ws.readFrameSkippingPings(3000);
    assert.equal(frame.opcode, OP.text);
    return JSON.parse(frame.payload.toString());
  }

  // The next envelope (a published message), past acks and replies.
  async function nextMessage(ws) {
    for (;;) {
      const message = await nextText(ws);
      if (message.data !== undefined) return message;
    }
  }

  test('the server advertises SETTINGS_ENABLE_CONNECT_PROTOCOL = 1', async (t) => {
    const s = await session(t);
    assert.equal(s.remoteSettings.enableConnectProtocol, true);
    assert.ok(s.remoteSettings.maxConcurrentStreams >= 100);
  });

  test('/ws/{channel}: 200, messages both ways, close handshake', async (t) => {
    const s = await session(t);
    const channel = channelName('h2ws');
    const { status, headers, ws, stream } = await connectWebSocket(s, `/ws/${channel}`);
    assert.equal(status, 200);
    assert.equal(headers['sec-websocket-accept'], undefined, 'RFC 8441 has no accept key');
    const published = await h2Request(s, `/pub/${channel}`, { method: 'POST', body: 'from a publisher' });
    assert.equal(published.status, 200);
    const message = await nextMessage(ws);
    assert.equal(message.data, 'from a publisher');
    assert.equal(message.channel, channel);

    stream.write(encodeFrame(OP.text, Buffer.from('from the tunnel')));
    const echoed = await nextMessage(ws);
    assert.equal(echoed.data, 'from the tunnel');
    const polled = await h2Request(s, `/poll/${channel}?since=0`);
    assert.deepEqual(JSON.parse(polled.body).messages.map((m) => m.data), ['from a publisher', 'from the tunnel']);

    stream.write(encodeFrame(OP.close, closePayload(1000, 'bye')));
    const close = await ws.readFrameSkippingPings(3000);
    assert.equal(close.opcode, OP.close);
    assert.equal(close.payload.readUInt16BE(0), 1000);
    await until(() => ws.isEnded, 3000, 'the stream to end');
    assert.equal(s.destroyed, false, 'the connection stays');
  });

  test('/ws JSON ops and an SSE stream share one connection', async (t) => {
    const s = await session(t);
    const channel = channelName('h2ws');
    const { status, ws } = await connectWebSocket(s, '/ws');
    assert.equal(status, 200);
    ws.socket.write(encodeFrame(OP.text, Buffer.from(JSON.stringify({ op: 'subscribe', channel, ref: 1 }))));
    let reply = await nextText(ws);
    while (reply.ref !== 1) reply = await nextText(ws);
    const sse = h2Stream(s, `/sse/${channel}`);
    await until(() => sse.seen.headers, 3000, 'the SSE head');
    await h2Request(s, `/pub/${channel}`, { method: 'POST', body: 'to both' });
    assert.equal((await nextMessage(ws)).data, 'to both');
    await until(() => sse.seen.text.includes('data: to both'), 3000, 'the SSE event');
  });

  test('a CONNECT that is not a WebSocket is refused', async (t) => {
    const s = await session(t);
    const wrongVersion = await connectWebSocket(s, '/ws', { 'sec-websocket-version': '8' });
    assert.equal(wrongVersion.status, 426);
    assert.equal(wrongVersion.headers['sec-websocket-version'], '13');
    const elsewhere = await connectWebSocket(s, '/sse/x');
    assert.equal(elsewhere.status, 405);
  });
});

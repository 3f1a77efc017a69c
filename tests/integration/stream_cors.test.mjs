// CORS on the streaming techniques: a page on another origin may read SSE,
// NDJSON streams and the iframe document (EventSource and fetch need
// Access-Control-Allow-Origin on the stream response itself).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { channelName, publish } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { FORMATS, openStream, streamMessages } from './lib/streams.mjs';

const ORIGIN = 'http://other.example';

async function openAll(t, port, origin, channel) {
  const readers = [];
  for (const format of FORMATS) {
    const reader = await openStream(port, format.path(channel), { headers: { Origin: origin } });
    t.after(() => reader.destroy());
    readers.push([format, reader]);
  }
  return readers;
}

describe('CORS on streams', () => {
  test('with the default --allow-origin *, every stream allows another origin and still streams', async (t) => {
    const server = await startServer(t);
    const channel = channelName('cors');
    const readers = await openAll(t, server.port, ORIGIN, channel);
    for (const [format, reader] of readers) {
      assert.equal(reader.response.status, 200, format.name);
      const allowed = reader.response.headers['access-control-allow-origin'];
      assert.ok(allowed === '*' || allowed === ORIGIN,
        `${format.name}: Access-Control-Allow-Origin should be * or ${ORIGIN}, is ${allowed}`);
    }
    const { id } = await publish(server.base, channel, 'cross-origin');
    for (const [format, reader] of readers) {
      await reader.waitFor(() => streamMessages(format.name, reader.text).length >= 1, 2000, `${format.name} message`);
      assert.deepEqual(streamMessages(format.name, reader.text), [{ id, event: 'message', data: 'cross-origin' }]);
    }
    for (const [, reader] of readers) reader.destroy();
    await server.stop();
  });

  test('with --allow-origin set, every stream names the allowed origin and not another one', async (t) => {
    const server = await startServer(t, ['--allow-origin', ORIGIN, '--allow-origin', 'https://second.example']);
    const channel = channelName('cors');
    for (const [format, reader] of await openAll(t, server.port, ORIGIN, channel)) {
      assert.equal(reader.response.status, 200, format.name);
      assert.equal(reader.response.headers['access-control-allow-origin'], ORIGIN, format.name);
      const vary = (reader.response.headers.vary ?? '').toLowerCase();
      assert.ok(vary.includes('origin') || vary.includes('*'),
        `${format.name}: an answer that depends on Origin should say Vary: Origin (is ${reader.response.headers.vary})`);
      reader.destroy();
    }
    for (const [format, reader] of await openAll(t, server.port, 'http://evil.example', channel)) {
      const allowed = reader.response.headers['access-control-allow-origin'];
      assert.ok(allowed === undefined || (allowed !== '*' && allowed !== 'http://evil.example'),
        `${format.name}: a foreign origin must not be allowed, got Access-Control-Allow-Origin ${allowed}`);
      reader.destroy();
    }
    await server.stop();
  });
});

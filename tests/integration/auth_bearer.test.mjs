// One reading of `Authorization: Bearer KEY` for HTTP publishes and the
// WebSocket handshake: the scheme in any case (RFC 9110 11.1), one or more
// spaces before the key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { channelName, publishRaw } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { rawConnect } from './lib/ws_raw.mjs';

describe('the bearer scheme', () => {
  let server;
  before(async () => { server = await startServer(null, ['--publish-key', 's3cret']); });
  after(() => server.stop());

  const accepted = ['Bearer s3cret', 'bearer s3cret', 'BEARER s3cret', 'Bearer   s3cret'];
  const refused = ['Bearer s3cre', 'Bearer s3cretX', 'Bearers3cret', 'Basic s3cret', 'Bearer ', 's3cret'];

  test('HTTP publish', async () => {
    for (const authorization of accepted) {
      const res = await publishRaw(server.base, channelName(), 'x', { headers: { authorization } });
      assert.equal(res.status, 200, authorization);
    }
    for (const authorization of refused) {
      const res = await publishRaw(server.base, channelName(), 'x', { headers: { authorization } });
      assert.equal(res.status, 401, authorization);
    }
  });

  test('the WebSocket handshake grants publishing the same way', async () => {
    for (const [authorization, ok] of [...accepted.map((a) => [a, true]), ...refused.map((a) => [a, false])]) {
      const ws = await rawConnect(server.port, { headers: { Authorization: authorization } });
      try {
        ws.sendJson({ op: 'publish', channel: channelName(), data: 'x', ref: 1 });
        const reply = await ws.readJson();
        assert.equal(reply.op, ok ? 'ok' : 'error', `${authorization}: ${JSON.stringify(reply)}`);
      } finally {
        ws.destroy();
      }
    }
  });
});

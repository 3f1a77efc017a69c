// When the server closes on a client that is still sending, the client must
// see the answer (a 1009 close frame, a 413), not a TCP reset that destroys
// it unread: the server half-closes and drains the input for --linger first.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect } from './lib/raw_http.mjs';
import { startServer } from './lib/server.mjs';
import { metrics } from './lib/streams.mjs';
import { encodeFrame, OP, rawConnect } from './lib/ws_raw.mjs';

const EIGHT_MIB = 8 * 1024 * 1024;

describe('lingering close', () => {
  let server;
  before(async () => { server = await startServer(null); });
  after(() => server.stop());

  test('an 8 MiB frame sender sees the 1009 close frame', async () => {
    const frame = encodeFrame(OP.text, Buffer.alloc(EIGHT_MIB, 'a'));
    const lingered = (await metrics(server.base)).pushwire_lingering_closes_total;
    for (let attempt = 0; attempt < 5; ++attempt) {
      const ws = await rawConnect(server.port);
      try {
        ws.write(frame);
        const close = await ws.readClose();
        assert.equal(close.code, 1009, `attempt ${attempt}`);
        assert.ok(await ws.waitForEnd(), 'the server half-closes after the close frame');
      } finally {
        ws.destroy();
      }
    }
    assert.ok((await metrics(server.base)).pushwire_lingering_closes_total >= lingered + 5);
  });

  test('a publisher sending a body over the limit reads its 413', async () => {
    for (let attempt = 0; attempt < 5; ++attempt) {
      const connection = await connect(server.port);
      try {
        connection.write(`POST /pub/big HTTP/1.1\r\nHost: x\r\nContent-Length: ${EIGHT_MIB}\r\n\r\n`);
        connection.write(Buffer.alloc(EIGHT_MIB, 'a'));
        const res = await connection.readResponse();
        assert.equal(res.status, 413, `attempt ${attempt}`);
        assert.equal(JSON.parse(res.text).error, 'too_large');
      } finally {
        connection.destroy();
      }
    }
  });
});

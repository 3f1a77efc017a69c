// --heartbeat on WebSockets: the server pings every interval, and closes
// with 1001 a connection from which no frame at all arrived for three.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { channelName, sleep } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { OP, describeClose, openWs, rawConnect } from './lib/ws_raw.mjs';

describe('WebSocket heartbeats with --heartbeat 1', () => {
  let server;
  before(async () => { server = await startServer(null, ['--heartbeat', '1']); });
  after(() => server?.stop());

  function serverState() {
    const { exitCode, signalCode } = server.child;
    return exitCode === null && signalCode === null ? 'the server is running'
      : `the server exited (code ${exitCode}, signal ${signalCode})`;
  }

  test('clients that answer or talk stay open; a silent one is closed with 1001 within ~5 s', async (t) => {
    // All at once, so that the test takes one wait.
    const plain = await openWs(server.base, '/ws', { deflate: false });
    const compressed = await openWs(server.base, '/ws', { deflate: true });
    const fixed = await openWs(server.base, `/ws/${channelName('hb')}`);
    const silent = await rawConnect(server.port);
    const answering = await rawConnect(server.port);
    const talking = await rawConnect(server.port);
    const started = Date.now();
    t.after(() => {
      for (const s of [plain, compressed, fixed]) s.terminate();
      for (const s of [silent, answering, talking]) s.destroy();
    });

    // The answering client returns every ping as a pong; the talking one
    // never answers a ping but sends a ping op every 700 ms.
    let answeringPings = 0;
    let talkingPings = 0;
    let talkingPongs = 0;
    let stop = false;
    const answerer = (async () => {
      while (!stop) {
        const frame = await answering.readFrame(1500).catch(() => null);
        if (!frame) continue;
        if (frame.opcode === OP.ping) {
          answeringPings++;
          answering.send(OP.pong, frame.payload);
        } else if (frame.opcode === OP.close) {
          throw new Error(`the client that answers pings was closed: ${describeClose(frame.payload)}; ${serverState()}`);
        }
      }
    })();
    const talker = (async () => {
      let ref = 0;
      while (!stop) {
        talking.sendJson({ op: 'ping', ref: ++ref });
        const deadline = Date.now() + 700;
        while (Date.now() < deadline) {
          const frame = await talking.readFrame(Math.max(1, deadline - Date.now())).catch(() => null);
          if (!frame) break;
          if (frame.opcode === OP.ping) talkingPings++;
          else if (frame.opcode === OP.text) talkingPongs++;
          else if (frame.opcode === OP.close) {
            throw new Error(`the talking client was closed: ${describeClose(frame.payload)}; ${serverState()}`);
          }
        }
      }
    })();

    // The silent client sees pings, then the close.
    let silentPings = 0;
    let close;
    for (;;) {
      const frame = await silent.readFrame(7000 - (Date.now() - started));
      if (frame.opcode === OP.ping) {
        silentPings++;
        assert.equal(frame.payload.length <= 125, true);
      } else if (frame.opcode === OP.close) {
        close = frame;
        break;
      } else {
        assert.fail(`unexpected frame opcode ${frame.opcode} on the silent client`);
      }
    }
    const closedAfter = Date.now() - started;
    assert.ok(close.payload.length >= 2, 'the close frame should carry a code');
    assert.equal(close.payload.readUInt16BE(0), 1001, `a silent client is closed with 1001 (going away): ${describeClose(close.payload)}`);
    assert.ok(closedAfter >= 2000, `closed after ${closedAfter} ms: too early for three missed 1-second intervals`);
    assert.ok(closedAfter <= 5500, `closed after ${closedAfter} ms: should be within ~5 s`);
    assert.ok(silentPings >= 2, `the silent client should have been pinged (${silentPings} pings)`);
    assert.ok(await silent.waitForEnd(2000), 'the TCP connection should close after the close frame');

    // Everyone else is still open well past three intervals.
    await sleep(Math.max(0, 6000 - (Date.now() - started)));
    stop = true;
    await Promise.all([answerer, talker]);
    for (const [name, s] of [['ws', plain], ['ws with deflate', compressed], ['ws on /ws/{channel}', fixed]]) {
      assert.equal(s.closeInfo, null, `${name} should still be open: ${JSON.stringify(s.closeInfo)}; ${serverState()}`);
      assert.ok(s.pings >= 3, `${name} should have received pings every second (${s.pings} in 6 s)`);
    }
    assert.equal((await plain.call({ op: 'ping' })).op, 'pong');
    assert.equal((await compressed.call({ op: 'ping' })).op, 'pong');
    assert.ok(answeringPings >= 3, `the answering client saw ${answeringPings} pings`);
    assert.equal(answering.isEnded, false, 'the client that answers pings stays open');
    assert.equal(talking.isEnded, false, 'a client that sends frames stays open even without pongs');
    assert.ok(talkingPings >= 3 && talkingPongs >= 5, `talking client: ${talkingPings} pings, ${talkingPongs} pong ops`);
  });
});

describe('WebSocket heartbeats at the default interval', () => {
  let server;
  before(async () => { server = await startServer(null, []); });
  after(() => server?.stop());

  test('no ping within the first 1.5 s with --heartbeat at its default (15 s)', async (t) => {
    const socket = await openWs(server.base, '/ws');
    t.after(() => socket.terminate());
    await sleep(1500);
    assert.equal(socket.pings, 0);
  });
});

// Fan-out to 2,000 WebSocket subscribers: every one receives each of 100
// messages exactly once and in order, without and with permessage-deflate.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import WebSocket from 'ws';
import { channelName, publish } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { wsUrl } from './lib/ws_raw.mjs';

const SUBSCRIBERS = 2000;
const MESSAGES = 100;
const CONNECT_CONCURRENCY = 50;  // handshakes in flight at once
const ROUNDS = 4;                // subscribers are created in this many rounds

// One subscriber that checks order and count as messages arrive. A quarter
// use /ws/{channel} (subscribed on open), the rest /ws with a subscribe op.
function subscriber(base, channel, index, deflate) {
  const fixed = index % 4 === 3;
  const state = { count: 0, errors: [], closed: null, ws: null };
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(base, fixed ? `/ws/${channel}` : '/ws'), { perMessageDeflate: deflate, handshakeTimeout: 20000 });
    state.ws = ws;
    let ready = false;
    const fail = (error) => {
      if (ready) {
        state.errors.push(`error: ${error.message}`);
      } else {
        ws.terminate();
        reject(new Error(`subscriber ${index}: ${error.message}`));
      }
    };
    ws.on('error', fail);
    ws.on('close', (code) => {
      state.closed = code;
      if (!ready) reject(new Error(`subscriber ${index} closed (${code}) before it was subscribed`));
    });
    ws.on('open', () => {
      if (deflate && !/^permessage-deflate\b/.test(ws.extensions)) {
        fail(new Error(`permessage-deflate was not agreed: ${JSON.stringify(ws.extensions)}`));
        return;
      }
      if (fixed) {
        ready = true;
        resolve(state);
      } else {
        ws.send(JSON.stringify({ op: 'subscribe', channel, ref: index }));
      }
    });
    ws.on('message', (data) => {
      let op;
      try {
        op = JSON.parse(data.toString('utf8'));
      } catch {
        state.errors.push(`not JSON: ${data.toString('utf8').slice(0, 100)}`);
        return;
      }
      if (!ready) {
        if (op.op === 'ok' && op.ref === index) {
          ready = true;
          resolve(state);
        } else {
          fail(new Error(`expected the subscribe ok, got ${JSON.stringify(op).slice(0, 200)}`));
        }
        return;
      }
      if (op.op !== 'message' || op.channel !== channel) {
        state.errors.push(`unexpected op ${JSON.stringify(op).slice(0, 200)}`);
        return;
      }
      const expected = `message ${state.count} ${'.'.repeat(64)}`;
      if (op.data !== expected) {
        state.errors.push(`message ${state.count + 1}: expected ${JSON.stringify(expected.slice(0, 14))}, got ${JSON.stringify(op.data.slice(0, 14))}`);
      }
      state.count++;
    });
  });
}

async function connectAll(base, channel, deflate) {
  const states = [];
  let next = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const end = Math.round(((round + 1) * SUBSCRIBERS) / ROUNDS);
    const worker = async () => {
      while (next < end) {
        const index = next++;
        states[index] = await subscriber(base, channel, index, deflate);
      }
    };
    await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
  }
  return states;
}

function summarize(states) {
  const counts = new Map();
  for (const s of states) counts.set(s.count, (counts.get(s.count) ?? 0) + 1);
  const errors = states.flatMap((s, i) => s.errors.map((e) => `#${i}: ${e}`));
  const closes = new Map();
  for (const s of states) if (s.closed !== null) closes.set(s.closed, (closes.get(s.closed) ?? 0) + 1);
  return `counts ${JSON.stringify([...counts].sort((a, b) => a[0] - b[0]))}, closed ${JSON.stringify([...closes])}, ` +
    `${errors.length} errors${errors.length ? `: ${errors.slice(0, 5).join('; ')}` : ''}`;
}

for (const deflate of [false, true]) {
  describe(`fan-out to ${SUBSCRIBERS} WebSocket subscribers ${deflate ? 'with permessage-deflate' : 'without compression'}`, () => {
    test(`each receives all ${MESSAGES} messages exactly once and in order`, { timeout: 90000 }, async (t) => {
      const server = await startServer(t, ['--threads', '2']);
      const channel = channelName('fan');
      let states = [];
      t.after(() => {
        for (const s of states) s?.ws.terminate();
      });
      const serverState = () => {
        const { exitCode, signalCode } = server.child;
        const stderr = server.stderr();
        return `server ${exitCode === null && signalCode === null ? 'running' : `exited (code ${exitCode}, signal ${signalCode})`}` +
          `${stderr ? `; stderr: ${stderr.slice(-1500)}` : ''}`;
      };
      try {
        states = await connectAll(server.base, channel, deflate);
      } catch (error) {
        error.message += `; ${serverState()}`;
        throw error;
      }
      assert.equal(states.length, SUBSCRIBERS);

      for (let i = 0; i < MESSAGES; i++) await publish(server.base, channel, `message ${i} ${'.'.repeat(64)}`);

      const deadline = Date.now() + 60000;
      while (Date.now() < deadline && states.some((s) => s.count < MESSAGES && s.closed === null && !s.errors.length)) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Long enough for a duplicate to show up.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const summary = summarize(states);
      assert.ok(states.every((s) => s.count === MESSAGES && !s.errors.length && s.closed === null),
        `every subscriber should have exactly ${MESSAGES} messages in order: ${summary}; ${serverState()}`);

      for (const s of states) s.ws.terminate();
      await server.stop();
    });
  });
}

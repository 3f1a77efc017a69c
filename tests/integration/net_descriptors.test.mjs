// When the server has no file descriptor left for a new client, the clients
// waiting to be accepted are turned away at once (accepted and closed) rather
// than left waiting while the listening socket reports them every loop turn;
// the clients already connected are still served, and new clients are served
// again once descriptors are free.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { healthz, sleep, waitFor } from './lib/http.mjs';
import { openSocket } from './lib/raw_http.mjs';
import { startServer } from './lib/server.mjs';

const DESCRIPTORS = 64;
const CLIENTS = 100;

// The CPU time the process has used, in clock ticks (1/100 s).
function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);  // utime, stime
}

// Opens CLIENTS connections; `closed` counts those the server closed.
async function crowd(port) {
  const sockets = await Promise.all(Array.from({ length: CLIENTS }, () => openSocket(port)));
  const crowd = { sockets, closed: 0 };
  for (const socket of sockets) {
    socket.on('error', () => {});
    socket.on('close', () => { crowd.closed += 1; });
  }
  return crowd;
}

function answer(socket) {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk) => {
      text += chunk;
      if (text.includes('\r\n\r\n')) resolve(text);
    });
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  });
}

test('out of descriptors, waiting clients are turned away and the server serves again once some are free', async (t) => {
  const server = await startServer(t, ['--threads', '1', '--max-connections', '1000']);
  const pid = server.child.pid;
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${DESCRIPTORS}:${DESCRIPTORS}`]);

  for (let round = 1; round <= 2; round++) {
    const clients = await crowd(server.port);
    await waitFor(() => clients.closed >= CLIENTS - DESCRIPTORS, 5000,
      `round ${round}: at least ${CLIENTS - DESCRIPTORS} of ${CLIENTS} clients turned away (${clients.closed} so far)`);
    const before = cpuTicks(pid);
    await sleep(1000);
    const spent = cpuTicks(pid) - before;
    assert.ok(spent <= 20, `round ${round}: the server used ${spent}/100 s of CPU in 1 s with nothing to do`);

    const held = clients.sockets.find((socket) => !socket.destroyed);
    assert.ok(held, `round ${round}: some clients were accepted`);
    assert.match(await answer(held), /^HTTP\/1\.1 200 /, `round ${round}: a connected client is served`);

    clients.sockets.forEach((socket) => socket.destroy());
    await waitFor(async () => {
      try {
        await healthz(server.base);
        return true;
      } catch {
        return false;
      }
    }, 5000, `round ${round}: a new client served once the others left`);
  }
  await server.stop();
});

// An idle client costs the server little: a held-open stream keeps neither
// its request nor the parser's state, and a session's channels cost what
// their listeners do (docs/performance.md, "Memory per idle client"). The
// cost is read as the growth of the server's RSS over many clients, with
// room for the allocator's slack; the streams must still deliver.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { channelName, publish } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { openStream } from './lib/streams.mjs';

const CLIENTS = 1000;

function residentBytes(pid) {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1];
  return Number(kib) * 1024;
}

// Opens CLIENTS streams of `path`, 100 at a time; resolves once each has its head.
async function openMany(t, port, path) {
  const readers = [];
  t.after(() => readers.forEach((reader) => reader.destroy()));
  for (let opened = 0; opened < CLIENTS; opened += 100) {
    readers.push(...await Promise.all(Array.from({ length: 100 }, () => openStream(port, path, { timeoutMs: 15000 }))));
  }
  return readers;
}

async function bytesPerClient(t, server, path) {
  const before = residentBytes(server.child.pid);
  const readers = await openMany(t, server.port, path);
  return { readers, perClient: (residentBytes(server.child.pid) - before) / CLIENTS };
}

async function allReceive(readers, base, channel) {
  const { id } = await publish(base, channel, 'still here');
  await Promise.all(readers.map((reader) => reader.waitForText(id, 15000)));
}

test('a session stream of 20 channels costs the server under 3.3 KB', async (t) => {
  const server = await startServer(t, ['--threads', '1']);
  const channels = Array.from({ length: 20 }, (_, i) => channelName(`m${i}`));
  const path = `/sse?${channels.map((channel) => `channel=${channel}`).join('&')}`;
  const { readers, perClient } = await bytesPerClient(t, server, path);
  t.diagnostic(`${Math.round(perClient)} bytes per session`);
  assert.ok(perClient < 3300, `${Math.round(perClient)} bytes per session`);
  await allReceive(readers, server.base, channels[19]);
  await server.stop();
});

test('an SSE stream of one channel costs the server under 1.2 KB', async (t) => {
  const server = await startServer(t, ['--threads', '1']);
  const channel = channelName('one');
  const { readers, perClient } = await bytesPerClient(t, server, `/sse/${channel}`);
  t.diagnostic(`${Math.round(perClient)} bytes per stream`);
  assert.ok(perClient < 1200, `${Math.round(perClient)} bytes per stream`);
  await allReceive(readers, server.base, channel);
  await server.stop();
});

// Server CPU per new connection that presents a token, against one that
// presents none: each request is GET /poll on a fresh TCP connection, the
// server runs one thread, and its CPU time is read from /proc before and
// after. Usage: node bench/access_cost.mjs [REQUESTS]
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';

const requests = Number(process.argv[2] ?? 2000);
const binary = new URL('../build/pushwire', import.meta.url).pathname;
const secret = 'bench-secret-of-a-sensible-length-0123456789';
const inFlight = 8;

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;  // utime + stime, in clock ticks of 10 ms
}

async function start(flags) {
  const child = spawn(binary, ['--listen', '127.0.0.1:0', '--threads', '1', '--log-level', 'warn', ...flags],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => {
    child.stdout.on('data', (chunk) => {
      const match = /listening on http:\/\/\S+:(\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
  });
  return { child, port };
}

function get(port, path, headers) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
  });
}

async function measure(name, flags, headers) {
  const { child, port } = await start(flags);
  for (let i = 0; i < 200; i++) await get(port, '/poll/news', headers);  // warm up
  const before = cpuSeconds(child.pid);
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next++ < requests) await get(port, '/poll/news', headers);
  }));
  const perRequestUs = ((cpuSeconds(child.pid) - before) / requests) * 1e6;
  child.kill('SIGTERM');
  console.log(`${name.padEnd(36)} ${perRequestUs.toFixed(1)} µs server CPU per connection`);
}

const claims = { sub: 'bench', subscribe: ['news'] };
const exp = Math.floor(Date.now() / 1000) + 3600;
const hs256 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp)
  .sign(new TextEncoder().encode(secret));
const { privateKey, publicKey } = await generateKeyPair('ES256');
const es256 = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setExpirationTime(exp).sign(privateKey);
const pem = join(mkdtempSync(join(tmpdir(), 'pushwire-bench-')), 'es256.pem');
writeFileSync(pem, await exportSPKI(publicKey));

console.log(`${requests} requests, each GET /poll/news on a new connection, ${inFlight} at a time`);
await measure('no access control', [], {});
await measure('access control, public channel', ['--jwt-secret', secret, '--public-channels', 'news'], {});
await measure('HS256 token', ['--jwt-secret', secret], { authorization: `Bearer ${hs256}` });
await measure('ES256 token', ['--jwt-public-key', pem], { authorization: `Bearer ${es256}` });

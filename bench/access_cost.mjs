// What access control costs the server, in CPU time, with an HS256 or ES256
// token against none, the server on one thread:
// - per new connection: each request is GET /poll on a fresh TCP connection,
//   the server's CPU time read from /proc before and after;
// - per delivery: build/pushwire-loadgen with 1,000 subscribers of one
//   channel (WebSocket /ws/{channel} with the token at the handshake, and SSE
//   with ?token=), 32 publishes in flight (so that each write carries several
//   messages and per-delivery work weighs most), the server pinned to
//   CPU 0 and the load generator to CPU 1; the rounds alternate the
//   configurations, so that a machine that slows down skews each alike.
// Usage: node bench/access_cost.mjs [REQUESTS] [ROUNDS]
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';

const requests = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 3);
const binary = new URL('../build/pushwire', import.meta.url).pathname;
const loadgen = new URL('../build/pushwire-loadgen', import.meta.url).pathname;
const secret = 'bench-secret-of-a-sensible-length-0123456789';
const publishKey = 'bench-publish-key';
const inFlight = 8;
const [serverCpu, loadgenCpu] = ['0', '1'];

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;  // utime + stime, in clock ticks of 10 ms
}

async function start(flags, pinned = false) {
  const args = ['--listen', '127.0.0.1:0', '--threads', '1', '--log-level', 'warn', ...flags];
  const child = pinned ? spawn('taskset', ['-c', serverCpu, binary, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
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

/** One load generator run against `port`; its JSON result. */
function loadgenRun(port, pid, technique, token, seconds) {
  const args = ['-c', loadgenCpu, loadgen, '--technique', technique, '-n', '1000', '--channel-prefix', 'bench', '--window', '32',
    '--size', '64', '--duration', String(seconds), '--server-pid', String(pid), '--quiet',
    '--pub-url', `http://127.0.0.1:${port}/pub/{channel}`, '--pub-header', `Authorization: Bearer ${publishKey}`];
  if (technique === 'ws') {
    args.push('--sub-url', `ws://127.0.0.1:${port}/ws/{channel}`);
    if (token) args.push('--header', `Authorization: Bearer ${token}`);
  } else {
    args.push('--sub-url', `http://127.0.0.1:${port}/sse/{channel}${token ? `?token=${token}` : ''}`);
  }
  return new Promise((resolve, reject) => {
    execFile('taskset', args, { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`loadgen: ${err.message} ${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

async function deliveryRun(config, technique) {
  const { child, port } = await start([...config.flags, '--publish-key', publishKey], true);
  try {
    await loadgenRun(port, child.pid, technique, config.token, 1); // warm-up
    const r = await loadgenRun(port, child.pid, technique, config.token, 5);
    if (r.lost || r.dup || r.failed) throw new Error(`${config.name} ${technique}: lost ${r.lost}, dup ${r.dup}, failed ${r.failed}`);
    return r;
  } finally {
    child.kill('SIGTERM');
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const claims = { sub: 'bench', subscribe: ['news', 'bench*'] };
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

const configs = [
  { name: 'no access control', flags: [] },
  { name: 'HS256 token', flags: ['--jwt-secret', secret], token: hs256 },
  { name: 'ES256 token', flags: ['--jwt-public-key', pem], token: es256 },
];
console.log(`\nper delivery: 1,000 subscribers of one channel, 32 publishes in flight, 5 s after a 1 s warm-up, ${rounds} rounds`);
for (const technique of ['ws', 'sse']) {
  const runs = new Map(configs.map((c) => [c, []]));
  for (let round = 0; round < rounds; round++) {
    for (const config of configs) runs.get(config).push(await deliveryRun(config, technique));
  }
  const base = median(runs.get(configs[0]).map((r) => r.server_cpu_us_per_delivery));
  for (const config of configs) {
    const rs = runs.get(config);
    const us = median(rs.map((r) => r.server_cpu_us_per_delivery));
    console.log(`${technique.padEnd(4)}${config.name.padEnd(20)} ${us.toFixed(3)} µs server CPU per delivery (×${(us / base).toFixed(2)}), ` +
      `${Math.round(median(rs.map((r) => r.delivered_per_s))).toLocaleString('en')} deliveries/s, ` +
      `server CPU ${Math.round(median(rs.map((r) => r.server_cpu_pct)))}%; runs: ${rs.map((r) => r.server_cpu_us_per_delivery.toFixed(3)).join(' ')}`);
  }
}

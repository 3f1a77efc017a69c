#!/usr/bin/env node
// The soak: 10,000 subscribers across every technique for an hour at a steady
// publish rate. Every minute it prints the server's RSS and open fds and each
// technique's delivery latency (p50/p99) of that minute; at the end, loss and
// duplicates per technique. See bench/README.md ("Soak").
//
// WebSocket, SSE, NDJSON streaming and long-poll subscribers, and SSE and
// long-poll sessions of ten channels each, come from build/pushwire-loadgen
// (one process per row, --interval lines); poll, JSONP and forever-iframe
// subscribers live in this process, which publishes timestamped messages to
// their channels itself.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const USAGE = `usage: node bench/soak.mjs [--duration S] [--sample S] [--scale F] [--server PATH] [--threads N]

  --duration S   seconds of publishing (default 3600)
  --sample S     seconds between table rows (default 60)
  --scale F      multiply every subscriber count by F (default 1: 10,000 in all)
  --server PATH  the pushwire binary (default build/pushwire)
  --loadgen PATH the load generator (default build/pushwire-loadgen)
  --threads N    the server's --threads (default: its own default)
  --nice N       niceness of the load generators and this process's clients (default 10)`;

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '3600' },
    sample: { type: 'string', default: '60' },
    scale: { type: 'string', default: '1' },
    server: { type: 'string', default: 'build/pushwire' },
    loadgen: { type: 'string', default: 'build/pushwire-loadgen' },
    threads: { type: 'string' },
    nice: { type: 'string', default: '10' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const duration = Number(args.duration);
const sample = Number(args.sample);
const scale = Number(args.scale);
const count = (n) => Math.max(1, Math.round(n * scale));

// Subscribers per row of the table; each loadgen row has its subscribers, the
// channels they share, its publishes a second over them, and the channels
// each subscriber holds on its one connection (a session when more than one).
// The load generators' fd limit (20,000 a process) is far from reached; the
// server holds all 10,000 (and its own --max-connections follows its limit).
const LOADGEN = [
  { name: 'ws', technique: 'ws', url: 'ws://HOST/ws/{channel}', n: count(3000) },
  { name: 'sse', technique: 'sse', url: 'http://HOST/sse/{channel}', n: count(1500) },
  { name: 'stream', technique: 'stream', url: 'http://HOST/stream/{channel}', n: count(1500) },
  { name: 'longpoll', technique: 'longpoll', url: 'http://HOST/lp/{channel}', n: count(1000) },
  { name: 'sse session', technique: 'sse', url: 'http://HOST/sse?channel={channel}', n: count(750), perSub: 10 },
  { name: 'lp session', technique: 'longpoll', url: 'http://HOST/lp?channel={channel}', n: count(750), perSub: 10 },
].map((row) => ({ channels: 100, rate: 10, perSub: 1, ...row }));
const IN_PROCESS = { poll: count(800), jsonp: count(400), iframe: count(300) };
const IN_PROCESS_CHANNELS = 50;
const IN_PROCESS_RATE = 10;      // msgs/s over those channels
const POLL_INTERVAL_MS = 5000;   // a poll client asks every 5 s: its latency is up to that by design

const now = () => Number(process.hrtime.bigint()) / 1e6;  // ms, monotonic
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function startServer() {
  const flags = ['--listen', '127.0.0.1:0'];
  if (args.threads) flags.push('--threads', args.threads);
  const child = spawn(args.server, flags, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (piece) => {
      out += piece;
      const m = /listening on http:\/\/(\S+)/.exec(out);
      if (m) resolve({ child, host: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`pushwire exited with ${code} before it listened`)));
  });
}

function procSample(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    rssMiB: Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024,
    fds: readdirSync(`/proc/${pid}/fd`).length,
  };
}

// One load generator; `latest` is its last --interval line, `result` its final JSON.
function startLoadgen(host, { name, technique, url, n, channels, rate, perSub }) {
  const sub = url.replace('HOST', host);
  const flags = ['-n', String(n), '--technique', technique, '--sub-url', sub, '--channels', String(channels),
    '--channels-per-sub', String(perSub),
    // A sample longer than the table: they start their clock once their subscribers are ready.
    '--pub-url', `http://${host}/pub/{channel}`, '--rate', String(rate), '--duration', String(duration + sample),
    '--interval', String(sample), '--connect-timeout', '120', '--drain', '10', '--quiet'];
  const child = spawn('nice', ['-n', args.nice, args.loadgen, ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
  const gen = { name, n, child, latest: null, result: null };
  createInterface({ input: child.stdout }).on('line', (line) => {
    const parsed = JSON.parse(line);
    if (parsed.interval) gen.latest = parsed;
    else gen.result = parsed;
  });
  gen.done = new Promise((resolve) => child.once('exit', (code) => {
    gen.exitCode = code;
    resolve();
  }));
  return gen;
}

// Latency samples of one technique in this process, per table row.
class Window {
  samples = [];
  lost = 0;
  repeated = 0;
  delivered = 0;
  add(ms) {
    this.samples.push(ms);
    this.delivered++;
  }
  take() {
    const s = this.samples.sort((a, b) => a - b);
    this.samples = [];
    const at = (q) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN);
    return { p50: at(0.5), p99: at(0.99), n: s.length };
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

function get(path, host, onData) {
  return new Promise((resolve, reject) => {
    const req = http.get(`http://${host}${path}`, { agent }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (piece) => {
        text += piece;
        if (onData) text = onData(text);
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

// A subscriber of this process: checks that its channel's sequence numbers
// arrive once and in order, and records each message's latency.
class Checker {
  last = -1;
  constructor(window, sent) {
    this.window = window;
    this.sent = sent;
  }
  take(envelope) {
    const seq = Number(envelope.data);
    if (seq <= this.last) this.window.repeated++;
    else {
      if (this.last >= 0 && seq > this.last + 1) this.window.lost += seq - this.last - 1;
      this.last = seq;
      this.window.add(now() - this.sent.get(`${envelope.channel}:${seq}`));
    }
  }
}

async function pollClient(host, channel, window, sent, longPoll, running) {
  const check = new Checker(window, sent);
  let cursor = null;
  while (running()) {
    const since = cursor === null ? '' : `since=${encodeURIComponent(cursor)}&`;
    try {
      const text = longPoll
        ? await get(`/jsonp/${channel}?${since}callback=cb&timeout=30`, host)
        : await get(`/poll/${channel}?${since}`, host);
      const body = JSON.parse(longPoll ? text.slice(3, -2) : text);
      for (const m of body.messages) check.take(m);
      cursor = body.last_id;
    } catch {
      window.errors = (window.errors ?? 0) + 1;
      await sleep(1000);
    }
    if (!longPoll) await sleep(POLL_INTERVAL_MS * (0.5 + Math.random()));
  }
}

function iframeClient(host, channel, window, sent) {
  const check = new Checker(window, sent);
  const pattern = /<script>parent\.cb\((.*?)\);<\/script>\n/gs;
  return get(`/iframe/${channel}?callback=cb`, host, (text) => {
    let last = 0;
    for (const m of text.matchAll(pattern)) {
      const envelope = JSON.parse(m[1]);
      if (envelope.event !== '_gap') check.take(envelope);
      last = m.index + m[0].length;
    }
    return text.slice(last);
  }).catch(() => { window.errors = (window.errors ?? 0) + 1; });
}

function publishLoop(host, channels, sent, running) {
  const seqs = new Map(channels.map((c) => [c, 0]));
  let i = 0;
  const t0 = now();
  let published = 0;
  return (async () => {
    while (running()) {
      const channel = channels[i++ % channels.length];
      const seq = seqs.get(channel);
      seqs.set(channel, seq + 1);
      sent.set(`${channel}:${seq}`, now());
      await new Promise((resolve) => {
        const req = http.request(`http://${host}/pub/${channel}`, { method: 'POST', agent }, (res) => {
          res.resume().on('end', resolve);
        });
        req.on('error', resolve);
        req.end(String(seq));
      });
      published++;
      const wait = t0 + (published / IN_PROCESS_RATE) * 1000 - now();
      if (wait > 0) await sleep(wait);
    }
  })();
}

const fmt = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '-');
const latencyCell = (p50, p99) => `${fmt(p50)} / ${fmt(p99)}`;

async function main() {
  const server = await startServer();
  const { host } = server;
  const pid = server.child.pid;
  const baseline = procSample(pid);
  console.log(`pushwire pid ${pid} on ${host}; before subscribers: RSS ${baseline.rssMiB.toFixed(1)} MiB, ` +
    `${baseline.fds} fds; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);

  const gens = LOADGEN.map((row) => startLoadgen(host, row));
  let running = true;
  const isRunning = () => running;
  const sent = new Map();
  const channels = Array.from({ length: IN_PROCESS_CHANNELS }, (_, k) => `soak-${pid}-${k}`);
  const windows = Object.fromEntries(Object.keys(IN_PROCESS).map((t) => [t, new Window()]));
  const clients = [];
  let k = 0;
  for (const [technique, n] of Object.entries(IN_PROCESS)) {
    for (let j = 0; j < n; j++) {
      const channel = channels[k++ % channels.length];
      const w = windows[technique];
      if (technique === 'iframe') clients.push(iframeClient(host, channel, w, sent));
      else clients.push(pollClient(host, channel, w, sent, technique === 'jsonp', isRunning));
    }
  }
  await sleep(3000);  // let the iframe and JSONP clients open before the first publish
  const publisher = publishLoop(host, channels, sent, isRunning);

  const techniques = [...LOADGEN.map((r) => r.name), ...Object.keys(IN_PROCESS)];
  const total = LOADGEN.reduce((s, r) => s + r.n, 0) + Object.values(IN_PROCESS).reduce((s, n) => s + n, 0);
  console.log(`${total} subscribers: ${LOADGEN.map((r) => `${r.name} ${r.n}` +
    (r.perSub > 1 ? ` (${r.perSub} channels each)` : '')).join(', ')}, ` +
    `${Object.entries(IN_PROCESS).map(([t, n]) => `${t} ${n}`).join(', ')}; ` +
    `${LOADGEN.reduce((s, r) => s + r.rate, 0) + IN_PROCESS_RATE} publishes/s; latency p50 / p99 in ms ` +
    `(poll clients ask every ${POLL_INTERVAL_MS / 1000} s ± 50%)\n`);
  console.log(`| min | RSS MiB | fds | ${techniques.join(' | ')} |`);
  console.log(`|---:|---:|---:|${techniques.map(() => '---:').join('|')}|`);

  const start = now();
  for (let row = 1; now() - start < duration * 1000; row++) {
    await sleep(start + row * sample * 1000 - now());
    const { rssMiB, fds } = procSample(pid);
    const cells = gens.map((g) => (g.latest?.deliveries ? latencyCell(g.latest.p50_us / 1e3, g.latest.p99_us / 1e3) : '-'));
    for (const t of Object.keys(IN_PROCESS)) {
      const { p50, p99 } = windows[t].take();
      cells.push(latencyCell(p50, p99));
    }
    console.log(`| ${(row * sample / 60).toFixed(sample % 60 ? 1 : 0)} | ${rssMiB.toFixed(1)} | ${fds} | ${cells.join(' | ')} |`);
  }

  running = false;
  await Promise.all(gens.map((g) => g.done));
  await publisher;
  console.log('\n| technique | subscribers ready | delivered | lost | repeated | disconnects or errors |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const g of gens) {
    const r = g.result;
    if (!r) {
      console.log(`| ${g.name} | - | - | - | - | load generator exited with ${g.exitCode} |`);
      continue;
    }
    console.log(`| ${g.name} | ${r.ready} of ${g.n} | ${r.unique} | ${r.lost} | ${r.dup} | ` +
      `${r.disconnects}${r.first_error ? ` (${r.first_error})` : ''} |`);
  }
  for (const [t, n] of Object.entries(IN_PROCESS)) {
    const w = windows[t];
    console.log(`| ${t} | ${n} | ${w.delivered} | ${w.lost} | ${w.repeated} | ${w.errors ?? 0} |`);
  }
  server.child.kill('SIGTERM');
  agent.destroy();
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// HTTP/2 subscribers for bench/compare.sh --tls: C connections carrying S
// Server-Sent Events streams each, on Node's http2 module, with publishes
// over HTTP/1.1 as pushwire-loadgen makes them. It prints one JSON object in
// pushwire-loadgen's format (the fields bench/report.mjs reads), so both
// generators' runs land in the same tables. Node rather than the C++ load
// generator: an HTTP/2 client there would be a second protocol stack to keep.
//
//   node bench/h2-fanout.mjs --sub-url 'https://127.0.0.1:8443/sse/{channel}'
//     --pub-url 'https://127.0.0.1:8443/pub/{channel}' --connections 10 --streams 100
//     [--window 1 | --rate R] [--duration S] [--size B] [--server-pid PID]
//     [--label L] [--json FILE]
//
// Payloads carry `#s=SEQ;t=NS#` like pushwire-loadgen's (NS from the same
// monotonic clock), so latency is publish-to-delivery on one clock.
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    'sub-url': { type: 'string' },
    'pub-url': { type: 'string' },
    connections: { type: 'string', default: '1000' },
    streams: { type: 'string', default: '1' },
    window: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string', default: '10' },
    size: { type: 'string', default: '64' },
    settle: { type: 'string', default: '1' },
    drain: { type: 'string', default: '5' },
    'server-pid': { type: 'string' },
    label: { type: 'string', default: '' },
    json: { type: 'string' },
  },
});
if (!opt['sub-url'] || !opt['pub-url']) {
  console.error('h2-fanout: --sub-url and --pub-url are required');
  process.exit(1);
}
const connections = Number(opt.connections);
const streamsPerConnection = Number(opt.streams);
const rate = opt.rate ? Number(opt.rate) : 0;
const window = rate ? Infinity : Number(opt.window ?? 1);
const size = Number(opt.size);
const channel = `bench-h2-${process.pid}-${Date.now()}`;
const subUrl = new URL(opt['sub-url'].replaceAll('{channel}', channel));
const pubUrl = new URL(opt['pub-url'].replaceAll('{channel}', channel));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// --- the server's CPU time and memory, from /proc ---
const ticksPerSecond = 100;
function serverCpuSeconds() {
  if (!opt['server-pid']) return NaN;
  const stat = fs.readFileSync(`/proc/${opt['server-pid']}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;  // utime + stime
}
function serverRssKb() {
  if (!opt['server-pid']) return 0;
  const status = fs.readFileSync(`/proc/${opt['server-pid']}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

// --- subscribers ---
const latenciesUs = [];
let delivered = 0;
let duplicates = 0;
let lastDeliveryNs = 0n;
let firstError = '';
let failed = 0;
let disconnects = 0;
let publishing = false;
const subscribers = [];  // per stream subscribed: the sequence numbers it has seen
const marker = /#s=(\d+);t=(\d+)#/g;

function subscribe(session) {
  return new Promise((resolve) => {
    const seen = new Set();
    let stream;
    try {
      stream = session.request({ ':path': subUrl.pathname + subUrl.search, accept: 'text/event-stream' });
    } catch (err) {  // the connection failed before its streams could open
      failed++;
      firstError ||= `subscriber: ${err.message}`;
      resolve();
      return;
    }
    stream.setEncoding('latin1');
    let tail = '';
    let answered = false;
    stream.on('response', (headers) => {
      answered = true;
      if (headers[':status'] === 200) {
        subscribers.push(seen);
      } else {
        failed++;
        firstError ||= `subscriber got status ${headers[':status']}`;
      }
      resolve();
    });
    stream.on('data', (chunk) => {
      const now = process.hrtime.bigint();
      const text = tail + chunk;
      let end = 0;
      for (const m of text.matchAll(marker)) {
        end = m.index + m[0].length;
        const seq = Number(m[1]);
        if (seen.has(seq)) {
          duplicates++;
          continue;
        }
        seen.add(seq);
        delivered++;
        lastDeliveryNs = now;
        latenciesUs.push(Number(now - BigInt(m[2])) / 1000);
      }
      // Keep what may be the start of a marker cut by this read.
      const cut = text.lastIndexOf('#');
      tail = cut >= end && text.length - cut < 48 ? text.slice(cut) : '';
    });
    stream.on('error', (err) => {
      firstError ||= `subscriber: ${err.message}`;
      if (!answered) failed++;
      resolve();
    });
    stream.on('close', () => {
      if (publishing) disconnects++;
    });
  });
}

function connect() {
  const session = http2.connect(subUrl.origin, { rejectUnauthorized: false, peerMaxConcurrentStreams: 1000 });
  session.on('error', (err) => {
    firstError ||= `connection: ${err.message}`;
  });
  return session;
}

const sessions = [];
let opened = [];
for (let c = 0; c < connections; c++) {
  const session = connect();
  sessions.push(session);
  for (let s = 0; s < streamsPerConnection; s++) opened.push(subscribe(session));
  if (opened.length >= 200) {  // at most ~200 handshakes or requests in progress
    await Promise.all(opened);
    opened = [];
  }
}
await Promise.all(opened);
const ready = subscribers.length;
await sleep(Number(opt.settle) * 1000);

// --- publishing, over HTTP/1.1 keep-alive ---
const client = pubUrl.protocol === 'https:' ? https : http;
const agent = new client.Agent({ keepAlive: true, maxSockets: rate ? 4 : 1, rejectUnauthorized: false });
let published = 0;
let acked = 0;
let pubErrors = 0;
let inFlight = 0;
const ackedSeqs = [];

function publish() {
  const seq = published++;
  const head = `#s=${seq};t=${process.hrtime.bigint()}#`;
  const body = head.padEnd(size, 'x');
  inFlight++;
  return new Promise((resolve) => {
    const req = client.request(pubUrl, { method: 'POST', agent, headers: { 'content-type': 'text/plain' } }, (res) => {
      res.resume();
      res.on('end', () => {
        inFlight--;
        if (res.statusCode >= 200 && res.statusCode < 300) {
          acked++;
          ackedSeqs.push(seq);
        } else {
          pubErrors++;
          firstError ||= `publish got status ${res.statusCode}`;
        }
        resolve();
      });
    });
    req.on('error', (err) => {
      inFlight--;
      pubErrors++;
      firstError ||= `publish: ${err.message}`;
      resolve();
    });
    req.end(body);
  });
}

const cpuBefore = serverCpuSeconds();
const ownBefore = process.cpuUsage();
const startNs = process.hrtime.bigint();
const durationNs = BigInt(Math.round(Number(opt.duration) * 1e9));
publishing = true;
if (rate) {
  const intervalNs = 1e9 / rate;
  for (;;) {
    const elapsed = Number(process.hrtime.bigint() - startNs);
    if (elapsed >= Number(durationNs)) break;
    while (published < elapsed / intervalNs + 1) publish();
    await sleep(Math.max(1, Math.min(10, intervalNs / 1e6)));
  }
} else {
  const loops = [];
  for (let w = 0; w < window; w++) {
    loops.push((async () => {
      while (process.hrtime.bigint() - startNs < durationNs) await publish();
    })());
  }
  await Promise.all(loops);
}
const publishEndNs = process.hrtime.bigint();

// --- drain: wait until every acknowledged publish reached every subscriber ---
const expected = acked * ready;
const drainUntil = Date.now() + Number(opt.drain) * 1000;
while ((inFlight > 0 || delivered < expected) && Date.now() < drainUntil) await sleep(20);
publishing = false;
const cpuAfter = serverCpuSeconds();
const own = process.cpuUsage(ownBefore);
const endNs = lastDeliveryNs > publishEndNs ? lastDeliveryNs : publishEndNs;
const elapsedS = Number(endNs - startNs) / 1e9;

let lost = 0;
let subsWithLoss = 0;
for (const seen of subscribers) {
  let missing = 0;
  for (const seq of ackedSeqs) if (!seen.has(seq)) missing++;
  lost += missing;
  if (missing) subsWithLoss++;
}
latenciesUs.sort((a, b) => a - b);
const pct = (p) => (latenciesUs.length ? latenciesUs[Math.min(latenciesUs.length - 1, Math.floor(p * latenciesUs.length))] : 0);
const serverCpu = cpuAfter - cpuBefore;
const ownCpu = (own.user + own.system) / 1e6;
const result = {
  label: opt.label, mode: 'publish', technique: `h2 sse, ${streamsPerConnection} per connection`,
  publish: rate ? `rate ${rate}/s` : `window ${window}`,
  subscribers: connections * streamsPerConnection, ready, failed, lost_connections: disconnects, channels: 1, size,
  publish_s: Number(publishEndNs - startNs) / 1e9, elapsed_s: elapsedS,
  published, acked, pub_errors: pubErrors, acked_per_s: acked / (Number(publishEndNs - startNs) / 1e9),
  expected, delivered: delivered + duplicates, unique: delivered, lost, dup: duplicates, unknown: 0,
  subs_with_loss: subsWithLoss, delivered_per_s: delivered / elapsedS,
  latency_samples: latenciesUs.length, p50_us: pct(0.5), p90_us: pct(0.9), p99_us: pct(0.99),
  p999_us: pct(0.999), max_us: latenciesUs.at(-1) ?? 0,
  loadgen_cpu_s: ownCpu, loadgen_cpu_pct: (100 * ownCpu) / elapsedS,
  server_measured: Boolean(opt['server-pid']), server_cpu_s: serverCpu, server_cpu_pct: (100 * serverCpu) / elapsedS,
  server_cpu_us_per_delivery: delivered ? (serverCpu * 1e6) / delivered : 0,
  server_rss_before_kb: 0, server_rss_after_kb: serverRssKb(), bytes_per_conn: 0,
  disconnects, reconnects: 0, poll_requests: 0, http_errors: failed, gap_signals: 0, error: firstError,
};
for (const session of sessions) session.destroy();
agent.destroy();
const json = JSON.stringify(result);
if (opt.json) fs.writeFileSync(opt.json, `${json}\n`);
console.log(json);
process.exit(ready > 0 ? 0 : 2);

// Turns pushwire-loadgen results into what bench/compare.sh prints:
//   node bench/report.mjs --line RESULT.json
//       one line for one run
//   node bench/report.mjs --table RESULTS.jsonl [--setup FILE] [--runs N]
//       [--duration S] [--server-cpu N] [--loadgen-cpu N] [--out FILE]
//       a Markdown table per scenario: the median of each figure over the
//       runs, and the ratio of pushwire's figures to each baseline's
import fs from 'node:fs';
import { duration, megabytes, median, num } from './report_format.mjs';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

function loss(r) {
  if (!r.expected) return r.lost ? num(r.lost) : '0';
  if (!r.lost) return '0';
  return `${num(r.lost)} (${num((100 * r.lost) / r.expected, 2)}%)`;
}

function warnings(r) {
  const notes = [];
  if (r.failed) notes.push(`${num(r.failed)} subscribers failed to connect`);
  if (r.disconnects) notes.push(`${num(r.disconnects)} disconnects`);
  if (r.pub_errors) notes.push(`${num(r.pub_errors)} publish errors`);
  if (r.http_errors) notes.push(`${num(r.http_errors)} HTTP errors`);
  if (r.loadgen_cpu_pct > 90) notes.push('load generator saturated');
  if (r.mode === 'publish' && r.publish.startsWith('rate')) {
    const offered = Number(r.publish.split(' ')[1].replace('/s', ''));
    if (r.acked_per_s < 0.95 * offered) notes.push(`${num(r.acked_per_s)} of ${num(offered)} publishes/s acknowledged`);
  }
  return notes;
}

function line(r) {
  const notes = warnings(r);
  const tail = notes.length ? `  [${notes.join('; ')}]` : '';
  if (r.mode === 'idle') {
    return `${num(r.ready)} connections held, server RSS ${megabytes(r.server_rss_before_kb)} -> ` +
      `${megabytes(r.server_rss_after_kb)}: ${num(r.bytes_per_conn)} bytes per connection${tail}`;
  }
  return `${num(r.delivered_per_s)} msg/s delivered, loss ${loss(r)}, dup ${num(r.dup)}, ` +
    `p50 ${duration(r.p50_us)}, p99 ${duration(r.p99_us)}, max ${duration(r.max_us)}, ` +
    `server ${num(r.server_cpu_us_per_delivery, 2)} µs CPU/msg, RSS ${megabytes(r.server_rss_after_kb)}${tail}`;
}

// The per-figure median over the runs of one server in one scenario.
function combine(results) {
  const out = { ...results[0] };
  for (const key of Object.keys(out)) {
    if (typeof out[key] === 'number') out[key] = median(results.map((r) => r[key]));
  }
  return out;
}

const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${num(a / b, 2)}×` : '–');

function row(cells) {
  return `| ${cells.join(' | ')} |`;
}

function table(records) {
  const setupFile = opt('--setup');
  const setup = setupFile && fs.existsSync(setupFile) ? fs.readFileSync(setupFile, 'utf8').trim().split('\n') : [];
  const lines = [];
  lines.push('# pushwire benchmark', '');
  lines.push(`${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. ` +
    `Each server pinned to CPU ${opt('--server-cpu') ?? 0} (pushwire --threads 1, nchan with one worker, ` +
    `Node.js single process), the load generator to CPU ${opt('--loadgen-cpu') ?? 1}; ` +
    `${opt('--duration') ?? '?'} s of publishing per run; ` +
    `each figure is the median of ${opt('--runs') ?? '?'} run(s), with a fresh server per run. ` +
    '64-byte payloads; latency is publish-to-delivery as seen by the load generator.', '');
  for (const s of setup) lines.push(`- ${s}`);
  if (setup.length) lines.push('');

  const scenarios = [...new Set(records.map((r) => r.scenario))];
  for (const id of scenarios) {
    const recs = records.filter((r) => r.scenario === id);
    lines.push(`## (${id}) ${recs[0].name}: ${recs[0].description}`, '');
    const servers = [...new Set(recs.map((r) => r.server))];
    const combined = {};
    const idle = recs.some((r) => r.result && r.result.mode === 'idle') || recs[0].name === 'idle';
    if (idle) {
      lines.push(row(['server', 'connections', 'server RSS before', 'server RSS after', 'bytes per connection', 'notes']));
      lines.push(row(['---', '---:', '---:', '---:', '---:', '---']));
    } else {
      lines.push(row(['server', 'delivered msg/s', 'loss', 'dup', 'p50', 'p99', 'max',
        'server CPU µs/msg', 'server RSS', 'notes']));
      lines.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
    }
    for (const server of servers) {
      const runs = recs.filter((r) => r.server === server);
      const ok = runs.filter((r) => r.result).map((r) => r.result);
      if (!ok.length) {
        const why = runs.find((r) => r.error)?.error || 'no result';
        lines.push(row([server, ...Array(idle ? 4 : 8).fill('–'), why.replace(/\|/g, '/')]));
        continue;
      }
      const r = combine(ok);
      combined[server] = r;
      const notes = warnings(r);
      if (ok.length < runs.length) notes.push(`${runs.length - ok.length} of ${runs.length} runs failed`);
      if (idle) {
        lines.push(row([server, num(r.ready), megabytes(r.server_rss_before_kb), megabytes(r.server_rss_after_kb),
          num(r.bytes_per_conn), notes.join('; ')]));
      } else {
        lines.push(row([server, num(r.delivered_per_s), loss(r), num(r.dup), duration(r.p50_us),
          duration(r.p99_us), duration(r.max_us), num(r.server_cpu_us_per_delivery, 2),
          megabytes(r.server_rss_after_kb), notes.join('; ')]));
      }
    }
    const pw = combined.pushwire;
    for (const base of servers.filter((s) => s !== 'pushwire' && combined[s])) {
      if (!pw) break;
      const b = combined[base];
      if (idle) {
        lines.push(row([`pushwire ÷ ${base}`, '', '', ratio(pw.server_rss_after_kb, b.server_rss_after_kb),
          ratio(pw.bytes_per_conn, b.bytes_per_conn), '']));
      } else {
        lines.push(row([`pushwire ÷ ${base}`, ratio(pw.delivered_per_s, b.delivered_per_s), '', '',
          ratio(pw.p50_us, b.p50_us), ratio(pw.p99_us, b.p99_us), ratio(pw.max_us, b.max_us),
          ratio(pw.server_cpu_us_per_delivery, b.server_cpu_us_per_delivery),
          ratio(pw.server_rss_after_kb, b.server_rss_after_kb), '']));
      }
    }
    lines.push('');
  }
  lines.push('Ratios are pushwire\'s figure divided by the baseline\'s: above 1 is better for delivered msg/s, ' +
    'below 1 is better for latency, CPU per message and memory.');
  return lines.join('\n') + '\n';
}

if (opt('--line')) {
  const r = JSON.parse(fs.readFileSync(opt('--line'), 'utf8').trim().split('\n').pop());
  console.log(line(r));
} else if (opt('--table')) {
  const records = fs.readFileSync(opt('--table'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const text = table(records);
  process.stdout.write(text);
  if (opt('--out')) fs.writeFileSync(opt('--out'), text);
} else {
  console.error('usage: node bench/report.mjs --line RESULT.json | --table RESULTS.jsonl [--out FILE]');
  process.exit(1);
}

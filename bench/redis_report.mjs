// Turns pushwire-loadgen results of bench/redis_compare.sh into its output.
// Each result was measured with three --server-pid: server A (publishes
// arrive there), server B, and Redis.
//   node bench/redis_report.mjs --line RESULT.json      one line for one run
//   node bench/redis_report.mjs --table RESULTS.jsonl   a Markdown table, medians over the runs
import fs from 'node:fs';
import { duration, median, num } from './report_format.mjs';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

// CPU µs per delivered message of server A, server B and Redis.
const perDelivery = (r) => (r.server_cpu_s_each ?? []).map((s) => (r.unique ? (s * 1e6) / r.unique : NaN));

function figures(r) {
  const [a, b, redis] = perDelivery(r);
  return {
    acked: r.acked_per_s, delivered: r.delivered_per_s, lost: r.lost, dup: r.dup,
    p50: r.p50_us, p99: r.p99_us, a, b, redis, total: r.server_cpu_us_per_delivery, loadgen: r.loadgen_cpu_pct,
    ready: r.ready,
  };
}

function line(r) {
  const f = figures(r);
  return `${num(f.ready)} subscribers, ${num(f.acked)} publishes/s acknowledged, ${num(f.delivered)} msg/s ` +
    `delivered, lost ${num(f.lost)}, dup ${num(f.dup)}, p50 ${duration(f.p50)}, p99 ${duration(f.p99)}; ` +
    `CPU µs/delivery: A ${num(f.a, 2)}, B ${num(f.b, 2)}, Redis ${num(f.redis, 2)}; ` +
    `load generator ${num(f.loadgen)}% of a core`;
}

function table(records) {
  const rows = ['| servers | runs | publishes/s acked | msg/s delivered | lost | p50 | p99 | ' +
    'CPU µs/delivery: server A | server B | Redis | all three | load generator CPU |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const label of [...new Set(records.map((r) => r.label))]) {
    const runs = records.filter((r) => r.label === label).map(figures);
    const m = (key) => median(runs.map((f) => f[key]));
    rows.push(`| ${label} ×2 on one Redis | ${runs.length} | ${num(m('acked'))} | ${num(m('delivered'))} | ` +
      `${num(m('lost'))} | ${duration(m('p50'))} | ${duration(m('p99'))} | ${num(m('a'), 2)} | ${num(m('b'), 2)} | ` +
      `${num(m('redis'), 2)} | ${num(m('total'), 2)} | ${num(m('loadgen'))}% |`);
  }
  return rows.join('\n') + '\n';
}

if (opt('--line')) {
  console.log(line(JSON.parse(fs.readFileSync(opt('--line'), 'utf8').trim().split('\n').pop())));
} else if (opt('--table')) {
  process.stdout.write(table(fs.readFileSync(opt('--table'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))));
} else {
  console.error('usage: node bench/redis_report.mjs --line RESULT.json | --table RESULTS.jsonl');
  process.exit(1);
}

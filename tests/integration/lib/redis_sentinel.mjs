// A Redis master, one replica and three Sentinels watching them, all real
// processes started for a test, in a temporary directory of their own.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, redisCommand, spawnRedisProcess as run, untilRedis as until } from './redis.mjs';

/** The master's port as the Sentinel on `port` sees it. */
export async function masterPort(port, name) {
  const reply = await redisCommand(port, 'SENTINEL', 'get-master-addr-by-name', name);
  return Number(/\r\n(\d+)\r\n$/.exec(reply)?.[1]);
}

export async function startSentinels(t, name = 'pw') {
  const found = spawnSync('redis-sentinel', ['--version'], { encoding: 'utf8' });
  assert.ok(!found.error, 'redis-sentinel is not installed (make test installs it: apt-get install redis-sentinel)');
  const dir = mkdtempSync(join(tmpdir(), 'pushwire-sentinel-'));
  const children = [];
  const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning', '--dir', dir];
  const master = await freePort();
  const replica = await freePort();
  children.push(run('redis-server', ['--port', String(master), ...common]));
  children.push(run('redis-server', ['--port', String(replica), '--replicaof', '127.0.0.1', String(master), ...common]));
  await until(async () => (await redisCommand(replica, 'INFO', 'replication')).includes('master_link_status:up'),
    10000, 'the replica to sync');
  const sentinels = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const config = join(dir, `sentinel-${i}.conf`);
    writeFileSync(config, [
      `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${master} 2`,
      `sentinel down-after-milliseconds ${name} 1000`,
      `sentinel failover-timeout ${name} 5000`,
      `sentinel parallel-syncs ${name} 1`, '',
    ].join('\n'));
    children.push(run('redis-sentinel', [config]));
    sentinels.push(port);
  }
  // Every Sentinel knows the replica and the other two before a failover can be asked for.
  await until(async () => {
    for (const port of sentinels) {
      const replicas = await redisCommand(port, 'SENTINEL', 'replicas', name);
      const others = await redisCommand(port, 'SENTINEL', 'sentinels', name);
      if (!replicas.includes(String(replica)) || !others.startsWith('*2')) return false;
    }
    return true;
  }, 20000, 'the Sentinels to find the replica and each other');
  t.after(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    name,
    master,
    replica,
    sentinels,
    url: `redis+sentinel://${sentinels.map((p) => `127.0.0.1:${p}`).join(',')}/${name}`,
  };
}

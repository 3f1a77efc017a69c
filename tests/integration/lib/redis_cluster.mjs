// A Redis Cluster of three masters (no replicas), real redis-server
// processes started for a test in a temporary directory of their own, made
// one cluster by `redis-cli --cluster create`, over TLS if asked.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, redisCommand, spawnRedisProcess as run, untilRedis as until } from './redis.mjs';
import { tlsServerArgs } from './redis_tls.mjs';

const exec = promisify(execFile);

/** redis-cli's answer to one command on the node at `port`, trimmed. */
export async function cli(port, ...args) {
  const { stdout } = await exec('redis-cli', ['-p', String(port), ...args.map(String)]);
  return stdout.trim();
}

/** The port of the master that serves `slot`, as the node at `port` sees it. */
export async function ownerOf(port, slot) {
  const lines = (await cli(port, 'CLUSTER', 'NODES')).split('\n');
  for (const line of lines) {
    const [, address, flags, , , , , , ...ranges] = line.split(' ');
    if (!flags.includes('master')) continue;
    for (const range of ranges) {
      const [first, last = first] = range.split('-').map(Number);
      if (first <= slot && slot <= last) return Number(address.split(':')[1].split('@')[0]);
    }
  }
  return undefined;
}

/**
 * Moves `slot` from the master at `from` to the one at `to` the way
 * `redis-cli --cluster reshard` does (IMPORTING, MIGRATING, MIGRATE of its
 * keys a few at a time, then SETSLOT NODE on every node), so that clients
 * meet ASK and TRYAGAIN while it moves and MOVED afterwards.
 */
export async function moveSlot(cluster, slot, from, to) {
  const fromId = await cli(from, 'CLUSTER', 'MYID');
  const toId = await cli(to, 'CLUSTER', 'MYID');
  assert.equal(await cli(to, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', fromId), 'OK');
  assert.equal(await cli(from, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', toId), 'OK');
  for (;;) {
    const keys = (await cli(from, 'CLUSTER', 'GETKEYSINSLOT', slot, 3)).split('\n').filter(Boolean);
    if (keys.length === 0) break;
    assert.match(await cli(from, 'MIGRATE', '127.0.0.1', to, '', 0, 5000, 'KEYS', ...keys), /OK|NOKEY/);
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const port of [to, from, ...cluster.ports.filter((p) => p !== to && p !== from)])
    assert.equal(await cli(port, 'CLUSTER', 'SETSLOT', slot, 'NODE', toId), 'OK');
  await until(async () => {
    for (const port of cluster.ports) if ((await ownerOf(port, slot)) !== to) return false;
    return true;
  }, 10000, `every node to see slot ${slot} on ${to}`);
}

/**
 * With `tls` ({certificate, ca}), every node also has a TLS port (in
 * `tlsPorts`), the cluster bus runs over TLS, and the slot map a client
 * asks for over TLS names the nodes' TLS ports.
 */
export async function startCluster(t, tls) {
  const found = spawnSync('redis-cli', ['--version'], { encoding: 'utf8' });
  assert.ok(!found.error, 'redis-cli is not installed (make test installs it: apt-get install redis-tools)');
  const dir = mkdtempSync(join(tmpdir(), 'pushwire-cluster-'));
  const children = [];
  const ports = [];
  const tlsPorts = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    ports.push(port);
    const tlsArgs = [];
    if (tls) {
      tlsPorts.push(await freePort());
      // The bus port would be the TLS port + 10000, which may not exist.
      tlsArgs.push(...tlsServerArgs(tlsPorts[i], tls.certificate, tls.ca), '--tls-cluster', 'yes',
        '--cluster-port', String(await freePort()));
    }
    children.push(run('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
      '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '5000', '--save', '',
      '--appendonly', 'no', '--loglevel', 'warning', '--dir', dir, ...tlsArgs]));
  }
  t.after(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  for (const port of ports) await until(async () => (await redisCommand(port, 'PING')).startsWith('+PONG'), 5000, `node ${port}`);
  const overTls = tls ? ['--tls', '--cacert', tls.ca.cert] : [];
  const members = (tls ? tlsPorts : ports).map((p) => `127.0.0.1:${p}`);
  await exec('redis-cli', [...overTls, '--cluster', 'create', ...members, '--cluster-yes']);
  await until(async () => {
    for (const port of ports) if (!(await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
    return true;
  }, 10000, 'the cluster to be ok on every node');
  const nodes = (seeds) => seeds.map((p) => `127.0.0.1:${p}`).join(',');
  return {
    ports,
    tlsPorts,
    url: (seeds = ports) => `redis+cluster://${nodes(seeds)}`,
    tlsUrl: (seeds = tlsPorts) => `rediss+cluster://${nodes(seeds)}`,
  };
}

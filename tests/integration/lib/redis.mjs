// Starts a real redis-server on a free port for a test (no persistence).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';

const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Spawns a Redis process that is killed if the test runner exits first. */
export function spawnRedisProcess(binary, args) {
  const child = spawn(binary, args, { stdio: 'ignore' });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Sends one command in RESP and resolves with the raw reply text. */
export function redisCommand(port, ...args) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.setEncoding('utf8');
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.endsWith('\r\n')) {
        socket.end();
        resolve(reply);
      }
    });
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join('')}`);
  });
}

/** Resolves once `predicate` holds; errors count as not yet (the process is not answering yet). */
export async function untilRedis(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await predicate()) return;
    } catch { /* not answering yet */ }
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitUntilServing(port, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await redisCommand(port, 'PING')).startsWith('+PONG')) return;
    } catch { /* not yet listening */ }
    if (Date.now() > deadline) assert.fail(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A redis-server of its own for a test; `stop()` and `start()` take it down
 * and bring it back on the same port (empty, as a restart without
 * persistence leaves it). `extraArgs` go to redis-server as well.
 */
export async function startRedis(t, extraArgs = []) {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  assert.ok(!found.error, 'redis-server is not installed (make test installs it: apt-get install redis-server)');
  const port = await freePort();
  const redis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    child: null,
    async start() {
      this.child = spawnRedisProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
        '--appendonly', 'no', '--loglevel', 'warning', ...extraArgs]);
      await waitUntilServing(port);
    },
    // SIGSTOP / SIGCONT: it keeps its connections but answers nothing.
    pause() { this.child.kill('SIGSTOP'); },
    resume() { this.child.kill('SIGCONT'); },
    async stop() {
      const child = this.child;
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    },
  };
  await redis.start();
  t?.after(() => redis.stop());
  return redis;
}

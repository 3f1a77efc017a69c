// Starts the real build/pushwire on a free port for a test.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const binary = fileURLToPath(new URL('../../../build/pushwire', import.meta.url));

const READY_TIMEOUT_MS = 5000;
const STOP_TIMEOUT_MS = 5000;
const running = new Set();

// A test runner that exits early must not leave servers behind.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function tail(text) {
  return text.length > 4000 ? `...${text.slice(-4000)}` : text;
}

// Starts `build/pushwire --listen 127.0.0.1:0 ...flags` and resolves once it
// prints `listening on http://HOST:PORT` (https:// with --tls-cert). With a test context `t`, the server
// is killed when that test ends without having called stop(), e.g. because
// an assertion failed; suites that share one server pass null and call stop()
// in their after() hook.
export async function startServer(t, flags = []) {
  assert.ok(existsSync(binary), `${binary} does not exist; build the server first (make build)`);
  const child = spawn(binary, ['--listen', '127.0.0.1:0', ...flags], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
  const ready = new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      const match = /^listening on (https?:\/\/(\S+):(\d+))\r?$/m.exec(stdout);
      if (match) resolve({ base: match[1], port: Number(match[3]) });
    });
    child.once('error', reject);
    exited.then(({ code, signal }) =>
      reject(new Error(`pushwire ${flags.join(' ')} exited (code ${code}, signal ${signal}) before it was ready;` +
        ` stderr:\n${tail(stderr)}`)));
  });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(
      `pushwire did not print "listening on http(s)://HOST:PORT" within ${READY_TIMEOUT_MS} ms;` +
      ` stdout:\n${tail(stdout)}\nstderr:\n${tail(stderr)}`)), READY_TIMEOUT_MS);
  });
  let address;
  try {
    address = await Promise.race([ready, timeout]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }

  const server = {
    ...address,
    child,
    exited,
    stderr: () => stderr,
    // Graceful stop: the server must exit by itself with code 0.
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      let stopTimer;
      const result = await Promise.race([
        exited,
        new Promise((resolve) => { stopTimer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS); }),
      ]);
      clearTimeout(stopTimer);
      if (result === null) {
        child.kill('SIGKILL');
        assert.fail(`pushwire did not exit within ${STOP_TIMEOUT_MS} ms of ${signal}; stderr:\n${tail(stderr)}`);
      }
      assert.deepEqual(result, { code: 0, signal: null },
        `pushwire should exit with code 0 on ${signal}; stderr:\n${tail(stderr)}`);
    },
  };
  t?.after(() => {
    if (running.has(child)) child.kill('SIGKILL');
  });
  return server;
}

// Runs pushwire to completion (for --help, bad flags and the like).
export function runPushwire(args, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pushwire ${args.join(' ')} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// Test certificates and the TLS clients no one here wrote: openssl s_client,
// curl and Node's tls module.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { startServer } from './server.mjs';

const run = promisify(execFile);

// A fresh directory for test keys, and how to remove it.
export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'pushwire-tls-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// A self-signed certificate for localhost and 127.0.0.1 (each call makes a
// new key and serial number), written as cert.pem and key.pem into `dir`.
export async function makeCertificate(dir, { cert = 'cert.pem', key = 'key.pem' } = {}) {
  const paths = { cert: join(dir, cert), key: join(dir, key) };
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', paths.key, '-out', paths.cert]);
  return paths;
}

// build/pushwire over TLS with a fresh test certificate, for a suite (see startServer(null, ...)):
// {server, ca, stop()}; stop() also removes the keys.
export async function startTlsServer(flags = []) {
  const keys = tempDir();
  const files = await makeCertificate(keys.dir);
  const server = await startServer(null, ['--tls-cert', files.cert, '--tls-key', files.key, ...flags]);
  return {
    server,
    ca: readFileSync(files.cert),
    async stop() {
      await server.stop();
      keys.remove();
    },
  };
}

// Runs a command with no input: {code, stdout, stderr}, never rejects on a non-zero exit.
export function runCommand(command, args, { timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// openssl s_client's handshake with the server: {code, output}.
export async function sClient(port, args) {
  const { code, stdout, stderr } = await runCommand('openssl',
    ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', ...args]);
  return { code, output: stdout + stderr };
}

// A TLS connection through Node's tls module that trusts `ca`; resolves once
// it is secure. `socket.lastSession` is the newest session the server gave.
export function tlsConnect(port, { ca, ...options } = {}) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca, ...options });
    socket.on('session', (session) => { socket.lastSession = session; });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

// The serial number of the certificate the server presents now.
export async function servedSerial(port) {
  const socket = await tlsConnect(port, { rejectUnauthorized: false });
  const serial = socket.getPeerCertificate().serialNumber;
  socket.destroy();
  return serial;
}

// The serial number of a certificate file.
export async function fileSerial(certPath) {
  const { stdout } = await run('openssl', ['x509', '-noout', '-serial', '-in', certPath]);
  return stdout.trim().replace(/^serial=/, '');
}

// A real redis-server that also speaks TLS, and the certificates for it,
// made with the openssl command: a CA of the test's own and a certificate
// it signed.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startRedis } from './redis.mjs';

const run = promisify(execFile);
const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

// A CA certificate and key named `${name}.pem` and `${name}.key` in `dir`.
export async function makeCa(dir, name) {
  const ca = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  await run('openssl', ['req', '-x509', ...P256, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign',
    '-keyout', ca.key, '-out', ca.cert]);
  return ca;
}

// A certificate that `ca` signed for `altNames` (e.g. 'DNS:localhost,IP:127.0.0.1').
export async function makeSignedCertificate(dir, name, ca, altNames) {
  const paths = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  const request = join(dir, `${name}.csr`);
  const extensions = join(dir, `${name}.ext`);
  writeFileSync(extensions, `subjectAltName=${altNames}\n`);
  await run('openssl', ['req', '-new', ...P256, '-subj', `/CN=${name}`, '-keyout', paths.key, '-out', request]);
  await run('openssl', ['x509', '-req', '-in', request, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial',
    '-days', '2', '-extfile', extensions, '-out', paths.cert]);
  return paths;
}

// redis-server's arguments for a TLS port serving `certificate`; clients
// need no certificate of their own.
export function tlsServerArgs(tlsPort, certificate, ca) {
  return ['--tls-port', String(tlsPort), '--tls-cert-file', certificate.cert, '--tls-key-file', certificate.key,
    '--tls-ca-cert-file', ca.cert, '--tls-auth-clients', 'no'];
}

// redis-server with its usual plain port and a TLS port (`tlsPort`).
export async function startTlsRedis(t, certificate, ca) {
  const tlsPort = await freePort();
  const redis = await startRedis(t, tlsServerArgs(tlsPort, certificate, ca));
  return { ...redis, tlsPort };
}

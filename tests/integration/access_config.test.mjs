// The access-control flags: a public key file (and what a bad one does), the
// secret from the config file and from the environment, and flags that only
// mean something together.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertError, request } from './lib/http.mjs';
import { runPushwire, startServer } from './lib/server.mjs';
import { SECRET, hsToken, keyPair } from './lib/tokens.mjs';

const dir = mkdtempSync(join(tmpdir(), 'pushwire-access-'));
function file(name, text) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function pollStatus(server, token) {
  return (await request(server.base, '/poll/news', { headers: { authorization: `Bearer ${token}` } })).status;
}

for (const alg of ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA']) {
  describe(`--jwt-public-key with ${alg}`, () => {
    let server, pair;
    before(async () => {
      pair = await keyPair(alg);
      server = await startServer(null, ['--jwt-public-key', file(`${alg}.pem`, pair.publicPem)]);
    });
    after(() => server.stop());

    test('its tokens are taken; HMAC tokens keyed with the public key are refused', async () => {
      assert.equal(await pollStatus(server, await pair.sign({ subscribe: ['news'] })), 200);
      assert.equal(await pollStatus(server, await pair.sign({ subscribe: ['other'] })), 403);
      // Algorithm confusion: an HS256 token whose secret is the public key's PEM.
      assert.equal(await pollStatus(server, await hsToken({ subscribe: ['*'] }, { secret: pair.publicPem })), 401);
      assertError(await request(server.base, '/poll/news'), 401);
    });
  });
}

describe('where the secret comes from', () => {
  test('the config file', async (t) => {
    const server = await startServer(t, ['--config', file('secret.toml', `jwt-secret = "${SECRET}"\n`)]);
    assert.equal(await pollStatus(server, await hsToken({ subscribe: ['news'] })), 200);
    assert.equal((await request(server.base, '/poll/news')).status, 401);
    await server.stop();
  });

  test('the environment variable PUSHWIRE_JWT_SECRET', async (t) => {
    process.env.PUSHWIRE_JWT_SECRET = SECRET;
    let server;
    try {
      server = await startServer(t, []);
    } finally {
      delete process.env.PUSHWIRE_JWT_SECRET;
    }
    assert.equal(await pollStatus(server, await hsToken({ subscribe: ['news'] })), 200);
    assert.equal((await request(server.base, '/poll/news')).status, 401);
    await server.stop();
  });
});

describe('bad access-control flags exit 2 with a clear message', () => {
  const cases = [
    [['--jwt-public-key', join(dir, 'missing.pem')], /--jwt-public-key: cannot read/],
    [['--jwt-public-key', file('garbage.pem', 'hello')], /no PEM public key/],
    [['--jwt-secret', 's', '--jwt-public-key', 'x.pem'], /cannot read|exclude each other/],
    [['--jwt-issuer', 'i'], /need --jwt-secret or --jwt-public-key/],
    [['--jwt-secret', 's', '--public-channels', 'a*b'], /channel pattern/],
    [['--jwt-secret', ''], /empty/],
  ];
  for (const [args, message] of cases) {
    test(args.join(' '), async () => {
      const { code, stderr } = await runPushwire(args);
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
    });
  }

  test('--help lists the flags', async () => {
    const { stdout } = await runPushwire(['--help']);
    for (const flag of ['--jwt-secret', '--jwt-public-key', '--jwt-issuer', '--jwt-audience', '--public-channels',
      '--max-token-bytes', 'PUSHWIRE_JWT_SECRET'])
      assert.ok(stdout.includes(flag), flag);
  });
});

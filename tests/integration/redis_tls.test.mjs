// rediss://: two pushwire servers share channels through a real redis-server
// (or a Redis Cluster) over TLS, verifying its certificate; a certificate
// they cannot trust stops a server at start with a clear error.
import assert from 'node:assert/strict';
import { before, after, describe, test } from 'node:test';
import { startServer, runPushwire } from './lib/server.mjs';
import { redisCommand } from './lib/redis.mjs';
import { makeCa, makeSignedCertificate, startTlsRedis } from './lib/redis_tls.mjs';
import { cli, ownerOf, startCluster } from './lib/redis_cluster.mjs';
import { tempDir } from './lib/tls.mjs';
import { channelName, datas, poll, publish, publishMany, waitFor } from './lib/http.mjs';
import { wsSubscriber } from './lib/ws_subscriber.mjs';

// Two messages published on `a` reach a subscriber on `b` and are read back
// from `b`'s history; returns their ids.
async function assertSharedBetween(a, b, channel) {
  const sub = await wsSubscriber(b.port, channel);
  const acked = await publishMany(a.base, channel, ['one', 'two']);
  await waitFor(() => sub.got.length === 2, 3000, 'both messages on the other server');
  assert.deepEqual(sub.got.map((m) => [m.id, m.data]), [[acked[0], 'one'], [acked[1], 'two']]);
  assert.deepEqual(datas(await poll(b.base, channel, '0')), ['one', 'two']);
  sub.ws.close();
  return acked;
}

describe('rediss://', () => {
  let keys;
  let ca;
  let certificate;
  let redis;
  before(async () => {
    keys = tempDir();
    ca = await makeCa(keys.dir, 'redis-ca');
    certificate = await makeSignedCertificate(keys.dir, 'redis', ca, 'DNS:localhost,IP:127.0.0.1');
    redis = await startTlsRedis(null, certificate, ca);
  });
  after(async () => {
    await redis.stop();
    keys.remove();
  });

  test('a publish on one server reaches a subscriber of the other, and history is read back, over TLS', async (t) => {
    // One by name (SNI, and the name checked against the certificate), one by address.
    const a = await startServer(t, ['--redis', `rediss://localhost:${redis.tlsPort}`, '--redis-ca', ca.cert]);
    const b = await startServer(t, ['--redis', `rediss://127.0.0.1:${redis.tlsPort}`, '--redis-ca', ca.cert,
      '--threads', '2']);
    const channel = channelName('tls');
    const acked = await assertSharedBetween(a, b, channel);
    const reply = await publish(b.base, channel, 'three');
    assert.deepEqual(datas(await poll(a.base, channel, acked[1])), ['three']);
    assert.equal((await poll(a.base, channel, acked[1])).last_id, reply.id);
    // What pushwire wrote went through the TLS port into this Redis.
    assert.match(await redisCommand(redis.port, 'LLEN', `pushwire:h:${channel}`), /^:3\r\n$/);
    await a.stop();
    await b.stop();
  });

  test('rediss+cluster:// reaches the nodes it is given and the master the slot map names, over TLS', async (t) => {
    const cluster = await startCluster(t, { certificate, ca });
    const slot = Number(await cli(cluster.ports[0], 'CLUSTER', 'KEYSLOT', 'pushwire:{pushwire}:seq'));
    const owner = cluster.tlsPorts[cluster.ports.indexOf(await ownerOf(cluster.ports[0], slot))];
    // Given only a node that does not serve pushwire's slot: the master is found, and verified, through the map.
    const a = await startServer(t, ['--redis', cluster.tlsUrl(cluster.tlsPorts.filter((p) => p !== owner).slice(0, 1)),
      '--redis-ca', ca.cert]);
    const b = await startServer(t, ['--redis', cluster.tlsUrl(), '--redis-ca', ca.cert, '--threads', '2']);
    const channel = channelName('tls-cluster');
    await assertSharedBetween(a, b, channel);
    const plainOwner = cluster.ports[cluster.tlsPorts.indexOf(owner)];
    assert.equal(await cli(plainOwner, 'LLEN', `pushwire:{pushwire}:h:${channel}`), '2');
    await a.stop();
    await b.stop();
  });

  test('a certificate that does not chain to the trusted CAs is refused at start', async () => {
    const other = await makeCa(keys.dir, 'other-ca');
    const refused = await runPushwire(['--listen', '127.0.0.1:0', '--redis', `rediss://127.0.0.1:${redis.tlsPort}`,
      '--redis-ca', other.cert]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr,
      new RegExp(`cannot use Redis at rediss://127\\.0\\.0\\.1:${redis.tlsPort}: the server's certificate is not trusted: ` +
        '(self-signed certificate in certificate chain|unable to get local issuer certificate)'));
    assert.doesNotMatch(refused.stdout, /listening on/);
    // Without --redis-ca, the system's CAs are trusted, and they did not sign it either.
    const system = await runPushwire(['--listen', '127.0.0.1:0', '--redis', `rediss://localhost:${redis.tlsPort}`]);
    assert.equal(system.code, 1);
    assert.match(system.stderr, /certificate is not trusted/);
  });

  test('a certificate for another name is refused at start', async () => {
    const elsewhere = await makeSignedCertificate(keys.dir, 'elsewhere', ca, 'DNS:redis.example.com');
    const wrong = await startTlsRedis(null, elsewhere, ca);
    try {
      const byAddress = await runPushwire(['--listen', '127.0.0.1:0', '--redis',
        `rediss://127.0.0.1:${wrong.tlsPort}`, '--redis-ca', ca.cert]);
      assert.equal(byAddress.code, 1);
      assert.match(byAddress.stderr, /certificate is not trusted: IP address mismatch/);
      const byName = await runPushwire(['--listen', '127.0.0.1:0', '--redis', `rediss://localhost:${wrong.tlsPort}`,
        '--redis-ca', ca.cert]);
      assert.equal(byName.code, 1);
      assert.match(byName.stderr, /certificate is not trusted: hostname mismatch/);
    } finally {
      await wrong.stop();
    }
  });

  test('a CA file that does not load, or one without rediss://, is a clear error', async () => {
    const missing = await runPushwire(['--listen', '127.0.0.1:0', '--redis', `rediss://127.0.0.1:${redis.tlsPort}`,
      '--redis-ca', `${keys.dir}/no-such.pem`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot load CA certificates from '.*no-such\.pem'/);
    const plain = await runPushwire(['--redis', `redis://127.0.0.1:${redis.port}`, '--redis-ca', ca.cert]);
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /--redis-ca is for TLS to Redis/);
  });
});

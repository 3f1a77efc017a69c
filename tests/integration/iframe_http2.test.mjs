// The forever-iframe and its relay page over HTTP/2 against HTTP/1.1, through Node's http2 and
// https modules on one TLS server: the stream's head and first bytes are the same on both
// (a browser sees no other type, charset or policy over HTTP/2), a request on the stream's own
// connection is answered while the stream runs (what the relay's probe of that connection
// needs), and a page of --static DIR carries the hashes of its inline scripts, so the relay's
// script runs when the relay is served from DIR.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { channelName } from './lib/http.mjs';
import { h2Request, h2Session, h2Stream } from './lib/h2.mjs';
import { until } from './lib/streams.mjs';
import { startTlsServer, tempDir } from './lib/tls.mjs';

const INLINE_SCRIPT = 'parent.postMessage("relayed", "*");';
const PAGE = `<!DOCTYPE html><title>relay</title><script>${INLINE_SCRIPT}</script>`;

// HTTP/1.1 over TLS until `enough(text)` holds: {status, headers, text}; the connection is then dropped.
function h1Until(base, path, ca, enough = () => false) {
  return new Promise((resolve, reject) => {
    const req = https.get(new URL(path, base), { ca, agent: false, ALPNProtocols: ['http/1.1'] }, (res) => {
      let text = '';
      const done = () => {
        req.destroy();
        resolve({ status: res.statusCode, headers: res.headers, text });
      };
      res.setEncoding('utf8').on('data', (chunk) => {
        text += chunk;
        if (enough(text)) done();
      });
      res.on('end', done);
    });
    req.on('error', reject);
  });
}

// The fields a browser acts on, by lower-case name; the framing fields each version has its own way.
function fields(headers) {
  const framing = new Set(['connection', 'transfer-encoding', 'content-length', 'date']);
  return Object.fromEntries(Object.entries(headers)
    .filter(([name]) => !name.startsWith(':') && !framing.has(name.toLowerCase()))
    .map(([name, value]) => [name.toLowerCase(), value]).sort());
}

describe('the forever-iframe over HTTP/2', () => {
  const pages = tempDir();
  let tlsServer;
  let server;
  let ca;
  before(async () => {
    writeFileSync(join(pages.dir, 'relay.html'), PAGE);
    tlsServer = await startTlsServer(['--static', pages.dir]);
    ({ server, ca } = tlsServer);
  });
  after(async () => {
    await tlsServer?.stop();
    pages.remove();
  });

  test('its head and opening are those of HTTP/1.1', async (t) => {
    const path = `/iframe/${channelName('iframe-h2')}?callback=cb`;
    const session = await h2Session(t, server.base, { ca });
    const { seen } = h2Stream(session, path);
    await until(() => seen.text.includes(' -->\n'), 5000, 'the opening over HTTP/2');
    const h1 = await h1Until(server.base, path, ca, (text) => text.includes(' -->\n'));
    assert.equal(h1.status, 200);
    assert.equal(seen.headers[':status'], 200);
    assert.deepEqual(fields(seen.headers), fields(h1.headers));
    assert.equal(fields(seen.headers)['content-type'], 'text/html; charset=utf-8');
    assert.equal(fields(seen.headers)['content-security-policy'], undefined);
    assert.equal(seen.text, h1.text);
  });

  test("a request on the stream's connection is answered while the stream runs", async (t) => {
    const session = await h2Session(t, server.base, { ca });
    const { seen } = h2Stream(session, `/iframe/${channelName('iframe-h2')}?callback=cb`);
    await until(() => seen.text.includes(' -->\n'), 5000, 'the opening');
    const probe = await h2Request(session, '/healthz?relay=1');
    assert.equal(probe.status, 200);
    assert.equal(probe.body, 'ok');
    assert.equal(seen.closed, false);
  });

  test('a page of --static DIR allows its inline script by hash, over HTTP/2 and HTTP/1.1', async (t) => {
    const hash = `'sha256-${createHash('sha256').update(INLINE_SCRIPT).digest('base64')}'`;
    const session = await h2Session(t, server.base, { ca });
    const h2 = await h2Request(session, '/relay.html');
    const h1 = await h1Until(server.base, '/relay.html', ca);
    for (const [version, res, body] of [['HTTP/2', h2, h2.body], ['HTTP/1.1', h1, h1.text]]) {
      assert.equal(body, PAGE, version);
      assert.equal(Number(res.headers['content-length']), Buffer.byteLength(PAGE), version);
      const csp = res.headers['content-security-policy'];
      assert.ok(csp.includes(`script-src 'self' ${hash};`), `${version}: ${csp}`);
    }
    const head = await h2Request(session, '/relay.html', { method: 'HEAD' });
    assert.equal(head.body, '');
    assert.equal(head.headers['content-security-policy'], h2.headers['content-security-policy']);
  });
});

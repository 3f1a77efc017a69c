// GET /jsonp/{channel}?callback=FN: FN(POLL_BODY); with long-poll timing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import vm from 'node:vm';
import { assertPollBody, channelName, datas, publish, publishMany, request, sleep } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';

// Runs the script the way a browser's <script> tag would and returns what
// it passed to the callback at `path` (e.g. "ns.cb").
function runJsonp(script, path) {
  const calls = [];
  const context = {};
  const names = path.split('.');
  let holder = context;
  for (const name of names.slice(0, -1)) holder = holder[name] = {};
  holder[names.at(-1)] = (...args) => calls.push(args);
  vm.runInNewContext(script, context);
  assert.equal(calls.length, 1, 'the script should call the callback once');
  assert.equal(calls[0].length, 1, 'with one argument');
  return JSON.parse(JSON.stringify(calls[0][0]));
}

function jsonpPath(channel, params) {
  return `/jsonp/${channel}?${new URLSearchParams(params)}`;
}

describe('JSONP long-polling', () => {
  let server;
  before(async () => { server = await startServer(null); });
  after(() => server.stop());

  test('answers FN(POLL_BODY); as application/javascript', async () => {
    const channel = channelName();
    const published = await publishMany(server.base, channel, ['a', 'b']);
    const res = await request(server.base, jsonpPath(channel, { callback: 'cb', since: '0' }));
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^application\/javascript/);
    const match = /^\s*cb\(([\s\S]*)\);\s*$/.exec(res.body);
    assert.ok(match, `body should be cb(...); but is ${JSON.stringify(res.body.slice(0, 200))}`);
    const body = assertPollBody(JSON.parse(match[1]), channel);
    assert.deepEqual(datas(body), ['a', 'b']);
    assert.equal(body.last_id, published[1]);
    assert.equal(body.gap, false);
    assert.deepEqual(runJsonp(res.body, 'cb'), body);
  });

  test('message text that looks like script stays data', async () => {
    const channel = channelName();
    const nasty = '</script><script>alert(1)</script> \u2028\u2029 "); x(';
    await publish(server.base, channel, nasty);
    const res = await request(server.base, jsonpPath(channel, { callback: 'cb', since: '0' }));
    assert.equal(res.status, 200);
    assert.deepEqual(datas(runJsonp(res.body, 'cb')), [nasty]);
  });

  for (const callback of ['$', '_', 'jQuery3510_1700000000', 'ns.sub.cb', 'a$1', `c${'x'.repeat(63)}`]) {
    test(`callback ${callback.length > 20 ? 'of 64 characters' : callback} is accepted`, async () => {
      const channel = channelName();
      await publish(server.base, channel, 'x');
      const res = await request(server.base, jsonpPath(channel, { callback, since: '0' }));
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(datas(runJsonp(res.body, callback)), ['x']);
    });
  }

  test('a missing callback is 400', async () => {
    const res = await request(server.base, `/jsonp/${channelName()}?since=0`);
    assert.equal(res.status, 400);
  });

  for (const callback of ['', '1cb', 'a-b', 'alert(1)', 'a b', 'cb;x', 'a[0]', `c${'x'.repeat(64)}`, '\u00e9']) {
    test(`callback ${JSON.stringify(callback.length > 20 ? `${callback.length} characters` : callback)} is 400`,
      async () => {
        const res = await request(server.base, jsonpPath(channelName(), { callback, since: '0' }));
        assert.equal(res.status, 400);
      });
  }

  test('an invalid channel is 400', async () => {
    const res = await request(server.base, '/jsonp/bad!channel?callback=cb');
    assert.equal(res.status, 400);
  });

  test('waits for the next message and answers the moment it is published', async () => {
    const channel = channelName();
    const waiting = request(server.base, jsonpPath(channel, { callback: 'cb' }));
    await sleep(300);
    await publish(server.base, channel, 'new');
    const publishedAt = performance.now();
    const res = await waiting;
    const lagMs = performance.now() - publishedAt;
    assert.equal(res.status, 200);
    assert.deepEqual(datas(runJsonp(res.body, 'cb')), ['new']);
    assert.ok(res.elapsedMs >= 250, `answered after ${res.elapsedMs} ms, before the publish`);
    assert.ok(lagMs < 500, `answered ${lagMs} ms after the publish`);
  });

  test('timeout=1: no messages after about a second', async () => {
    const channel = channelName();
    const res = await request(server.base, jsonpPath(channel, { callback: 'cb', timeout: '1' }));
    assert.equal(res.status, 200);
    const body = runJsonp(res.body, 'cb');
    assert.deepEqual(body, { messages: [], last_id: body.last_id, gap: false });
    assert.equal(typeof body.last_id, 'string');
    assert.ok(res.elapsedMs >= 900 && res.elapsedMs < 2500, `took ${res.elapsedMs} ms`);
  });

  test('an unknown since: the kept messages at once, with gap:true', async () => {
    const channel = channelName();
    await publish(server.base, channel, 'a');
    const res = await request(server.base, jsonpPath(channel, { callback: 'cb', since: 'no-such-id.9' }));
    const body = runJsonp(res.body, 'cb');
    assert.deepEqual(datas(body), ['a']);
    assert.equal(body.gap, true);
    assert.ok(res.elapsedMs < 1000, `took ${res.elapsedMs} ms`);
  });
});

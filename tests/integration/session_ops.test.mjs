// Session ops: channels added to and removed from an open multi-channel
// stream, answered in the response and on the stream itself; the script
// form; the session's owner thread reached from any thread; the limits.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { channelName, publish, request, sleep, waitFor } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { refused } from './lib/metrics.mjs';
import { metric, openStream, parseStream, until } from './lib/streams.mjs';

const lines = (reader) => parseStream(reader.text).filter(Boolean);
const url = (path, channels, extra = {}) =>
  `${path}?${new URLSearchParams([...channels.map((c) => ['channel', c]), ...Object.entries(extra)])}`;

async function openSession(t, port, channels, extra) {
  const reader = await openStream(port, url('/stream', channels, extra));
  t.after(() => reader.destroy());
  await until(() => lines(reader).length >= 1, 3000, 'the session announcement');
  const first = lines(reader)[0];
  assert.equal(first.event, '_session');
  return { reader, session: first.session };
}

function postOps(base, session, body) {
  return request(base, `/session/${session}`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('session ops', () => {
  let server;
  before(async () => { server = await startServer(null, ['--max-channels-per-client', '3']); });
  after(() => server.stop());

  test('subscribe adds a channel with its own since: the ack, then its replay, then it is live', async (t) => {
    const [a, b] = [channelName('op'), channelName('op')];
    const old = await publish(server.base, b, 'b before');
    const missed = await publish(server.base, b, 'b missed');
    const { reader, session } = await openSession(t, server.port, [a]);
    const res = await postOps(server.base, session, { op: 'subscribe', channel: b, since: old.id, ref: 1 });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { results: [{ ref: 1, ok: true }] });
    const live = await publish(server.base, b, 'b live');
    const onA = await publish(server.base, a, 'a live');
    await until(() => lines(reader).some((l) => l.data === 'a live'), 3000, 'the live messages');
    await sleep(50);
    const seen = lines(reader).slice(1).filter((l) => l.event !== '_cursor');
    assert.deepEqual(seen.map((l) => l.event === '_ack' ? ['_ack', l.ref, l.ok] : [l.channel, l.data, l.id]), [
      ['_ack', 1, true], [b, 'b missed', missed.id], [b, 'b live', live.id], [a, 'a live', onA.id]]);
  });

  test('unsubscribe stops a channel; errors are answered per op, in order, also on the stream', async (t) => {
    const [a, b, c] = [channelName('op'), channelName('op'), channelName('op')];
    const { reader, session } = await openSession(t, server.port, [a, b]);
    const res = await postOps(server.base, session, [
      { op: 'unsubscribe', channel: b, ref: 'u' },
      { op: 'unsubscribe', channel: b, ref: 'again' },
      { op: 'subscribe', channel: a, ref: 2 },
      { op: 'subscribe', channel: 'bad channel!', ref: 3 },
      { op: 'publish', channel: c, ref: 4 },
    ]);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json().results.map((r) => [r.ref, r.ok ?? r.error]), [
      ['u', true], ['again', 'not_subscribed'], [2, 'already_subscribed'], [3, 'bad_channel'], [4, 'bad_op']]);
    await publish(server.base, b, 'not any more');
    await publish(server.base, a, 'still');
    await until(() => lines(reader).some((l) => l.data === 'still'), 3000, 'a message of a');
    const acks = lines(reader).filter((l) => l.event === '_ack');
    assert.deepEqual(acks.map((l) => l.ref), ['u', 'again', 2], 'ops that reached the session are acknowledged on it');
    assert.ok(!lines(reader).some((l) => l.data === 'not any more'));
  });

  test('the script form takes one op in the query and answers FN(result)', async (t) => {
    const [a, b] = [channelName('op'), channelName('op')];
    const { reader, session } = await openSession(t, server.port, [a]);
    const res = await request(server.base, `/session/${session}/op?op=subscribe&channel=${b}&ref=9&callback=cb.x`);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^application\/javascript/);
    assert.equal(res.body, 'cb.x({"results":[{"ref":9,"ok":true}]});');
    await publish(server.base, b, 'via script');
    await until(() => lines(reader).some((l) => l.data === 'via script'), 3000, 'the added channel');
  });

  test('an unknown session is 404 unknown_session; a body that is not ops is 400', async (t) => {
    const fake = 'AA' + 'b'.repeat(22);
    for (const id of [fake, 'short', 'ZZ' + 'b'.repeat(22)]) {
      const res = await postOps(server.base, id, { op: 'subscribe', channel: 'x' });
      assert.equal(res.status, 404, id);
      assert.equal(res.json().error, 'unknown_session');
    }
    const script = await request(server.base, `/session/${fake}/op?op=subscribe&channel=x&callback=cb`);
    assert.equal(script.status, 200);
    assert.match(script.body, /^cb\(\{"error":"unknown_session",/);

    const { session } = await openSession(t, server.port, [channelName('op')]);
    for (const body of ['', 'nope', '[]', '{"op":', JSON.stringify(Array(7).fill({ op: 'subscribe', channel: 'x' }))]) {
      const res = await postOps(server.base, session, body);
      assert.equal(res.status, 400, body.slice(0, 40));
      assert.equal(res.json().error, 'bad_request');
    }
    assert.equal((await request(server.base, `/session/${session}`)).status, 404, 'GET needs /op');
    assert.equal((await request(server.base, `/session/${session}/op?op=subscribe&channel=x&callback=1x`)).status, 400);
  });

  test('a session ends with its stream', async () => {
    const reader = await openStream(server.port, url('/stream', [channelName('op')]));
    await until(() => lines(reader).length >= 1, 3000, 'the announcement');
    const { session } = lines(reader)[0];
    reader.destroy();
    await waitFor(async () => (await postOps(server.base, session, { op: 'subscribe', channel: 'x' })).status === 404,
      3000, 'the session to end');
  });

  test('--max-channels-per-client bounds the URL and the ops, refused clearly and counted', async (t) => {
    const before = await refused(server.base, 'too_many_channels');
    const four = Array.from({ length: 4 }, () => channelName('lim'));
    const res = await request(server.base, url('/sse', four));
    assert.equal(res.status, 400);
    assert.equal(res.json().error, 'too_many_channels');
    const repeated = await request(server.base, url('/stream', [four[0], four[0], four[0], four[0]]), { timeoutMs: 300 })
      .catch((error) => error);
    assert.ok(repeated instanceof Error, 'a repeated channel counts once: that stream opened and stays open');

    const { reader, session } = await openSession(t, server.port, four.slice(0, 3));
    const op = await postOps(server.base, session, { op: 'subscribe', channel: four[3], ref: 1 });
    assert.deepEqual(op.json().results[0].error, 'too_many_channels');
    await until(() => lines(reader).some((l) => l.error === 'too_many_channels'), 3000, 'the refusal on the stream');
    assert.equal(await refused(server.base, 'too_many_channels'), before + 2);
  });
});

describe('session limits and threads', () => {
  test('--max-sessions refuses a stream with 503 too_many_sessions, counted; v1 streams are not sessions', async (t) => {
    const server = await startServer(t, ['--max-sessions', '1']);
    const first = await openSession(t, server.port, [channelName('one')]);
    const res = await request(server.base, url('/sse', [channelName('two')]));
    assert.equal(res.status, 503);
    assert.equal(res.json().error, 'too_many_sessions');
    assert.equal(await refused(server.base, 'max_sessions'), 1);
    assert.equal(await metric(server.base, 'pushwire_sessions_open'), 1);
    assert.equal(await metric(server.base, 'pushwire_sessions_created_total'), 1);
    const v1 = await openStream(server.port, `/stream/${channelName('v1')}`);
    t.after(() => v1.destroy());
    assert.equal(v1.response.status, 200);
    first.reader.destroy();
    await waitFor(async () => (await metric(server.base, 'pushwire_sessions_open')) === 0, 3000, 'the session to end');
    await server.stop();
  });

  test('--threads 2: ops on new connections reach the owner thread, whichever thread they land on', async (t) => {
    const server = await startServer(t, ['--threads', '2']);
    const channels = Array.from({ length: 24 }, () => channelName('thr'));
    const { reader, session } = await openSession(t, server.port, [channels[0]]);
    const expected = [];
    for (let i = 1; i < channels.length; i++) {
      // node:http with agent:false: a new TCP connection each time, which SO_REUSEPORT spreads.
      const res = await postOps(server.base, session, { op: 'subscribe', channel: channels[i], ref: i });
      assert.deepEqual(res.json(), { results: [{ ref: i, ok: true }] });
    }
    for (const channel of channels) expected.push((await publish(server.base, channel, `to ${channel}`)).id);
    await until(() => lines(reader).filter((l) => l.event === 'message').length >= channels.length, 3000, 'a message on every channel');
    assert.deepEqual(lines(reader).filter((l) => l.event === 'message').map((l) => l.id), expected, 'each once, in publish order');
    assert.ok(await metric(server.base, 'pushwire_session_requests_forwarded_total') > 0,
      'some ops landed on the other thread and were passed to the owner');
    await server.stop();
  });
});

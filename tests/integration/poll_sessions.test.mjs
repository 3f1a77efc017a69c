// Poll sessions: long-poll, poll and JSONP carry many channels per request
// through a session that outlives each request (docs/protocol.md, "Poll
// sessions"): opening, acks, a lost answer sent again, ops while a
// long-poll waits, gaps after the buffer overflows, the grace period, the
// owner thread reached from any thread, and the limits.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertEnvelope, assertError, assertId, channelName, publish, request, sleep, waitFor } from './lib/http.mjs';
import { metric, refused } from './lib/metrics.mjs';
import { startServer } from './lib/server.mjs';

const query = (pairs) => new URLSearchParams(pairs.filter(([, v]) => v !== undefined)).toString();
const openUrl = (path, channels, extra = {}) =>
  `${path}?${query([...channels.map((c) => ['channel', c]), ...Object.entries(extra)])}`;
const nextUrl = (path, session, ack, extra = {}) => `${path}?${query([['session', session], ['ack', ack], ...Object.entries(extra)])}`;

// The answer's shape, whatever it carries; resolves to the body. `named`: the
// channels it must name, exactly (undefined: any). Whatever it names, it names
// every channel it has a message of, with the newest one's id.
function assertAnswer(res, named) {
  assert.equal(res.status, 200, res.body);
  const body = res.json();
  assert.match(body.session, /^[A-Za-z0-9_-]{24}$/);
  assertId(body.last_id);
  assert.equal(typeof body.gap, 'boolean');
  if (named) assert.deepEqual(Object.keys(body.channels).sort(), [...named].sort());
  for (const state of Object.values(body.channels)) {
    if (state.last_id !== undefined || !state.gap) assertId(state.last_id);
    assert.equal(typeof state.gap, 'boolean');
  }
  assert.equal(body.gap, Object.values(body.channels).some((state) => state.gap));
  for (const message of body.messages) {
    assertEnvelope(message, { channel: message.channel });
    const newest = body.messages.findLast((m) => m.channel === message.channel);
    assert.equal(body.channels[message.channel]?.last_id, newest.id);
  }
  return body;
}

async function open(base, path, channels, extra) {
  return assertAnswer(await request(base, openUrl(path, channels, extra)), channels);
}
async function next(base, path, session, ack, channels, extra) {
  return assertAnswer(await request(base, nextUrl(path, session, ack, extra), { timeoutMs: 20000 }), channels);
}
const messagesOf = (body) => body.messages.map((m) => [m.channel, m.data]);

describe('poll sessions', () => {
  let server;
  before(async () => { server = await startServer(null, ['--max-channels-per-client', '60']); });
  after(() => server.stop());

  test('opening answers at once, even /lp, with every channel resumed from the stream cursor', async () => {
    const [a, b] = [channelName('ps'), channelName('ps')];
    const before = await publish(server.base, a, 'a old');
    const a1 = await publish(server.base, a, 'a1');
    const b1 = await publish(server.base, b, 'b1');
    const started = Date.now();
    const body = await open(server.base, '/lp', [a, b], { since: before.id, timeout: 10 });
    assert.ok(Date.now() - started < 2000, 'no wait on opening');
    assert.deepEqual(messagesOf(body), [[a, 'a1'], [b, 'b1']]);
    assert.equal(body.last_id, b1.id);
    assert.deepEqual(body.channels, { [a]: { last_id: a1.id, gap: false }, [b]: { last_id: b1.id, gap: false } });
    const empty = await open(server.base, '/poll', [channelName('ps')]);
    assert.deepEqual(empty.messages, []);
    assert.notEqual(empty.session, body.session);
  });

  test('a long-poll with the ack waits for the next message of any channel; /poll answers at once', async () => {
    const [a, b] = [channelName('ps'), channelName('ps')];
    const opened = await open(server.base, '/lp', [a, b]);
    const waiting = next(server.base, '/lp', opened.session, opened.last_id, [b], { timeout: 10 });
    await sleep(200);
    const sent = await publish(server.base, b, 'to b');
    const body = await waiting;
    assert.deepEqual(messagesOf(body), [[b, 'to b']]);
    assert.equal(body.last_id, sent.id);
    assert.equal(body.channels[b].last_id, sent.id);
    const started = Date.now();
    const quiet = await next(server.base, '/poll', body.session, body.last_id, []);
    assert.ok(Date.now() - started < 1000);
    assert.deepEqual(quiet.messages, []);
    assert.equal(quiet.last_id, sent.id);
    const timedOut = await next(server.base, '/lp', body.session, body.last_id, [], { timeout: 0.3 });
    assert.deepEqual(timedOut.messages, []);
  });

  test('an answer that was lost is sent again when the next poll acks the older one; nothing repeats after', async () => {
    const a = channelName('ps');
    const opened = await open(server.base, '/poll', [a]);
    await publish(server.base, a, 'm1');
    const lost = await next(server.base, '/poll', opened.session, opened.last_id, [a]);
    assert.deepEqual(messagesOf(lost), [[a, 'm1']]);
    await publish(server.base, a, 'm2');
    const again = await next(server.base, '/poll', opened.session, opened.last_id, [a]);
    assert.deepEqual(messagesOf(again), [[a, 'm1'], [a, 'm2']]);
    const after = await next(server.base, '/lp', opened.session, again.last_id, [], { timeout: 0.2 });
    assert.deepEqual(after.messages, []);
  });

  test('an answer names only the channels it moves; an added channel\'s position comes again after a lost answer', async () => {
    const [a, b, c] = [channelName('ps'), channelName('ps'), channelName('ps')];
    const before = await publish(server.base, c, 'c before');
    const opened = await open(server.base, '/poll', [a, b]);
    const op = await request(server.base, `/session/${opened.session}/op?op=subscribe&channel=${c}&callback=cb`);
    assert.equal(op.body, 'cb({"results":[{"ok":true}]});');
    const onA = await publish(server.base, a, 'to a');
    const lost = await next(server.base, '/poll', opened.session, opened.last_id, [a, c]);
    assert.deepEqual(lost.channels[c], { last_id: before.id, gap: false });
    assert.deepEqual(messagesOf(lost), [[a, 'to a']]);
    const again = await next(server.base, '/poll', opened.session, opened.last_id, [a, c]);
    assert.deepEqual(again.channels, { [a]: { last_id: onA.id, gap: false }, [c]: { last_id: before.id, gap: false } });
    const onB = await publish(server.base, b, 'to b');
    const moved = await next(server.base, '/poll', opened.session, again.last_id, [b]);
    assert.deepEqual(moved.channels, { [b]: { last_id: onB.id, gap: false } });
  });

  test('50 channels in one poll: one message each, in publish order, with a cursor each', async () => {
    const channels = Array.from({ length: 50 }, () => channelName('fifty'));
    const opened = await open(server.base, '/lp', channels);
    const sent = [];
    for (const channel of channels) sent.push(await publish(server.base, channel, `to ${channel}`));
    const body = await next(server.base, '/poll', opened.session, opened.last_id, channels);
    assert.deepEqual(body.messages.map((m) => m.id), sent.map((s) => s.id));
    for (const [i, channel] of channels.entries()) assert.equal(body.channels[channel].last_id, sent[i].id);
    assert.equal(body.last_id, sent.at(-1).id);
  });

  test('ops add and remove channels while a long-poll waits: it is answered at once, replay included', async () => {
    const [a, b, c] = [channelName('ps'), channelName('ps'), channelName('ps')];
    const old = await publish(server.base, b, 'b old');
    const missed = await publish(server.base, b, 'b missed');
    const opened = await open(server.base, '/lp', [a, c]);
    const waiting = next(server.base, '/lp', opened.session, opened.last_id, [b], { timeout: 10 });
    await sleep(200);
    const op = await request(server.base, `/session/${opened.session}`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ op: 'subscribe', channel: b, since: old.id, ref: 1 }),
    });
    assert.deepEqual(op.json(), { results: [{ ref: 1, ok: true }] });
    const added = await waiting;
    assert.deepEqual(messagesOf(added), [[b, 'b missed']]);
    assert.equal(added.channels[b].last_id, missed.id);

    const waiting2 = next(server.base, '/lp', added.session, added.last_id, [], { timeout: 10 });
    await sleep(200);
    const removed = await request(server.base, `/session/${opened.session}/op?op=unsubscribe&channel=${c}&callback=cb`);
    assert.equal(removed.body, 'cb({"results":[{"ok":true}]});');
    const afterRemove = await waiting2;
    assert.deepEqual(afterRemove.messages, []);
    await publish(server.base, c, 'not any more');
    const live = await publish(server.base, a, 'a live');
    const last = await next(server.base, '/lp', afterRemove.session, afterRemove.last_id, [a], { timeout: 10 });
    assert.deepEqual(messagesOf(last), [[a, 'a live']]);
    assert.equal(last.last_id, live.id);
  });

  test('JSONP carries the session as FN(ANSWER); an unknown session is FN({"error":...}) with 200', async () => {
    const a = channelName('ps');
    const res = await request(server.base, openUrl('/jsonp', [a], { callback: 'cb.poll' }));
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^application\/javascript/);
    const match = /^cb\.poll\((.*)\);$/s.exec(res.body);
    assert.ok(match, res.body);
    const opened = JSON.parse(match[1]);
    const waiting = request(server.base, nextUrl('/jsonp', opened.session, opened.last_id, { callback: 'cb.poll' }));
    await sleep(100);
    await publish(server.base, a, 'by script');
    const answer = JSON.parse(/^cb\.poll\((.*)\);$/s.exec((await waiting).body)[1]);
    assert.deepEqual(messagesOf(answer), [[a, 'by script']]);
    const unknown = await request(server.base, nextUrl('/jsonp', 'AAAAAAAAAAAAAAAAAAAAAAAA', '0', { callback: 'cb' }));
    assert.equal(unknown.status, 200);
    assert.equal(JSON.parse(/^cb\((.*)\);$/s.exec(unknown.body)[1]).error, 'unknown_session');
  });

  test('bad requests get clear errors', async () => {
    const a = channelName('ps');
    const opened = await open(server.base, '/poll', [a]);
    assertError(await request(server.base, `/lp?session=${opened.session}`), 400);
    assert.equal((await request(server.base, `/lp?session=${opened.session}&ack=null`)).json().error, 'bad_ack');
    const unknown = await request(server.base, nextUrl('/lp', 'nope', '0'));
    assertError(unknown, 404);
    assert.equal(unknown.json().error, 'unknown_session');
    assert.equal((await request(server.base, '/poll')).json().error, 'bad_channel');
    const tooMany = await request(server.base, openUrl('/lp', Array.from({ length: 61 }, (_, i) => `c${i}`)));
    assertError(tooMany, 400);
    assert.equal(tooMany.json().error, 'too_many_channels');
    assert.equal((await request(server.base, openUrl('/lp', [a], { since: 'undefined' }))).json().error, 'bad_since');
    assert.equal((await request(server.base, openUrl('/jsonp', [a]))).json().error, 'bad_callback');
  });
});

describe('poll session limits', () => {
  test('past --max-session-buffer-bytes the oldest go and their channel has a gap until acked', async (t) => {
    const server = await startServer(t, ['--max-session-buffer-bytes', '2048']);
    const [a, b] = [channelName('gap'), channelName('gap')];
    const opened = await open(server.base, '/poll', [a, b]);
    const sent = [];
    for (let i = 0; i < 20; i++) sent.push(await publish(server.base, a, `${i} ${'x'.repeat(200)}`));
    const onB = await publish(server.base, b, 'b fits');
    const body = await next(server.base, '/poll', opened.session, opened.last_id, [a, b]);
    assert.equal(body.gap, true);
    assert.deepEqual(body.channels[a].gap, true);
    assert.deepEqual(body.channels[b], { last_id: onB.id, gap: false });
    const kept = body.messages.filter((m) => m.channel === a).map((m) => m.id);
    assert.ok(kept.length > 0 && kept.length < 20, `some of a were dropped: ${kept.length} kept`);
    assert.deepEqual(kept, sent.slice(-kept.length).map((s) => s.id), 'the newest are kept');
    assert.ok(await metric(server.base, 'pushwire_session_buffer_overflows_total') >= 20 - kept.length);
    assert.ok(await metric(server.base, 'pushwire_sessions_buffered_bytes') > 0);
    const acked = await next(server.base, '/poll', body.session, body.last_id, []);
    assert.equal(acked.gap, false);
    assert.deepEqual(acked.messages, []);
    assert.equal(await metric(server.base, 'pushwire_sessions_buffered_bytes'), 0);
    await server.stop();
  });

  test('after --session-grace without a poll: 404 unknown_session; a new session from the cursor loses nothing', async (t) => {
    const server = await startServer(t, ['--session-grace', '0.3']);
    const [a, b] = [channelName('grace'), channelName('grace')];
    const opened = await open(server.base, '/lp', [a, b]);
    await publish(server.base, a, 'before');
    const got = await next(server.base, '/poll', opened.session, opened.last_id, [a]);
    assert.deepEqual(messagesOf(got), [[a, 'before']]);
    await publish(server.base, b, 'while away 1');
    await waitFor(async () => (await metric(server.base, 'pushwire_sessions_expired_total')) === 1, 3000, 'the session to expire');
    await publish(server.base, a, 'while away 2');
    const gone = await request(server.base, nextUrl('/lp', got.session, got.last_id));
    assertError(gone, 404);
    assert.equal(gone.json().error, 'unknown_session');
    assert.equal(await metric(server.base, 'pushwire_sessions_open'), 0);
    const resumed = await open(server.base, '/lp', [a, b], { since: got.last_id });
    assert.deepEqual(messagesOf(resumed), [[b, 'while away 1'], [a, 'while away 2']]);
    await server.stop();
  });

  test('a client that leaves while its long-poll waits (on either thread): the next poll gets it all; then the grace runs', async (t) => {
    const server = await startServer(t, ['--threads', '2', '--session-grace', '1']);
    const a = channelName('gone');
    const opened = await open(server.base, '/lp', [a]);
    const sent = [];
    for (let i = 0; i < 8; i++) {
      // Each on a new connection, which SO_REUSEPORT spreads: some wait on the other thread. The
      // client leaves about when the message comes: its answer is dropped, or read and ignored.
      const abandoned = request(server.base, nextUrl('/lp', opened.session, opened.last_id, { timeout: 30 }), { timeoutMs: 60 });
      await sleep(30);
      sent.push((await publish(server.base, a, `m${i}`)).id);
      await abandoned.catch(() => {});
    }
    const body = await next(server.base, '/lp', opened.session, opened.last_id, [a]);
    assert.deepEqual(body.messages.map((m) => m.id), sent, 'what the dropped answers carried, once, in order');
    assert.ok(await metric(server.base, 'pushwire_session_requests_forwarded_total') > 0);
    // The last poll waits again, and leaves: 30 s of timeout, but the session ends after its grace.
    await assert.rejects(request(server.base, nextUrl('/lp', body.session, body.last_id, { timeout: 30 }), { timeoutMs: 200 }));
    await waitFor(async () => (await metric(server.base, 'pushwire_sessions_expired_total')) === 1, 4000,
      'the session to end a grace period after its client left');
    await server.stop();
  });

  test('--max-sessions counts poll sessions too: 503 too_many_sessions', async (t) => {
    const server = await startServer(t, ['--max-sessions', '1']);
    await open(server.base, '/poll', [channelName('max')]);
    const res = await request(server.base, openUrl('/lp', [channelName('max')]));
    assertError(res, 503);
    assert.equal(res.json().error, 'too_many_sessions');
    assert.equal(await refused(server.base, 'max_sessions'), 1);
    await server.stop();
  });

  test('--threads 2: polls of one session land on both threads; nothing lost, repeated or reordered', async (t) => {
    const server = await startServer(t, ['--threads', '2']);
    const channels = [channelName('thr'), channelName('thr'), channelName('thr')];
    const opened = await open(server.base, '/lp', channels);
    const total = 60;
    const published = [];
    const publishing = (async () => {
      for (let i = 0; i < total; i++) {
        published.push((await publish(server.base, channels[i % 3], `m${i}`)).id);
        if (i % 7 === 0) await sleep(5);
      }
    })();
    // Each poll on a new connection (agent: false), which SO_REUSEPORT spreads over the threads.
    const received = [];
    let ack = opened.last_id;
    while (received.length < total) {
      const body = await next(server.base, '/lp', opened.session, ack, undefined, { timeout: 5 });
      received.push(...body.messages.map((m) => m.id));
      ack = body.last_id;
    }
    await publishing;
    assert.deepEqual(received, published, 'every message once, in publish order');
    assert.ok(await metric(server.base, 'pushwire_session_requests_forwarded_total') > 0,
      'some polls landed on the thread that does not own the session and were passed to it');
    await server.stop();
  });
});

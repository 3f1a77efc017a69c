// Access control on poll sessions (docs/protocol.md, "Poll sessions"): a
// session ends at the expiry of the grants it was opened with, unless a later
// poll presents a token granting every channel of it, which moves its end to
// that token's expiry; a poll whose token does not grant them all is refused
// as an opening would be, and the session keeps its end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { channelName, publish, request, sleep } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { SECRET, hsToken } from './lib/tokens.mjs';

const KEY = 'publish-key-7';
const openUrl = (path, channels, token) =>
  `${path}?${new URLSearchParams([...channels.map((c) => ['channel', c]), ['token', token]])}`;
const nextUrl = (path, session, ack, extra = {}) => `${path}?${new URLSearchParams({ session, ack, ...extra })}`;
const bearer = (token) => ({ headers: { authorization: `Bearer ${token}` } });
const expiresAtMs = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url')).exp * 1000;
const untilPast = (ms) => sleep(Math.max(0, ms - Date.now()));

describe('poll sessions and token expiry', () => {
  let server;
  // Two threads: polls on new connections land on both, so renewals and refusals are passed to the owner.
  before(async () => { server = await startServer(null, ['--jwt-secret', SECRET, '--publish-key', KEY, '--threads', '2']); });
  after(() => server.stop());

  async function openShortLived(path, channels) {
    const token = await hsToken({ sub: 'u1', subscribe: ['u1.*'] }, { expiresIn: 2 });
    const opened = await request(server.base, openUrl(path, channels, token));
    assert.equal(opened.status, 200, opened.body);
    return { opened: opened.json(), expiresAt: expiresAtMs(token) };
  }

  test('a poll with a fresh token granting every channel keeps the session past the first token\'s expiry', async () => {
    const [a, b] = [channelName('u1.a'), channelName('u1.b')];
    const { opened, expiresAt } = await openShortLived('/lp', [a, b]);
    const fresh = await hsToken({ sub: 'u1', subscribe: ['u1.*'] }, { expiresIn: 60 });
    const renewed = await request(server.base, nextUrl('/poll', opened.session, opened.last_id), bearer(fresh));
    assert.equal(renewed.status, 200, renewed.body);
    // A long-poll without a token waits across the first token's expiry, and gets what comes after.
    const waiting = request(server.base, nextUrl('/lp', opened.session, renewed.json().last_id, { timeout: 10 }),
      { timeoutMs: 15000 });
    await untilPast(expiresAt + 700);
    const sent = await publish(server.base, a, 'after the first expiry', { key: KEY });
    const answer = await waiting;
    assert.equal(answer.status, 200, answer.body);
    assert.deepEqual(answer.json().messages.map((m) => m.id), [sent.id]);
    const later = await request(server.base, nextUrl('/jsonp', opened.session, answer.json().last_id,
      { callback: 'cb', token: fresh, timeout: 0.2 }));
    assert.match(later.body, /^cb\(\{"session":/);
  });

  test('without a fresh token the session ends at the first token\'s expiry, refused polls renewing nothing', async () => {
    const [a, b] = [channelName('u1.a'), channelName('u1.b')];
    const { opened, expiresAt } = await openShortLived('/lp', [a, b]);
    const plain = await request(server.base, nextUrl('/poll', opened.session, opened.last_id));
    assert.equal(plain.status, 200, plain.body);
    const onlyA = await hsToken({ sub: 'u1', subscribe: [a] }, { expiresIn: 60 });
    for (let i = 0; i < 4; i++) {
      const forbidden = await request(server.base, nextUrl('/poll', opened.session, opened.last_id), bearer(onlyA));
      assert.equal(forbidden.status, 403, forbidden.body);
      assert.equal(forbidden.json().error, 'forbidden');
      const invalid = await request(server.base, nextUrl('/poll', opened.session, opened.last_id, { token: 'not.a.token' }));
      assert.equal(invalid.status, 401, invalid.body);
      assert.equal(invalid.json().error, 'unauthorized');
    }
    // A long-poll waiting at the expiry is answered then: the session is gone.
    const waiting = await request(server.base, nextUrl('/lp', opened.session, opened.last_id, { timeout: 10 }),
      { timeoutMs: 15000 });
    assert.ok(Date.now() >= expiresAt - 50, 'not before the expiry');
    assert.equal(waiting.status, 404, waiting.body);
    assert.equal(waiting.json().error, 'unknown_session');
    await untilPast(expiresAt + 300);
    const gone = await request(server.base, nextUrl('/poll', opened.session, opened.last_id));
    assert.equal(gone.status, 404, gone.body);
  });
});

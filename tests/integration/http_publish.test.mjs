// POST /pub/{channel}: the answer, the envelope it makes, and every refusal.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertEnvelope, assertError, assertId, assertTime, channelName, poll, publish, publishRaw, request,
} from './lib/http.mjs';
import { startServer } from './lib/server.mjs';

describe('publishing', () => {
  let server;
  before(async () => { server = await startServer(null, ['--max-message-bytes', '1024']); });
  after(() => server.stop());

  test('answers 200 {channel, id, time} as JSON', async () => {
    const channel = channelName();
    const sentAt = Date.now();
    const res = await publishRaw(server.base, channel, 'hello');
    assert.equal(res.status, 200, res.body);
    assert.match(res.headers['content-type'], /application\/json/);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['channel', 'id', 'time']);
    assert.equal(body.channel, channel);
    assertId(body.id);
    assertTime(body.time);
    assert.ok(body.time >= sentAt - 1000 && body.time <= Date.now() + 1000, 'time is when it was published');
  });

  test('the message is kept as an envelope with event "message"', async () => {
    const channel = channelName();
    const { id, time } = await publish(server.base, channel, 'hello "world"\n\u00e9\u{1F600}');
    const { messages } = await poll(server.base, channel, '0');
    assert.equal(messages.length, 1);
    assert.deepEqual(messages[0],
      { channel, id, event: 'message', data: 'hello "world"\n\u00e9\u{1F600}', time });
  });

  test('ids are unique within a channel', async () => {
    const channel = channelName();
    const ids = new Set();
    for (let i = 0; i < 20; i++) ids.add((await publish(server.base, channel, `m${i}`)).id);
    assert.equal(ids.size, 20);
  });

  test('?event= names the event', async () => {
    const channel = channelName();
    await publish(server.base, channel, 'x', { event: 'price.update:v2-1' });
    const { messages } = await poll(server.base, channel, '0');
    assertEnvelope(messages[0], { channel, data: 'x', event: 'price.update:v2-1' });
  });

  test('an empty message is a message', async () => {
    const channel = channelName();
    await publish(server.base, channel, '');
    const { messages } = await poll(server.base, channel, '0');
    assertEnvelope(messages[0], { channel, data: '' });
  });

  test('every allowed channel character and the longest name are accepted', async () => {
    for (const channel of ['A-Za_z.0:9@x', 'c'.repeat(128)]) await publish(server.base, channel, 'ok');
  });

  for (const [what, channel] of [
    ['a space', 'bad%20channel'], ['a !', 'bad!'], ['a non-ASCII letter', 'caf%C3%A9'],
    ['129 characters', 'c'.repeat(129)], ['a percent sign', 'a%25b'], ['a comma', 'a,b'],
  ]) {
    test(`a channel with ${what} is 400`, async () => {
      const res = await request(server.base, `/pub/${channel}`, { method: 'POST', body: 'x' });
      assertError(res, 400);
    });
  }

  for (const [what, event] of [
    ['a space', 'bad event'], ['65 characters', 'e'.repeat(65)], ['an @', 'a@b'], ['a slash', 'a/b'],
  ]) {
    test(`an event with ${what} is 400`, async () => {
      const res = await publishRaw(server.base, channelName(), 'x', { event });
      assertError(res, 400);
    });
  }

  for (const [what, bytes] of [
    ['a stray continuation byte', [0x61, 0x80]], ['0xFF', [0xff, 0xfe]], ['an overlong encoding', [0xc0, 0xaf]],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]], ['a truncated sequence', [0x61, 0xe2, 0x82]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ]) {
    test(`a body with ${what} is 400 and is not kept`, async () => {
      const channel = channelName();
      const res = await publishRaw(server.base, channel, Buffer.from(bytes));
      assertError(res, 400);
      assert.deepEqual((await poll(server.base, channel, '0')).messages, []);
    });
  }

  test('a body of exactly --max-message-bytes is accepted', async () => {
    const channel = channelName();
    await publish(server.base, channel, 'a'.repeat(1024));
    assert.equal((await poll(server.base, channel, '0')).messages[0].data.length, 1024);
  });

  test('the limit counts bytes, not characters', async () => {
    const res = await publishRaw(server.base, channelName(), '\u00e9'.repeat(513));  // 1026 bytes
    assertError(res, 413);
  });

  for (const size of [1025, 5000]) {
    test(`a body of ${size} bytes over a limit of 1024 is 413 and is not kept`, async () => {
      const channel = channelName();
      const res = await publishRaw(server.base, channel, 'a'.repeat(size));
      assertError(res, 413);
      assert.deepEqual((await poll(server.base, channel, '0')).messages, []);
    });
  }
});

describe('publishing with --publish-key', () => {
  let server;
  before(async () => { server = await startServer(null, ['--publish-key', 's3cret']); });
  after(() => server.stop());

  for (const [what, headers] of [
    ['no Authorization header', {}],
    ['a wrong key', { authorization: 'Bearer wrong' }],
    ['a longer key', { authorization: 'Bearer s3cret2' }],
    ['a prefix of the key', { authorization: 'Bearer s3cre' }],
    ['the key without Bearer', { authorization: 's3cret' }],
    ['the key as Basic', { authorization: 'Basic s3cret' }],
  ]) {
    test(`${what} is 401 and is not kept`, async () => {
      const channel = channelName();
      const res = await publishRaw(server.base, channel, 'x', { headers });
      assertError(res, 401);
      assert.deepEqual((await poll(server.base, channel, '0')).messages, []);
    });
  }

  test('the right Bearer key is 200 and subscribing needs no key', async () => {
    const channel = channelName();
    await publish(server.base, channel, 'x', { key: 's3cret' });
    const { messages } = await poll(server.base, channel, '0');
    assertEnvelope(messages[0], { channel, data: 'x' });
  });
});

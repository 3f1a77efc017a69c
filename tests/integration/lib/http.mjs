// Requests through node:http, and the checks every poll-shaped test shares.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';

// A channel name no other test uses.
export function channelName(prefix = 'ch') {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

// One request on its own connection: {status, headers, body (string), buffer, elapsedMs, json()}.
export function request(base, path, { method = 'GET', headers = {}, body, timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(new URL(path, base), { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const buffer = Buffer.concat(chunks);
        resolve({
          status: res.statusCode,
          headers: res.headers,
          buffer,
          body: buffer.toString('utf8'),
          elapsedMs: performance.now() - started,
          json() {
            try {
              return JSON.parse(this.body);
            } catch {
              assert.fail(`${method} ${path}: body is not JSON: ${JSON.stringify(this.body.slice(0, 300))}`);
            }
          },
        });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no response within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function query(params) {
  const pairs = Object.entries(params).filter(([, value]) => value !== undefined);
  return pairs.length ? `?${new URLSearchParams(pairs)}` : '';
}

export function publishRaw(base, channel, data, { event, key, headers = {} } = {}) {
  const auth = key === undefined ? {} : { authorization: `Bearer ${key}` };
  return request(base, `/pub/${channel}${query({ event })}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=utf-8', ...auth, ...headers },
    body: data,
  });
}

// Publishes and checks the 200 answer; resolves to {channel, id, time}.
export async function publish(base, channel, data, options) {
  const res = await publishRaw(base, channel, data, options);
  assert.equal(res.status, 200, `publish to ${channel}: ${res.body}`);
  const body = res.json();
  assert.equal(body.channel, channel);
  assertId(body.id);
  assertTime(body.time);
  return body;
}

// Publishes one message after another so that their order is known.
export async function publishMany(base, channel, datas) {
  const ids = [];
  for (const data of datas) ids.push((await publish(base, channel, data)).id);
  return ids;
}

export async function poll(base, channel, since) {
  const res = await request(base, `/poll/${channel}${query({ since })}`);
  assert.equal(res.status, 200, `poll ${channel}: ${res.body}`);
  return assertPollBody(res.json(), channel);
}

export async function longpoll(base, channel, { since, timeout } = {}) {
  const res = await request(base, `/lp/${channel}${query({ since, timeout })}`, { timeoutMs: 130000 });
  assert.equal(res.status, 200, `long-poll ${channel}: ${res.body}`);
  return { body: assertPollBody(res.json(), channel), elapsedMs: res.elapsedMs, res };
}

export function assertId(id) {
  assert.equal(typeof id, 'string', `id ${JSON.stringify(id)} should be a string`);
  assert.match(id, /^[A-Za-z0-9_.:-]{1,64}$/, 'id should be 1 to 64 of [A-Za-z0-9_.:-]');
}

export function assertTime(time) {
  assert.ok(Number.isInteger(time), `time ${JSON.stringify(time)} should be an integer of milliseconds`);
  assert.ok(Math.abs(time - Date.now()) < 60000, `time ${time} should be close to now (${Date.now()})`);
}

// {"messages":[...],"last_id":ID,"gap":false}, every message a full envelope.
export function assertPollBody(body, channel) {
  assert.ok(Array.isArray(body.messages), `messages should be an array: ${JSON.stringify(body)}`);
  assert.ok('last_id' in body, `poll body should have last_id: ${JSON.stringify(body)}`);
  if (body.last_id !== null) assertId(body.last_id);
  assert.equal(typeof body.gap, 'boolean', `gap should be a boolean: ${JSON.stringify(body)}`);
  for (const message of body.messages) assertEnvelope(message, { channel });
  return body;
}

export function assertEnvelope(message, { channel, data, event }) {
  assert.equal(message.channel, channel);
  assertId(message.id);
  assert.equal(typeof message.event, 'string');
  assert.equal(typeof message.data, 'string');
  assertTime(message.time);
  if (data !== undefined) assert.equal(message.data, data);
  if (event !== undefined) assert.equal(message.event, event);
}

export function datas(body) {
  return body.messages.map((message) => message.data);
}

export function ids(body) {
  return body.messages.map((message) => message.id);
}

// {"error":"CODE","message":"..."} with the given status.
export function assertError(res, status) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.body}`);
  assert.match(res.headers['content-type'] ?? '', /application\/json/);
  const body = res.json();
  assert.equal(typeof body.error, 'string', `error should be a string code: ${res.body}`);
  assert.ok(body.error.length > 0);
  assert.equal(typeof body.message, 'string', `message should be a string: ${res.body}`);
}

export async function healthz(base) {
  const res = await request(base, '/healthz');
  assert.equal(res.status, 200);
  assert.equal(res.body.trim(), 'ok');
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Resolves once `predicate()` (which may return a promise) is true; fails the test after `timeoutMs`.
export async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

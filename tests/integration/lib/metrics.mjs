// Reads the server's /metrics.
import assert from 'node:assert/strict';
import { request } from './http.mjs';

export const refusedSample = (reason) => `pushwire_refused_total{reason="${reason}"}`;

// The value of one sample in a /metrics text, e.g. sample(text, 'pushwire_history_bytes').
export function sample(text, name) {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `/metrics has no sample ${name}:\n${text}`);
  return Number(line.slice(name.length + 1));
}

export async function metric(base, name) {
  const res = await request(base, '/metrics');
  assert.equal(res.status, 200, `GET /metrics: ${res.body}`);
  return sample(res.body, name);
}

export function refused(base, reason) {
  return metric(base, refusedSample(reason));
}

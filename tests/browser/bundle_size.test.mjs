// The browser client's size budget: pushwire.js, minified with all its transports, stays under
// 10 KB gzipped (10,000 bytes at gzip -9, the figure README.md and web/README.md quote).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { root } from './harness.mjs';

const BUDGET = 10000;

test(`pushwire.js is under ${BUDGET} bytes gzipped`, () => {
  const gzipped = gzipSync(readFileSync(`${root}build/web/pushwire.js`), { level: 9 }).length;
  assert.ok(gzipped < BUDGET, `pushwire.js is ${gzipped} bytes gzipped, over the budget of ${BUDGET}`);
});

// The client, the demo and the relay page type-check under strict TypeScript.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { root } from './harness.mjs';

test('web/ type-checks (tsc --noEmit, strict)', { timeout: 120000 }, () => {
  const r = spawnSync(`${root}node_modules/.bin/tsc`, ['-p', `${root}web/tsconfig.json`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

// Publishing through several servers while something happens to Redis, and
// checking that subscribers got every acknowledged message exactly once, in
// order.
import assert from 'node:assert/strict';
import { poll, publishRaw, sleep, waitFor } from './http.mjs';

const seqOf = (id) => Number(id.split('-')[1]);

/**
 * Publishes to `channel` through `servers` in turn, one at a time, keeping
 * the ids acknowledged; a 503 is counted and the publish goes on. Once
 * `over()` has been called, it stops after `after` more acknowledgements
 * (`done` then resolves).
 */
export function keepPublishing(servers, channel, { after = 20 } = {}) {
  const run = { acked: [], refused: 0, ackedAfter: 0, isOver: false };
  run.over = () => { run.isOver = true; };
  run.done = (async () => {
    for (let i = 0; run.ackedAfter < after; i++) {
      const res = await publishRaw(servers[i % servers.length].base, channel, `m${i}`);
      if (res.status === 200) {
        run.acked.push(res.json().id);
        if (run.isOver) run.ackedAfter++;
      } else {
        assert.equal(res.status, 503, res.body);
        run.refused++;
        await sleep(20);
      }
    }
  })();
  return run;
}

/** Every subscriber (from wsSubscriber) got every id of `acked` once, in order; closes them. */
export async function assertEachGotEveryAcked(subs, acked) {
  const last = acked.at(-1);
  await waitFor(() => subs.every((s) => s.got.some((m) => m.id === last)), 10000, 'every subscriber to get the last one');
  await sleep(100);
  for (const [i, sub] of subs.entries()) {
    const got = sub.got.map((m) => m.id);
    assert.equal(new Set(got).size, got.length, `subscriber ${i + 1} got nothing twice`);
    const seqs = got.map(seqOf);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), `subscriber ${i + 1} got them in order`);
    assert.deepEqual(acked.filter((id) => !got.includes(id)), [], `subscriber ${i + 1} got every acknowledged message`);
    sub.ws.close();
  }
}

/** A resume from the start (since=0) on each server gets every acknowledged id still kept. */
export async function assertHistoryKeepsAcked(servers, channel, acked) {
  for (const server of servers) {
    const kept = (await poll(server.base, channel, '0')).messages.map((m) => m.id);
    assert.ok(kept.length > 0, JSON.stringify(kept));
    assert.deepEqual(acked.filter((id) => seqOf(id) >= seqOf(kept[0]) && !kept.includes(id)), []);
  }
}

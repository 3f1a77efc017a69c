// The client's stream parsers, in Node: the SSE and NDJSON text may arrive cut anywhere,
// including between the CR and LF of a line break.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { root } from './harness.mjs';

let parsers;

before(async () => {
  const out = await build({
    stdin: {
      contents: "export { sseParser } from './transports/sse'; export { ndjsonParser } from './transports/stream';",
      resolveDir: `${root}web/src`,
      loader: 'ts',
    },
    bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'error',
  });
  parsers = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
});

/** A fake Host that records what the parser reports. */
function recorder() {
  const seen = [];
  return {
    seen,
    host: {
      deliver: (ch, env) => seen.push(['message', env.id, env.event, env.data]),
      gap: (ch) => seen.push(['gap', ch.name]),
    },
  };
}

/** Feeds text in every possible pair of pieces, and byte by byte; all must agree. */
function splits(text) {
  const ways = [[text], [...text]];
  for (let i = 1; i < text.length; i++) ways.push([text.slice(0, i), text.slice(i)]);
  return ways;
}

describe('sse parser', () => {
  const ch = { name: 'news', cursor: undefined };
  const stream = '\uFEFF: heartbeat\r\nid: a1\r\ndata: one\r\n\r\nid: a2\nevent: update\ndata: two\ndata: lines\n\n' +
    'event: _gap\rdata: {"channel":"news"}\r\rid: a3\ndata\n\n: tail comment\n';
  const expected = [
    ['message', 'a1', 'message', 'one'],
    ['message', 'a2', 'update', 'two\nlines'],
    ['gap', 'news'],
    ['message', 'a3', 'message', ''],
  ];
  test('events, comments, multi-line data, named events, gap, all three line endings, any split', () => {
    for (const pieces of splits(stream)) {
      const r = recorder();
      const parse = parsers.sseParser(r.host, ch);
      for (const p of pieces) parse(p);
      assert.deepEqual(r.seen, expected, JSON.stringify(pieces));
    }
  });
  test('an event is not dispatched before its blank line', () => {
    const r = recorder();
    const parse = parsers.sseParser(r.host, ch);
    parse('id: x\ndata: pending\n');
    assert.deepEqual(r.seen, []);
    parse('\n');
    assert.equal(r.seen.length, 1);
  });
});

describe('ndjson parser', () => {
  const ch = { name: 'news', cursor: undefined };
  const text = '{"channel":"news","id":"1","event":"message","data":"a","time":5}\n\n' +
    '{"channel":"news","event":"_gap"}\r\n{"channel":"news","id":"2","event":"x","data":"b\\nc","time":6}\n';
  test('lines in any split, heartbeats skipped, gap signalled', () => {
    for (const pieces of splits(text)) {
      const r = recorder();
      const parse = parsers.ndjsonParser(r.host, ch);
      for (const p of pieces) parse(p);
      assert.deepEqual(r.seen, [['message', '1', 'message', 'a'], ['gap', 'news'], ['message', '2', 'x', 'b\nc']]);
    }
  });
});

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
      contents: "export { sseParser } from './transports/sse'; export { streamParser } from './transports/stream';",
      resolveDir: `${root}web/src`,
      loader: 'ts',
    },
    bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'error',
  });
  parsers = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
});

/** A sink that records what the parser reports. */
function recorder() {
  const seen = [];
  return {
    seen,
    sink: {
      message: (env) => seen.push(['message', env.channel, env.id, env.event, env.data]),
      control: (o) => seen.push(['control', o]),
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
  const envelope = (id, event, data) => JSON.stringify({ channel: 'news', id, event, data, time: 5 });
  const stream = '\uFEFF: heartbeat\r\nid: a1\r\ndata: ' + envelope('a1', 'message', 'one') + '\r\n\r\n' +
    'id: a2\nevent: update\ndata: ' + envelope('a2', 'update', 'two\nlines') + '\n\n' +
    'event: _gap\rdata: {"channel":"news"}\r\r' +
    'id: a3\nevent: _cursor\ndata: {"id":"a3"}\n\n: tail comment\n';
  const expected = [
    ['message', 'news', 'a1', 'message', 'one'],
    ['message', 'news', 'a2', 'update', 'two\nlines'],
    ['control', { channel: 'news', event: '_gap' }],
    ['control', { id: 'a3', event: '_cursor' }],
  ];
  test('envelopes, comments, named events, control events, all three line endings, any split', () => {
    for (const pieces of splits(stream)) {
      const r = recorder();
      const parse = parsers.sseParser(r.sink);
      for (const p of pieces) parse(p);
      assert.deepEqual(r.seen, expected, JSON.stringify(pieces));
    }
  });
  test('an event is not dispatched before its blank line', () => {
    const r = recorder();
    const parse = parsers.sseParser(r.sink);
    parse('id: x\ndata: {"channel":"news","id":"x","event":"message","data":"pending"}\n');
    assert.deepEqual(r.seen, []);
    parse('\n');
    assert.equal(r.seen.length, 1);
  });
});

describe('stream parser', () => {
  const text = '{"channel":"news","id":"1","event":"message","data":"a","time":5}\n\n' +
    '{"channel":"news","event":"_gap"}\r\n{"channel":"news","id":"2","event":"x","data":"b\\nc","time":6}\n';
  test('lines in any split, heartbeats skipped, control events reported', () => {
    for (const pieces of splits(text)) {
      const r = recorder();
      const parse = parsers.streamParser(r.sink);
      for (const p of pieces) parse(p);
      assert.deepEqual(r.seen, [['message', 'news', '1', 'message', 'a'], ['control', { channel: 'news', event: '_gap' }],
        ['message', 'news', '2', 'x', 'b\nc']]);
    }
  });
});

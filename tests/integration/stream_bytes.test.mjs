// The exact bytes of the three streaming techniques (SSE, NDJSON streaming,
// forever-iframe), read from raw sockets: headers and padding at once, the
// message format, chunk framing, heartbeats, gap signals, since=, HTTP/1.0.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertEnvelope, channelName, publish, publishMany, request, sleep } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';
import { FORMATS, openStream, parseIframe, parseStream, streamMessages } from './lib/streams.mjs';

const SSE_RETRY = 'retry: 2000\n\n';
const CONTENT_TYPES = {
  sse: 'text/event-stream; charset=utf-8',
  stream: 'application/x-ndjson; charset=utf-8',
  iframe: 'text/html; charset=utf-8',
};

function assertContentType(head, format) {
  assert.equal(head.status, 200, `status ${head.status}`);
  assert.equal(head.headers['content-type']?.toLowerCase().replace(/\s+/g, ' '), CONTENT_TYPES[format]);
}

// What a format's body holds before the first message.
function openingLength(format, reader) {
  if (format === 'sse') return SSE_RETRY.length;
  if (format === 'stream') return 0;
  const at = reader.text.indexOf('<script>');
  return at < 0 ? reader.text.length : at;
}

// The messages (and gap signals) after the opening, once `count` of them have arrived.
async function readMessages(format, reader, count, timeoutMs = 3000) {
  await reader.waitFor(() => streamMessages(format, reader.text).length >= count, timeoutMs, `${count} messages`);
  return streamMessages(format, reader.text);
}

function open(t, port, path, options) {
  return openStream(port, path, options).then((reader) => {
    t.after(() => reader.destroy());
    return reader;
  });
}

describe('streaming bytes', () => {
  let server;
  // A short history so that a resume can fall out of it.
  before(async () => { server = await startServer(null, ['--history', '3']); });
  after(() => server.stop());

  for (const format of FORMATS) {
    test(`${format.name}: headers (and the opening) arrive at once, before any message`, async (t) => {
      const channel = channelName(format.name);
      const started = performance.now();
      const reader = await open(t, server.port, format.path(channel), { timeoutMs: 1000 });
      assertContentType(reader.response, format.name);
      assert.ok(performance.now() - started < 1000, 'the head should arrive at once');
      const { headers } = reader.response;
      assert.equal(headers['content-length'], undefined, 'a stream has no Content-Length');
      if (format.name === 'iframe') {
        assert.doesNotMatch(headers['transfer-encoding'] ?? '', /chunked/i,
          'the iframe body is delimited by the connection close, not chunked');
        await reader.waitFor(() => reader.bodyLength >= 1024, 1000, 'at least 1 KiB of padding');
        assert.ok(!reader.text.includes('<script'), `no script before any message: ${reader.describe()}`);
        assert.match(reader.text, /<html/i, 'the padding is an HTML page');
      } else {
        assert.match(headers['transfer-encoding'] ?? '', /^chunked$/i, 'HTTP/1.1 streams are chunked');
      }
      if (format.name === 'sse') {
        assert.equal(headers['cache-control'], 'no-cache');
        assert.equal(headers['x-accel-buffering'], 'no');
        await reader.waitFor(() => reader.text === SSE_RETRY, 1000, 'the retry field');
      }
      await sleep(100);
      assert.equal(reader.framingError, null, reader.framingError);
      assert.ok(!reader.ended, 'the stream stays open');
    });
  }

  test('sse: exact bytes of messages with id, event and data fields, one chunk each', async (t) => {
    const channel = channelName('sse');
    const reader = await open(t, server.port, `/sse/${channel}`);
    await reader.waitFor(() => reader.text === SSE_RETRY, 1000, 'the retry field');

    const expected = [SSE_RETRY];
    const cases = [
      [{ event: 'update' }, 'two\nlines', (id) => `id: ${id}\nevent: update\ndata: two\ndata: lines\n\n`],
      [{}, 'plain é€😀', (id) => `id: ${id}\ndata: plain é€😀\n\n`],
      [{ event: 'message' }, 'explicit', (id) => `id: ${id}\ndata: explicit\n\n`],
      [{}, 'a\r\nb\rc\n\nd', (id) => `id: ${id}\ndata: a\ndata: b\ndata: c\ndata: \ndata: d\n\n`],
      [{}, '', (id) => `id: ${id}\ndata: \n\n`],
      [{}, 'end\n', (id) => `id: ${id}\ndata: end\ndata: \n\n`],
    ];
    for (const [options, data, bytes] of cases) {
      const { id } = await publish(server.base, channel, data, options);
      expected.push(bytes(id));
      const want = expected.join('');
      await reader.waitFor(() => reader.bodyLength >= Buffer.byteLength(want), 2000, JSON.stringify(data));
      assert.equal(reader.text, want);
      assert.equal(reader.framingError, null, reader.framingError);
      assert.ok(reader.atChunkBoundary, `a message should never be left half-sent in a chunk: ${reader.describe()}`);
    }
    // Every chunk holds whole events: the last chunk of each message ends with the blank line.
    for (const chunk of reader.chunks) {
      assert.ok(chunk.length > 0, 'no empty chunk before the end');
      assert.ok(chunk.toString('utf8').endsWith('\n\n'), `chunk should end an event: ${JSON.stringify(chunk.toString())}`);
    }
  });

  test('stream: one envelope a line, chunk framed', async (t) => {
    const channel = channelName('nd');
    const reader = await open(t, server.port, `/stream/${channel}`);
    const data = ['hello', 'two\nlines "quoted" \\ back\tslash', 'é€😀 \u2028\u2029', '</script>&<b>'];
    const published = [];
    published.push(await publish(server.base, channel, data[0]));
    published.push(await publish(server.base, channel, data[1], { event: 'upd' }));
    published.push(await publish(server.base, channel, data[2]));
    published.push(await publish(server.base, channel, data[3]));
    await reader.waitFor(() => reader.text.split('\n').length > data.length, 2000, `${data.length} lines`);
    await sleep(50);
    assert.equal(reader.framingError, null, reader.framingError);
    assert.ok(reader.atChunkBoundary, reader.describe());
    assert.ok(reader.text.endsWith('\n'));
    const lines = reader.text.split('\n').slice(0, -1);
    assert.equal(lines.length, data.length, `one line a message: ${JSON.stringify(reader.text)}`);
    lines.forEach((line, i) => {
      const envelope = JSON.parse(line);
      assert.deepEqual(Object.keys(envelope).sort(), ['channel', 'data', 'event', 'id', 'time']);
      assertEnvelope(envelope, { channel, data: data[i], event: i === 1 ? 'upd' : 'message' });
      assert.equal(envelope.id, published[i].id);
      assert.equal(envelope.time, published[i].time);
    });
    for (const chunk of reader.chunks) assert.ok(chunk.toString().endsWith('\n'), 'every chunk ends a line');
  });

  test('iframe: at least 1 KiB of padding, then one <script>parent.FN(ENVELOPE);</script> a message', async (t) => {
    const channel = channelName('if');
    const reader = await open(t, server.port, `/iframe/${channel}?callback=onPush`);
    await reader.waitFor(() => reader.bodyLength >= 1024, 1000, 'the padding');
    const first = await publish(server.base, channel, 'hello', { event: 'greeting' });
    await reader.waitForText(');</script>\n');
    const opening = reader.text.slice(0, reader.text.indexOf('<script>'));
    assert.ok(Buffer.byteLength(opening) >= 1024, `padding is ${Buffer.byteLength(opening)} bytes`);
    const call = reader.text.slice(opening.length);
    const match = /^<script>parent\.onPush\((.*)\);<\/script>\n$/s.exec(call);
    assert.ok(match, `the message call: ${JSON.stringify(call)}`);
    const envelope = JSON.parse(match[1]);
    assertEnvelope(envelope, { channel, data: 'hello', event: 'greeting' });
    assert.equal(envelope.id, first.id);
  });

  test('iframe: each subscriber gets its own callback, without chunk framing', async (t) => {
    const channel = channelName('if');
    const a = await open(t, server.port, `/iframe/${channel}?callback=first`);
    const b = await open(t, server.port, `/iframe/${channel}?callback=app.second_$`);
    await Promise.all([a, b].map((r) => r.waitFor(() => r.bodyLength >= 1024, 1000, 'the padding')));
    const ids = await publishMany(server.base, channel, ['one', 'two']);
    for (const [reader, fn] of [[a, 'first'], [b, 'app.second_$']]) {
      await reader.waitFor(() => parseIframe(reader.text, fn).records.length >= 2, 2000, 'two calls');
      assert.doesNotMatch(reader.response.headers['transfer-encoding'] ?? '', /chunked/i);
      const { opening, records } = parseIframe(reader.text, fn);
      assert.ok(Buffer.byteLength(opening) >= 1024);
      assert.ok(reader.raw.includes(`<script>parent.${fn}(`), 'raw bytes hold the call itself, unframed');
      assert.deepEqual(records.map((r) => [r.value.id, r.value.data]), [[ids[0], 'one'], [ids[1], 'two']]);
    }
  });

  test('iframe: message text cannot break out of the script', async (t) => {
    const channel = channelName('if');
    const reader = await open(t, server.port, `/iframe/${channel}?callback=cb`);
    const evil = [
      '</script><script>alert(1)</script>',
      '</SCRIPT><img src=x onerror=alert(1)>',
      '<!-- <script> -->',
      'a & b &amp; c',
      'line\u2028separator\u2029paragraph',
      '"); alert(1); ("',
      ']]><![CDATA[',
    ];
    await publishMany(server.base, channel, evil);
    await reader.waitFor(() => parseIframe(reader.text, 'cb').records.length >= evil.length, 2000, 'all calls');
    await sleep(50);
    const { opening, records } = parseIframe(reader.text, 'cb');
    assert.deepEqual(records.map((r) => r.value.data), evil, 'the text comes back exactly');
    for (const { json } of records) {
      assert.doesNotMatch(json, /[<>&\u2028\u2029]/, `the call argument must not hold < > & U+2028 U+2029: ${json}`);
    }
    const body = reader.text.slice(opening.length);
    assert.equal(body.split('</script>').length - 1, evil.length, 'exactly one </script> a message');
    assert.equal(body.toLowerCase().split('<script').length - 1, evil.length, 'exactly one <script a message');
  });

  for (const format of FORMATS) {
    test(`${format.name}: resuming from an unknown id signals a gap first, then replays what is kept`, async (t) => {
      const channel = channelName(format.name);
      const ids = await publishMany(server.base, channel, ['k1', 'k2']);
      const reader = await open(t, server.port, format.path(channel, 'since=no-such-id'));
      const messages = await readMessages(format.name, reader, 3);
      await sleep(100);
      assert.deepEqual(streamMessages(format.name, reader.text),
        [{ gap: channel }, { id: ids[0], event: 'message', data: 'k1' }, { id: ids[1], event: 'message', data: 'k2' }]);
      assert.deepEqual(messages[0], { gap: channel });
      const body = reader.text.slice(openingLength(format.name, reader));
      if (format.name === 'sse') {
        assert.ok(body.startsWith(`event: _gap\ndata: {"channel":"${channel}"}\n\n`), JSON.stringify(body));
      } else if (format.name === 'stream') {
        assert.deepEqual(parseStream(body)[0], { channel, event: '_gap' });
      } else {
        assert.deepEqual(parseIframe(reader.text, 'cb').records[0].value, { channel, event: '_gap' });
      }
    });

    test(`${format.name}: resuming from an id that fell out of the history signals a gap`, async (t) => {
      const channel = channelName(format.name);
      const ids = await publishMany(server.base, channel, ['m1', 'm2', 'm3', 'm4', 'm5']);  // keeps m3..m5
      const gapped = await open(t, server.port, format.path(channel, `since=${ids[0]}`));
      await readMessages(format.name, gapped, 4);
      const complete = await open(t, server.port, format.path(channel, `since=${ids[1]}`));
      await readMessages(format.name, complete, 3);
      await sleep(100);
      const kept = [2, 3, 4].map((i) => ({ id: ids[i], event: 'message', data: `m${i + 1}` }));
      assert.deepEqual(streamMessages(format.name, gapped.text), [{ gap: channel }, ...kept],
        'm2 is gone, so resuming after m1 is a gap');
      assert.deepEqual(streamMessages(format.name, complete.text), kept, 'resuming after m2 misses nothing: no gap');
    });

    test(`${format.name}: since=0 replays everything kept without a gap, no since gets new messages only`, async (t) => {
      const channel = channelName(format.name);
      const old = await publishMany(server.base, channel, ['o1', 'o2']);
      const replay = await open(t, server.port, format.path(channel, 'since=0'));
      const fresh = await open(t, server.port, format.path(channel));
      await readMessages(format.name, replay, 2);
      await sleep(100);
      assert.deepEqual(streamMessages(format.name, fresh.text), [], `nothing old without since: ${fresh.describe()}`);
      const live = await publishMany(server.base, channel, ['n1']);
      await readMessages(format.name, fresh, 1);
      await readMessages(format.name, replay, 3);
      await sleep(100);
      assert.deepEqual(streamMessages(format.name, replay.text), [
        { id: old[0], event: 'message', data: 'o1' }, { id: old[1], event: 'message', data: 'o2' },
        { id: live[0], event: 'message', data: 'n1' }]);
      assert.deepEqual(streamMessages(format.name, fresh.text), [{ id: live[0], event: 'message', data: 'n1' }]);
    });

    test(`${format.name}: an HTTP/1.0 request gets an unchunked body`, async (t) => {
      const channel = channelName(format.name);
      const reader = await open(t, server.port, format.path(channel), { version: '1.0' });
      assertContentType(reader.response, format.name);
      assert.doesNotMatch(reader.response.headers['transfer-encoding'] ?? '', /chunked/i, 'HTTP/1.0 has no chunked coding');
      assert.equal(reader.response.headers['content-length'], undefined);
      const { id, time } = await publish(server.base, channel, 'one\ntwo', { event: 'ev' });
      await reader.waitFor(() => streamMessages(format.name, reader.text).length >= 1, 2000, 'the message');
      await sleep(50);
      const body = reader.raw.toString('utf8');
      if (format.name === 'sse') {
        assert.equal(body, `${SSE_RETRY}id: ${id}\nevent: ev\ndata: one\ndata: two\n\n`);
      } else if (format.name === 'stream') {
        assert.ok(body.endsWith('\n') && body.split('\n').length === 2, JSON.stringify(body));
        assert.deepEqual(JSON.parse(body), { channel, id, event: 'ev', data: 'one\ntwo', time });
      } else {
        const { records } = parseIframe(body, 'cb');
        assert.deepEqual(records.map((r) => r.value), [{ channel, id, event: 'ev', data: 'one\ntwo', time }]);
        assert.ok(body.endsWith(');</script>\n'));
      }
    });
  }

  test('sse: Last-Event-ID wins over since=, and an unknown one is a gap', async (t) => {
    const channel = channelName('sse');
    const ids = await publishMany(server.base, channel, ['l1', 'l2', 'l3']);
    const known = await open(t, server.port, `/sse/${channel}?since=0`, { headers: { 'Last-Event-ID': ids[1] } });
    const unknown = await open(t, server.port, `/sse/${channel}?since=${ids[0]}`, { headers: { 'Last-Event-ID': 'not-an-id-here' } });
    await readMessages('sse', known, 1);
    await readMessages('sse', unknown, 4);
    await sleep(100);
    const l3 = { id: ids[2], event: 'message', data: 'l3' };
    assert.deepEqual(streamMessages('sse', known.text), [l3]);
    assert.deepEqual(streamMessages('sse', unknown.text), [{ gap: channel },
      { id: ids[0], event: 'message', data: 'l1' }, { id: ids[1], event: 'message', data: 'l2' }, l3]);
  });

  test('the largest message (--max-message-bytes) arrives whole on every format', async (t) => {
    const channel = channelName('big');
    const readers = await Promise.all(FORMATS.map((f) => open(t, server.port, f.path(channel))));
    // 65536 bytes of UTF-8: lines of 2-, 3- and 4-byte characters and quotes.
    const line = 'é€😀"<\\>&'.repeat(50);
    let text = '';
    while (Buffer.byteLength(text + line + '\n') <= 65536) text += `${line}\n`;
    text += 'x'.repeat(65536 - Buffer.byteLength(text));
    assert.equal(Buffer.byteLength(text), 65536);
    const { id } = await publish(server.base, channel, text);
    for (const [i, reader] of readers.entries()) {
      const format = FORMATS[i].name;
      const [message] = await readMessages(format, reader, 1, 5000);
      assert.equal(reader.framingError, null, reader.framingError);
      assert.equal(message.id, id, format);
      assert.ok(message.data === text, `${format}: the text should arrive unchanged (${message.data.length} vs ${text.length} characters)`);
    }
  });

  test('a bad channel or callback is 400, not a stream', async () => {
    const channel = channelName('bad');
    for (const path of ['/sse/bad%20name', '/stream/bad%2Fname', `/sse/${'x'.repeat(129)}`,
      `/iframe/${channel}`, `/iframe/${channel}?callback=alert(1)`, `/iframe/${channel}?callback=1abc`]) {
      const res = await request(server.base, path, { timeoutMs: 2000 });
      assert.equal(res.status, 400, `${path}: ${res.status} ${res.body.slice(0, 200)}`);
    }
  });
});

describe('stream heartbeats with --heartbeat 1', () => {
  let server;
  before(async () => { server = await startServer(null, ['--heartbeat', '1']); });
  after(() => server.stop());

  test('every format sends its heartbeat after a second of silence, and none while messages flow', async (t) => {
    const channel = channelName('hb');
    const busyChannel = channelName('busy');
    const readers = await Promise.all(FORMATS.map((f) => open(t, server.port, f.path(channel))));
    const busy = await open(t, server.port, `/sse/${busyChannel}`);
    // The busy stream gets a message every 300 ms, so it is never silent for a second.
    const busyIds = [];
    const started = Date.now();
    while (Date.now() - started < 2700) {
      busyIds.push((await publish(server.base, busyChannel, 'tick')).id);
      await sleep(300);
    }

    const [sse, ndjson, iframe] = readers;
    for (const reader of readers) assert.equal(reader.framingError, null, reader.framingError);
    const sseBody = sse.text.slice(SSE_RETRY.length);
    assert.ok(sse.text.startsWith(SSE_RETRY));
    assert.match(sseBody, /^(: heartbeat\n\n){1,3}$/, `SSE heartbeats: ${JSON.stringify(sse.text)}`);
    assert.match(ndjson.text, /^\n{1,3}$/, `NDJSON heartbeats are empty lines: ${JSON.stringify(ndjson.text)}`);
    const iframeBody = iframe.text.slice(iframe.text.indexOf(' -->\n') + 5);
    assert.ok(Buffer.byteLength(iframe.text) - Buffer.byteLength(iframeBody) >= 1024);
    assert.match(iframeBody, /^(<!-- heartbeat -->\n){1,3}$/, `iframe heartbeats: ${JSON.stringify(iframeBody)}`);
    // Heartbeats are chunk framed like everything else.
    assert.ok(sse.chunks.some((c) => c.toString() === ': heartbeat\n\n'), 'an SSE heartbeat chunk');
    assert.ok(ndjson.chunks.some((c) => c.toString() === '\n'), 'an NDJSON heartbeat chunk');

    assert.ok(!busy.text.includes(': heartbeat'), `no heartbeat on a stream that is never silent: ${busy.describe()}`);
    assert.deepEqual(streamMessages('sse', busy.text).map((m) => m.id), busyIds);
  });
});

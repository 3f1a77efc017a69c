// What the fault tests share: a TCP proxy that cuts its connections at random
// points, and raw clients of every v1 transport that resume from their cursor
// whenever their connection breaks, counting what they receive (the session
// clients, several channels on one connection, are in fault_sessions.mjs).
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';
import { sleep } from './http.mjs';

// Forwards 127.0.0.1:port to `target`, and while `cutting` cuts connections
// at random points: a share `victims` of them, each after a random number of
// the server's bytes (up to maxBytes: a cut inside a response or a message)
// or a random time (minMs to maxMs), whichever comes first.
export class CuttingProxy {
  cutting = true;
  cuts = 0;
  #server;
  #sockets = new Set();
  #cutters = new Set();

  constructor(targetPort, { victims = 1, maxBytes = Infinity, minMs = 20, maxMs = 200 } = {}) {
    this.targetPort = targetPort;
    Object.assign(this, { victims, maxBytes, minMs, maxMs });
  }

  async start() {
    this.#server = net.createServer((client) => this.#forward(client));
    await new Promise((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = this.#server.address().port;
    this.base = `http://127.0.0.1:${this.port}`;
    return this;
  }

  // Cuts every open connection now (those opened while `cutting` was off, say).
  cutAll() {
    for (const cutNow of [...this.#cutters]) cutNow();
  }

  async stop() {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #forward(client) {
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    this.#sockets.add(client).add(upstream);
    const victim = Math.random() < this.victims;
    let budget = victim ? Math.floor(Math.random() * this.maxBytes) : Infinity;
    let cut = false;
    const cutNow = () => {
      if (cut || client.destroyed || upstream.destroyed) return;
      cut = true;
      this.cuts++;
      client.resetAndDestroy();
      upstream.destroy();
    };
    this.#cutters.add(cutNow);
    const timer = victim ? setTimeout(() => { if (this.cutting) cutNow(); },
      this.minMs + Math.random() * (this.maxMs - this.minMs)) : null;
    upstream.on('data', (piece) => {
      if (this.cutting && piece.length > budget) {
        upstream.pause();
        client.write(piece.subarray(0, budget), cutNow);
        return;
      }
      budget -= piece.length;
      client.write(piece);
    });
    client.on('data', (piece) => upstream.write(piece));
    const end = () => {
      clearTimeout(timer);
      this.#cutters.delete(cutNow);
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  }
}

// One subscriber that keeps resuming from the last id it received. `data`
// holds every message's text in the order received; `gaps` counts gap signals.
export class Resumer {
  data = [];
  gaps = 0;
  cursor = '0';
  running = true;

  constructor(base, channel) {
    this.base = base;
    this.channel = channel;
  }

  take(envelope) {
    if (envelope.event === '_gap') {
      this.gaps++;
      return;
    }
    this.data.push(envelope.data);
    this.cursor = envelope.id;
  }

  async run() {
    while (this.running) {
      try {
        await this.once();
      } catch {
        // cut: resume from the cursor
      }
      if (this.running) await sleep(5);
    }
  }

  stop() {
    this.running = false;
    this.abort?.();
  }
}

// GET url: { status, text }; onData(text so far) returns what to keep; abortable through `owner.abort`.
export function get(owner, url, onData) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (piece) => {
        text += piece;
        try {
          if (onData) text = onData(text);
        } catch (error) {
          req.destroy(error);
        }
      });
      res.on('end', () => (res.complete ? resolve({ status: res.statusCode, text }) : reject(new Error('cut'))));
      res.on('aborted', () => reject(new Error('cut')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
    owner.abort = () => req.destroy();
  });
}

// Poll-shaped: one request after another, each resuming from last_id.
class PollResumer extends Resumer {
  constructor(base, channel, path, unwrap = (text) => JSON.parse(text)) {
    super(base, channel);
    this.path = path;
    this.unwrap = unwrap;
  }

  async once() {
    const body = this.unwrap((await get(this, `${this.base}${this.path(this.channel, this.cursor)}`)).text);
    if (body.gap) this.gaps++;
    for (const m of body.messages) this.take(m);
    this.cursor = body.last_id;
  }
}

// Streams: complete records are taken as they arrive; a cut loses only the
// record it split, which the resume delivers again.
class StreamResumer extends Resumer {
  constructor(base, channel, path, split) {
    super(base, channel);
    this.path = path;
    this.split = split;  // text -> [envelopes, rest]
  }

  async once() {
    await get(this, `${this.base}${this.path(this.channel, this.cursor)}`, (text) => {
      const [envelopes, rest] = this.split(text);
      for (const e of envelopes) this.take(e);
      return rest;
    });
  }
}

// SSE text -> [complete blocks as { event, id, data }, the rest].
export function sseBlocks(text) {
  const blocks = [];
  let end;
  while ((end = text.indexOf('\n\n')) >= 0) {
    const block = text.slice(0, end);
    text = text.slice(end + 2);
    const fields = { data: [] };
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).replace(/^ /, '');
      if (name === 'data') fields.data.push(value);
      else fields[name] = value;
    }
    blocks.push({ ...fields, data: fields.data.join('\n') });
  }
  return [blocks, text];
}

function splitSse(text) {
  const [blocks, rest] = sseBlocks(text);
  const envelopes = [];
  for (const b of blocks) {
    if (b.event === '_gap') envelopes.push({ event: '_gap' });
    else if (b.id !== undefined) envelopes.push({ id: b.id, data: b.data });
  }
  return [envelopes, rest];
}

export function splitStream(text) {
  const lines = text.split('\n');
  const rest = lines.pop();
  return [lines.filter((l) => l.trim()).map((l) => JSON.parse(l)), rest];
}

export function splitIframe(text) {
  const envelopes = [];
  const pattern = /<script>parent\.cb\((.*?)\);<\/script>\n/gs;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    envelopes.push(JSON.parse(m[1]));
    last = m.index + m[0].length;
  }
  // Keep only what may still become a script: from the last complete one on.
  return [envelopes, text.slice(last)];
}

class WsResumer extends Resumer {
  once() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.base.replace(/^http/, 'ws')}/ws/${this.channel}?since=${this.cursor}`,
        { perMessageDeflate: false });
      this.abort = () => ws.terminate();
      ws.on('message', (text) => {
        const op = JSON.parse(text);
        if (op.op === 'message') this.take(op);
        else if (op.op === 'gap') this.gaps++;
      });
      ws.on('error', reject);
      ws.on('close', resolve);
    });
  }
}

export const since = (cursor) => `since=${encodeURIComponent(cursor)}`;

export const TRANSPORTS = {
  poll: (base, ch) => new PollResumer(base, ch, (c, s) => `/poll/${c}?${since(s)}`),
  lp: (base, ch) => new PollResumer(base, ch, (c, s) => `/lp/${c}?${since(s)}&timeout=1`),
  jsonp: (base, ch) => new PollResumer(base, ch, (c, s) => `/jsonp/${c}?callback=cb&${since(s)}&timeout=1`,
    (text) => JSON.parse(text.slice('cb('.length, -');'.length))),
  sse: (base, ch) => new StreamResumer(base, ch, (c, s) => `/sse/${c}?${since(s)}`, splitSse),
  stream: (base, ch) => new StreamResumer(base, ch, (c, s) => `/stream/${c}?${since(s)}`, splitStream),
  iframe: (base, ch) => new StreamResumer(base, ch, (c, s) => `/iframe/${c}?callback=cb&${since(s)}`, splitIframe),
  ws: (base, ch) => new WsResumer(base, ch),
};

// What a subscriber got against what was published: every message kept must
// arrive once, in order. With `channelOf` (data -> channel), order is checked
// within each channel only.
export function tally(published, received, channelOf) {
  if (channelOf) {
    const sum = { checked: 0, lost: 0, repeated: 0, reordered: 0 };
    for (const channel of new Set(published.map(channelOf))) {
      const mine = (d) => channelOf(d) === channel;
      const counts = tally(published.filter(mine), received.filter(mine));
      for (const key of Object.keys(sum)) sum[key] += counts[key];
    }
    return sum;
  }
  const seen = new Set();
  let repeated = 0;
  for (const d of received) {
    if (seen.has(d)) repeated++;
    seen.add(d);
  }
  const lost = published.filter((d) => !seen.has(d)).length;
  let reordered = 0;
  const order = new Map(published.map((d, i) => [d, i]));
  for (let i = 1; i < received.length; ++i) if (order.get(received[i]) < order.get(received[i - 1])) reordered++;
  return { checked: received.length, lost, repeated, reordered };
}

// Raw session clients for the fault tests: each carries several channels on
// one connection (a poll session, a multi-channel stream, a WebSocket with a
// subscribe op a channel) and resumes as docs/protocol.md says whenever a cut
// breaks it, counting what it receives.
import WebSocket from 'ws';
import { Resumer, get, since, splitIframe, splitStream, sseBlocks } from './fault.mjs';

const channelParams = (channels) => channels.map((c) => `channel=${encodeURIComponent(c)}`).join('&');

// A poll session: opened with since= the stream cursor, then polled with
// ack= the last answer received. A cut answer is asked for again with the same
// ack; a session that ended (404 unknown_session) is opened anew from the cursor.
class PollSessionResumer extends Resumer {
  session = null;

  constructor(base, channels, path, extra = '', unwrap = (text) => JSON.parse(text)) {
    super(base, channels.join(','));
    Object.assign(this, { channels, path, extra, unwrap });
  }

  async once() {
    const query = this.session
      ? `session=${this.session}&ack=${encodeURIComponent(this.cursor)}`
      : `${channelParams(this.channels)}&${since(this.cursor)}`;
    const { text } = await get(this, `${this.base}/${this.path}?${query}${this.extra}`);
    const body = this.unwrap(text);
    if (body.error === 'unknown_session') {
      this.session = null;
      this.reopened = (this.reopened ?? 0) + 1;
      return;
    }
    if (!Array.isArray(body.messages)) {
      this.unexpected = text;
      throw new Error(`unexpected answer ${text}`);
    }
    this.session = body.session ?? this.session;
    if (body.gap) this.gaps++;
    for (const m of body.messages) this.take(m);
    this.cursor = body.last_id;
  }
}

// A multi-channel stream: every message names its channel, the id of each is
// the stream cursor, and a `_cursor` record moves the cursor with no message.
class StreamSessionResumer extends Resumer {
  constructor(base, channels, path, extra, split) {
    super(base, channels.join(','));
    Object.assign(this, { channels, path, extra, split });
  }

  takeRecord(record) {
    if (record.event === '_gap') this.gaps++;
    else if (record.event === '_cursor') this.cursor = record.id;
    else if (!record.event?.startsWith('_')) this.take(record);
  }

  async once() {
    const url = `${this.base}/${this.path}?${channelParams(this.channels)}&${since(this.cursor)}${this.extra}`;
    await get(this, url, (text) => {
      const [records, rest] = this.split(text);
      for (const r of records) this.takeRecord(r);
      return rest;
    });
  }
}

// SSE blocks -> records: a message's data is its envelope; the control events
// have their own; a block of neither (`retry:`) is no record.
function splitSessionSse(text) {
  const [blocks, rest] = sseBlocks(text);
  const records = [];
  for (const b of blocks) {
    if (b.event?.startsWith('_')) records.push(b);
    else if (b.data) records.push(JSON.parse(b.data));
  }
  return [records, rest];
}

// /ws with a subscribe op per channel, each resuming from that channel's own
// last id: replays come a channel after another, so order holds per channel.
class WsSessionResumer extends Resumer {
  perChannelOrder = true;

  constructor(base, channels) {
    super(base, channels.join(','));
    this.channels = channels;
    this.cursors = Object.fromEntries(channels.map((c) => [c, '0']));
  }

  once() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.base.replace(/^http/, 'ws')}/ws`, { perMessageDeflate: false });
      this.abort = () => ws.terminate();
      ws.on('open', () => {
        for (const channel of this.channels) {
          ws.send(JSON.stringify({ op: 'subscribe', channel, since: this.cursors[channel] }));
        }
      });
      ws.on('message', (text) => {
        const op = JSON.parse(text);
        if (op.op === 'message') {
          this.take(op);
          this.cursors[op.channel] = op.id;
        } else if (op.op === 'gap') this.gaps++;
        else if (op.op === 'error') reject(new Error(`error op ${text}`));
      });
      ws.on('error', reject);
      ws.on('close', resolve);
    });
  }
}

export const SESSION_TRANSPORTS = {
  'lp session': (base, chs) => new PollSessionResumer(base, chs, 'lp', '&timeout=1'),
  'poll session': (base, chs) => new PollSessionResumer(base, chs, 'poll'),
  'jsonp session': (base, chs) => new PollSessionResumer(base, chs, 'jsonp', '&callback=cb&timeout=1',
    (text) => JSON.parse(text.slice('cb('.length, -');'.length))),
  'sse session': (base, chs) => new StreamSessionResumer(base, chs, 'sse', '', splitSessionSse),
  'stream session': (base, chs) => new StreamSessionResumer(base, chs, 'stream', '', splitStream),
  'iframe session': (base, chs) => new StreamSessionResumer(base, chs, 'iframe', '&callback=cb', splitIframe),
  'ws session': (base, chs) => new WsSessionResumer(base, chs),
};

// A multi-channel stream cut on one server and resumed on another from the
// last id it gave: the two together must carry every message once, in
// order, with no gap.
import assert from 'node:assert/strict';
import { publish } from './http.mjs';
import { openStream, parseStream, until } from './streams.mjs';

const messages = (reader) => parseStream(reader.text).filter((l) => l && l.event === 'message');
const streamPath = (channels, since) =>
  `/stream?${channels.map((c) => `channel=${c}`).join('&')}${since ? `&since=${since}` : ''}`;

export async function assertStreamResumesOnAnother(t, a, b, channels) {
  const sent = [];
  const publishRound = async (server, tag) => {
    for (const [i, channel] of channels.entries()) {
      sent.push({ channel, data: `${tag} ${i}`, id: (await publish(server.base, channel, `${tag} ${i}`)).id });
    }
  };

  const first = await openStream(a.port, streamPath(channels));
  t.after(() => first.destroy());
  await until(() => parseStream(first.text).some((l) => l?.event === '_cursor'), 3000, 'the first cursor mark');
  await publishRound(a, 'on a');
  await publishRound(b, 'on b');
  await until(() => messages(first).length === 6, 3000, 'six messages on server a');
  first.destroy();
  const cursor = messages(first).at(-1).id;

  await publishRound(b, 'while away');
  const second = await openStream(b.port, streamPath(channels, cursor));
  t.after(() => second.destroy());
  await publishRound(a, 'live on b');
  await until(() => messages(second).length === 6, 3000, 'the other six messages on server b');

  const got = [...messages(first), ...messages(second)].map(({ channel, data, id }) => ({ channel, data, id }));
  assert.deepEqual(got, sent);
  assert.ok(!parseStream(second.text).some((l) => l?.event === '_gap'), 'nothing was missed, so no gap');
  second.destroy();
}

// A TCP proxy in front of a real redis-server that a test can cut off, and
// that can hold back the answers on command connections (not on those that
// SUBSCRIBE), so that announcements overtake them.
import net from 'node:net';

export async function redisProxy(redisPort) {
  const pairs = new Set();
  let refusing = false;
  let commandDelayMs = 0;
  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(redisPort, '127.0.0.1');
    const pair = { client, upstream, subscriber: false };
    pairs.add(pair);
    client.on('data', (data) => {
      if (data.includes('SUBSCRIBE')) pair.subscriber = true;
      upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (pair.subscriber || commandDelayMs === 0) client.write(data);
      else setTimeout(() => client.write(data), commandDelayMs);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    // Answers on command connections arrive this much later (in order).
    delayCommands(ms) { commandDelayMs = ms; },
    // Drops every connection and refuses new ones until restore().
    cut() {
      refusing = true;
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    restore() { refusing = false; },
    close() {
      this.cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

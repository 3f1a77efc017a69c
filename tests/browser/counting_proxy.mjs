// An HTTP proxy (node:http, between the browser and the server) that counts what a client
// holds: the connections it opened, and the requests that stay open longer than LONG_MS (a
// stream, a waiting long-poll, a WebSocket) at once. Short requests (ops) come and go.
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';

const LONG_MS = 1000;
const SAMPLE_MS = 50;

export async function startCountingProxy(targetUrl) {
  const target = new URL(targetUrl);
  const agent = new http.Agent({ keepAlive: true });
  const open = new Set(); // start times of requests not yet answered in full
  const sockets = new Set();
  const counts = { connections: 0, maxLongLived: 0 };

  const track = () => {
    const started = { at: Date.now() };
    open.add(started);
    return () => open.delete(started);
  };
  const sample = setInterval(() => {
    const now = Date.now();
    let long = 0;
    for (const { at } of open) if (now - at > LONG_MS) long++;
    counts.maxLongLived = Math.max(counts.maxLongLived, long);
  }, SAMPLE_MS);

  const server = http.createServer((req, res) => {
    const done = track();
    res.once('close', done);
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url,
      headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    counts.connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A WebSocket: the handshake goes through as it is, then the bytes both ways.
  server.on('upgrade', (req, socket, head) => {
    const done = track();
    const upstream = net.connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
    const close = () => { done(); socket.destroy(); upstream.destroy(); };
    socket.on('error', close).once('close', close);
    upstream.on('error', close).once('close', close);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    counts,
    close: () => new Promise((resolve) => {
      clearInterval(sample);
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      server.close(() => resolve());
    }),
  };
}

// A plain Node.js broadcast server, the baseline pushwire is compared with.
// One process, the npm `ws` package, no framework:
//   GET  /ws/{channel}    WebSocket subscriber (the path is free-form: /{anything}/{channel})
//   GET  /sse/{channel}   Server-Sent Events subscriber
//   POST /pub/{channel}   body = message, broadcast to the channel's sockets and streams
//   WebSocket text frame {"op":"publish","channel":C,"data":D,"ref":N} publishes too,
//   answered with {"op":"ok","ref":N}.
// Messages go out as received: the raw text in a WebSocket frame or an SSE
// `data:` line. Usage: node bench/ws-server.mjs [--listen 127.0.0.1:8090]
import http from 'node:http';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const listenArg = args[args.indexOf('--listen') + 1];
const [host, portText] = (args.includes('--listen') ? listenArg : '127.0.0.1:8090').split(':');
const port = Number(portText);

const channels = new Map(); // name -> { sockets: Set<WebSocket>, streams: Set<ServerResponse> }

function channel(name) {
  let ch = channels.get(name);
  if (!ch) {
    ch = { sockets: new Set(), streams: new Set() };
    channels.set(name, ch);
  }
  return ch;
}

function forget(name, ch) {
  if (ch.sockets.size === 0 && ch.streams.size === 0) channels.delete(name);
}

function channelOf(url) {
  const path = url.split('?')[0];
  const name = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  return /^[A-Za-z0-9_.:@-]{1,128}$/.test(name) ? name : null;
}

function broadcast(name, text) {
  const ch = channels.get(name);
  if (!ch) return 0;
  for (const ws of ch.sockets) ws.send(text);
  if (ch.streams.size) {
    const block = 'data: ' + text.split(/\r\n|\r|\n/).join('\ndata: ') + '\n\n';
    for (const res of ch.streams) res.write(block);
  }
  return ch.sockets.size + ch.streams.size;
}

function reply(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const name = channelOf(req.url);
  if (req.method === 'POST' && req.url.startsWith('/pub/')) {
    if (!name) return reply(res, 400, '{"error":"bad_channel"}');
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const subscribers = broadcast(name, Buffer.concat(chunks).toString('utf8'));
      reply(res, 200, JSON.stringify({ channel: name, subscribers }));
    });
    return;
  }
  if (req.method === 'GET' && req.url.startsWith('/sse/')) {
    if (!name) return reply(res, 400, '{"error":"bad_channel"}');
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.write(': ok\n\n');
    const ch = channel(name);
    ch.streams.add(res);
    req.on('close', () => {
      ch.streams.delete(res);
      forget(name, ch);
    });
    return;
  }
  if (req.method === 'GET' && req.url === '/healthz') return reply(res, 200, '"ok"');
  reply(res, 404, '{"error":"not_found"}');
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.requestTimeout = 0;

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    const name = channelOf(req.url);
    if (name) {
      const ch = channel(name);
      ch.sockets.add(ws);
      ws.on('close', () => {
        ch.sockets.delete(ws);
        forget(name, ch);
      });
    }
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let op;
      try {
        op = JSON.parse(data.toString('utf8'));
      } catch {
        return;
      }
      if (op && op.op === 'publish' && typeof op.channel === 'string' && typeof op.data === 'string') {
        broadcast(op.channel, op.data);
        ws.send(JSON.stringify({ op: 'ok', ref: op.ref }));
      }
    });
    ws.on('error', () => {});
  });
});

server.listen(port, host, () => {
  const addr = server.address();
  console.log(`listening on http://${addr.address}:${addr.port}`);
});

function stop() {
  for (const ws of wss.clients) ws.terminate();
  for (const ch of channels.values()) for (const res of ch.streams) res.destroy();
  server.closeAllConnections();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

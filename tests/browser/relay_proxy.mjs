// A TCP relay in front of the server for tests that meddle with what passes:
// `fromClient(piece, conn)` and `fromServer(piece, conn)` decide what each
// piece does (conn.toServer / conn.toClient forward it; conn.destroy() breaks
// the connection); by default everything is forwarded.
import net from 'node:net';

export async function startRelay(targetPort, { fromClient, fromServer } = {}) {
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const conn = {
      requests: 0,
      toServer: (piece) => upstream.write(piece),
      toClient: (piece) => client.write(piece),
      destroy: () => {
        client.destroy();
        upstream.destroy();
      },
    };
    client.on('data', (piece) => (fromClient ? fromClient(piece, conn) : conn.toServer(piece)));
    upstream.on('data', (piece) => (fromServer ? fromServer(piece, conn) : conn.toClient(piece)));
    for (const socket of [client, upstream]) {
      socket.on('error', () => {});
      socket.on('close', conn.destroy);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => {
      server.close(resolve);
      server.unref();
    }),
  };
}

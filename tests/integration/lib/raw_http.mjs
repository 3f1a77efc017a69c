// HTTP/1.1 over a plain TCP socket, for what an HTTP client library would
// hide or refuse: pipelining, hand-made chunked bodies, malformed requests,
// and watching when the server closes the connection. Its pieces for raw
// sockets (openSocket, parseResponseHead, Waiter, SocketInput) serve
// ws_raw.mjs and streams.mjs too.
import net from 'node:net';

// A TCP connection, once it is open.
export function openSocket(port, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export async function connect(port, host = '127.0.0.1') {
  return new RawConnection(await openSocket(port, host));
}

// The head of an HTTP/1.x response without its final empty line: {version, status, headers
// (lower-case names, repeated ones joined with ", "), raw}.
export function parseResponseHead(text) {
  const [statusLine, ...lines] = text.split('\r\n');
  const match = /^HTTP\/(1\.[01]) (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!match) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
  const headers = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`not a header line: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { version: match[1], status: Number(match[2]), headers, raw: text };
}

// Lets a reader wait for what arrives: until() looks again each time notify() is called.
export class Waiter {
  #wake = null;

  notify() {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  // Resolves with check()'s first answer that is not undefined. Before each wait, ended() gives
  // the message to reject with when there is nothing more to wait for (say, the connection
  // ended), or undefined; at the deadline it rejects with timedOut()'s message.
  async until(check, deadline, { ended, timedOut }) {
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      const reason = ended();
      if (reason !== undefined) throw new Error(reason);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(timedOut());
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

// What a socket has received and not yet taken (buffer), whether it has ended (FIN, reset or
// close) and the socket error, if any. Each arrival and the end wake until().
export class SocketInput extends Waiter {
  buffer = Buffer.alloc(0);
  ended = false;
  error = null;

  constructor(socket) {
    super();
    socket.on('data', (chunk) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.notify();
    });
    socket.on('end', () => this.#finish());
    socket.on('error', (error) => {
      this.error = error;
      this.#finish();
    });
    socket.on('close', () => this.#finish());
  }

  // Where `text` starts in the buffer, or undefined.
  indexOf(text) {
    const index = this.buffer.indexOf(text);
    return index >= 0 ? index : undefined;
  }

  // Removes the first `length` bytes from the buffer and returns them.
  take(length) {
    const taken = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return taken;
  }

  #finish() {
    this.ended = true;
    this.notify();
  }
}

export class RawConnection {
  #socket;
  #input;

  constructor(socket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', resolve));
    this.#input = new SocketInput(socket);
  }

  // Set if the connection failed, e.g. was reset.
  get error() {
    return this.#input.error;
  }

  write(data) {
    this.#socket.write(data);
  }

  // Stops taking bytes from the kernel, as a client that does not read; resume() takes them again.
  pause() {
    this.#socket.pause();
  }

  resume() {
    this.#socket.resume();
  }

  destroy() {
    this.#socket.destroy();
  }

  // Bytes received and not yet read as a response.
  pending() {
    return this.#input.buffer;
  }

  // Resolves true once the server has closed the connection, false if it is
  // still open after timeoutMs.
  async waitForClose(timeoutMs = 2000) {
    try {
      await this.#until(() => (this.#input.ended ? true : undefined), Date.now() + timeoutMs, 'close', true);
      return true;
    } catch {
      return false;
    }
  }

  // Reads one whole response: {status, headers (lower-case names), body (Buffer), text}.
  async readResponse({ timeoutMs = 5000 } = {}) {
    const input = this.#input;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const headEnd = await this.#until(() => input.indexOf('\r\n\r\n'), deadline, 'a response head');
      const { status, headers } = parseResponseHead(input.take(headEnd + 4).subarray(0, headEnd).toString('latin1'));
      if (status >= 100 && status < 200) continue;
      const body = await this.#readBody(status, headers, deadline);
      return { status, headers, body, text: body.toString('utf8') };
    }
  }

  async #readBody(status, headers, deadline) {
    const input = this.#input;
    if (status === 204 || status === 304) return Buffer.alloc(0);
    if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
      const chunks = [];
      for (;;) {
        const lineEnd = await this.#until(() => input.indexOf('\r\n'), deadline, 'a chunk size');
        const size = parseInt(input.take(lineEnd + 2).toString('latin1'), 16);
        if (Number.isNaN(size)) throw new Error('bad chunk size line');
        if (size === 0) {
          // Trailers, if any, end with an empty line.
          for (;;) {
            const end = await this.#until(() => input.indexOf('\r\n'), deadline, 'the end of the trailers');
            if (input.take(end + 2).length === 2) return Buffer.concat(chunks);
          }
        }
        await this.#until(() => (input.buffer.length >= size + 2 ? true : undefined), deadline, 'a chunk');
        chunks.push(input.take(size + 2).subarray(0, size));
      }
    }
    if ('content-length' in headers) {
      const length = Number(headers['content-length']);
      await this.#until(() => (input.buffer.length >= length ? true : undefined), deadline, 'the body');
      return input.take(length);
    }
    await this.#until(() => (input.ended ? true : undefined), deadline, 'the end of a body read to close', true);
    return input.take(input.buffer.length);
  }

  #until(find, deadline, what, endIsFine = false) {
    const input = this.#input;
    return input.until(find, deadline, {
      ended: () => (input.ended && !endIsFine ? `connection closed while waiting for ${what}` : undefined),
      timedOut: () => `timed out waiting for ${what}`,
    });
  }
}

// One request on a fresh connection; returns the response and the connection.
export async function exchange(port, request, options) {
  const connection = await connect(port);
  connection.write(request);
  try {
    return { response: await connection.readResponse(options), connection };
  } catch (error) {
    connection.destroy();
    throw error;
  }
}

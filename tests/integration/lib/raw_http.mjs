// HTTP/1.1 over a plain TCP socket, for what an HTTP client library would
// hide or refuse: pipelining, hand-made chunked bodies, malformed requests,
// and watching when the server closes the connection.
import net from 'node:net';

export function connect(port, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => {
      socket.off('error', reject);
      resolve(new RawConnection(socket));
    });
    socket.once('error', reject);
  });
}

export class RawConnection {
  #socket;
  #buffer = Buffer.alloc(0);
  #ended = false;
  #wake = null;

  constructor(socket) {
    this.#socket = socket;
    this.error = null;  // set if the connection failed, e.g. was reset
    socket.on('data', (chunk) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#notify();
    });
    socket.on('end', () => this.#finish());
    socket.on('error', (error) => {
      this.error = error;
      this.#finish();
    });
    this.closed = new Promise((resolve) => socket.once('close', resolve));
    socket.on('close', () => this.#finish());
  }

  write(data) {
    this.#socket.write(data);
  }

  destroy() {
    this.#socket.destroy();
  }

  // Bytes received and not yet read as a response.
  pending() {
    return this.#buffer;
  }

  // Resolves true once the server has closed the connection, false if it is
  // still open after timeoutMs.
  async waitForClose(timeoutMs = 2000) {
    try {
      await this.#until(() => (this.#ended ? true : undefined), Date.now() + timeoutMs, 'close', true);
      return true;
    } catch {
      return false;
    }
  }

  // Reads one whole response: {status, headers (lower-case names), body (Buffer), text}.
  async readResponse({ timeoutMs = 5000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const headEnd = await this.#until(() => this.#indexOf('\r\n\r\n'), deadline, 'a response head');
      const head = this.#take(headEnd + 4).toString('latin1');
      const [statusLine, ...lines] = head.slice(0, -4).split('\r\n');
      const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
      if (!match) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
      const status = Number(match[1]);
      const headers = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon <= 0) throw new Error(`not a header line: ${JSON.stringify(line)}`);
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
      }
      if (status >= 100 && status < 200) continue;
      const body = await this.#readBody(status, headers, deadline);
      return { status, headers, body, text: body.toString('utf8') };
    }
  }

  async #readBody(status, headers, deadline) {
    if (status === 204 || status === 304) return Buffer.alloc(0);
    if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
      const chunks = [];
      for (;;) {
        const lineEnd = await this.#until(() => this.#indexOf('\r\n'), deadline, 'a chunk size');
        const size = parseInt(this.#take(lineEnd + 2).toString('latin1'), 16);
        if (Number.isNaN(size)) throw new Error('bad chunk size line');
        if (size === 0) {
          // Trailers, if any, end with an empty line.
          for (;;) {
            const end = await this.#until(() => this.#indexOf('\r\n'), deadline, 'the end of the trailers');
            if (this.#take(end + 2).length === 2) return Buffer.concat(chunks);
          }
        }
        await this.#until(() => (this.#buffer.length >= size + 2 ? true : undefined), deadline, 'a chunk');
        chunks.push(this.#take(size + 2).subarray(0, size));
      }
    }
    if ('content-length' in headers) {
      const length = Number(headers['content-length']);
      await this.#until(() => (this.#buffer.length >= length ? true : undefined), deadline, 'the body');
      return this.#take(length);
    }
    await this.#until(() => (this.#ended ? true : undefined), deadline, 'the end of a body read to close', true);
    return this.#take(this.#buffer.length);
  }

  #indexOf(text) {
    const index = this.#buffer.indexOf(text);
    return index >= 0 ? index : undefined;
  }

  #take(length) {
    const taken = this.#buffer.subarray(0, length);
    this.#buffer = this.#buffer.subarray(length);
    return taken;
  }

  #notify() {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #finish() {
    this.#ended = true;
    this.#notify();
  }

  async #until(find, deadline, what, endIsFine = false) {
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (this.#ended && !endIsFine) throw new Error(`connection closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
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

// Requests over HTTP/2 through Node's http2 module.
import http2 from 'node:http2';

// A session to `base` (https with `ca`, or http for cleartext h2c); closed when the test ends.
export async function h2Session(t, base, { ca, settings } = {}) {
  const session = http2.connect(base, { ca, settings });
  t?.after(() => session.destroy());
  await new Promise((resolve, reject) => {
    session.once('connect', resolve);
    session.once('error', reject);
  });
  return session;
}

// One whole request on `session`: {status, headers, body}.
export function h2Request(session, path, { method = 'GET', headers = {}, body, timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': method, ':path': path, ...headers });
    const timer = setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), timeoutMs);
    let response;
    let text = '';
    stream.on('response', (h) => { response = h; });
    stream.setEncoding('utf8').on('data', (chunk) => { text += chunk; });
    stream.on('end', () => {
      clearTimeout(timer);
      resolve({ status: response?.[':status'], headers: response, body: text });
    });
    stream.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    stream.end(body);
  });
}

// A streamed response that records its text as it arrives.
export function h2Stream(session, path) {
  const stream = session.request({ ':path': path });
  const seen = { text: '', headers: null, closed: false, rstCode: null };
  stream.on('response', (h) => { seen.headers = h; });
  stream.setEncoding('utf8').on('data', (chunk) => { seen.text += chunk; });
  stream.on('error', () => {});
  stream.on('close', () => {
    seen.closed = true;
    seen.rstCode = stream.rstCode;
  });
  return { stream, seen };
}

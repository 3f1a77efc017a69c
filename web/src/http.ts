/**
 * HTTP plumbing shared by the transports: URLs, one-shot requests, streamed responses, and the
 * access token, which every request presents: as `Authorization: Bearer` where it can set
 * headers, else (WebSocket handshakes, scripts, frames) as `?token=` with withToken().
 */
import type { Envelope, Traffic } from './types';

/** Where a request reports its traffic, and finds the token to present. */
export interface Tap {
  traffic(t: Omit<Traffic, 'transport'>): void;
  exchange(): number;
  /** The access token, if any. */
  token(): string | undefined;
  /** The server refused a request: 401, the token; 403 with a channel, reading that channel. */
  refused(status: 401 | 403, channel: string | undefined): void;
}

/** `url` with the tap's token as `?token=`, for requests that cannot carry a header. */
export function withToken(tap: Tap, url: string): string {
  const token = tap.token();
  return token === undefined ? url : `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/** `headers` with the tap's token as the bearer, unless they name one (a publish key) already. */
function authorize(tap: Tap, headers: Record<string, string> = {}): Record<string, string> {
  const token = tap.token();
  return token === undefined || headers.Authorization !== undefined ? headers : { ...headers, Authorization: `Bearer ${token}` };
}

/** Tells the tap of a refusal; `channel` only for a read, since a refused publish says nothing of reading. */
function refusal(tap: Tap, status: number, channel: string | undefined): void {
  if (status === 401 || status === 403) tap.refused(status, channel);
}

/** Characters that need no escaping in channel names and ids, in a path or a query. */
const PLAIN = /^[A-Za-z0-9_.:@-]*$/;
const esc = (s: string): string => (PLAIN.test(s) ? s : encodeURIComponent(s));

/** `${base}/${kind}/${channel}?k=v...` (no `/${channel}` when it is empty), leaving out undefined values. */
export function endpoint(base: string, kind: string, channel: string, query: Record<string, string | number | undefined> = {}): string {
  const parts: string[] = [];
  for (const k of Object.keys(query)) {
    const v = query[k];
    if (v !== undefined) parts.push(`${k}=${esc(String(v))}`);
  }
  return `${base}/${kind}${channel ? '/' + esc(channel) : ''}${parts.length ? '?' + parts.join('&') : ''}`;
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

export class HttpError extends Error {
  constructor(readonly status: number, readonly body: string) {
    super(`HTTP ${status}${body ? ': ' + body.slice(0, 200) : ''}`);
    this.name = 'HttpError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  url: string;
  channel?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Abort and fail after this many ms. */
  timeout?: number;
}

export interface Pending<T> {
  promise: Promise<T>;
  abort(): void;
}

/** A one-shot request whose body is read as text; non-2xx statuses reject with HttpError. */
export function request(tap: Tap, o: RequestOptions): Pending<string> {
  const ctl = new AbortController();
  const conn = tap.exchange();
  const method = o.method ?? 'GET';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let aborted = false;
  tap.traffic({ type: 'request', conn, method, url: o.url, ...(o.channel !== undefined ? { channel: o.channel } : {}), bytes: o.body ? utf8Length(o.body) : 0 });
  const init: RequestInit = { method, signal: ctl.signal, cache: 'no-store', credentials: 'omit', headers: authorize(tap, o.headers) };
  if (o.body !== undefined) init.body = o.body;
  const promise = new Promise<string>((resolve, reject) => {
    if (o.timeout) timer = setTimeout(() => { ctl.abort(); reject(new Error('request timed out')); }, o.timeout);
    fetch(o.url, init)
      .then(async (resp) => {
        tap.traffic({ type: 'open', conn });
        const text = await resp.text();
        tap.traffic({ type: 'data', conn, dir: 'in', bytes: utf8Length(text) });
        if (!resp.ok) {
          // A refusal of a key the caller presented (a publish key) says nothing of the token.
          if (o.headers?.Authorization === undefined) refusal(tap, resp.status, method === 'GET' ? o.channel : undefined);
          throw new HttpError(resp.status, text);
        }
        return text;
      })
      .then((text) => { tap.traffic({ type: 'end', conn }); resolve(text); },
        (err: unknown) => {
          tap.traffic({ type: 'end', conn, error: aborted ? 'aborted' : String(err) });
          reject(err instanceof Error ? err : new Error(String(err)));
        })
      .finally(() => clearTimeout(timer));
  });
  promise.catch(() => {});
  return { promise, abort: () => { aborted = true; clearTimeout(timer); ctl.abort(); } };
}

/** The body of /poll, /lp and /jsonp. */
export interface PollBody {
  messages: Envelope[];
  last_id: string | null;
  gap: boolean;
}

export function parsePollBody(value: unknown): PollBody {
  const v = (typeof value === 'string' ? JSON.parse(value) : value) as Partial<PollBody> | null;
  if (!v || !Array.isArray(v.messages) || (v.last_id !== null && typeof v.last_id !== 'string')) {
    throw new Error('malformed poll response');
  }
  return { messages: v.messages, last_id: v.last_id, gap: v.gap === true };
}

export interface StreamHandlers {
  /** Response headers arrived with status 200. */
  open(): void;
  chunk(text: string): void;
  /** The response ended or failed; not called after abort(). */
  end(reason: string): void;
}

/** Reads a never-ending response as it arrives, with fetch streaming or, failing that, XHR progress. */
export function openStream(tap: Tap, url: string, channel: string, api: 'fetch' | 'xhr', h: StreamHandlers): () => void {
  const conn = tap.exchange();
  let finished = false;
  const finish = (reason: string, error: boolean): void => {
    if (finished) return;
    finished = true;
    tap.traffic(error ? { type: 'end', conn, error: reason } : { type: 'end', conn });
    h.end(reason);
  };
  const got = (text: string, bytes: number): void => {
    if (finished || !text) return;
    tap.traffic({ type: 'data', conn, dir: 'in', bytes });
    h.chunk(text);
  };
  let abort = (): void => {};
  tap.traffic({ type: 'request', conn, method: 'GET', url, channel, bytes: 0 });
  if (api === 'fetch') {
    const ctl = new AbortController();
    fetch(url, { signal: ctl.signal, cache: 'no-store', credentials: 'omit', headers: authorize(tap) })
      .then(async (resp) => {
        if (!resp.ok) refusal(tap, resp.status, channel);
        if (!resp.ok || !resp.body) throw new Error(`HTTP ${resp.status}`);
        if (finished) return;
        tap.traffic({ type: 'open', conn });
        h.open();
        const reader = resp.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (finished) return;
          if (done) break;
          got(decoder.decode(value, { stream: true }), value.byteLength);
        }
        finish('closed by the server', false);
      })
      .catch((err: unknown) => finish(err instanceof Error ? err.message : String(err), true));
    abort = () => ctl.abort();
    return () => { finished = true; abort(); };
  }
  const xhr = new XMLHttpRequest();
  let seen = 0;
  let opened = false;
  const open = (): void => {
    if (opened || finished) return;
    opened = true;
    tap.traffic({ type: 'open', conn });
    h.open();
  };
  xhr.open('GET', url);
  const headers = authorize(tap);
  for (const name of Object.keys(headers)) xhr.setRequestHeader(name, headers[name] as string);
  xhr.onreadystatechange = () => {
    if (finished || xhr.readyState < 2) return;
    if (xhr.status !== 200) {
      // An error answers at once, with its body; a status 0 is a network or CORS failure.
      if (xhr.readyState === 4 || xhr.status !== 0) {
        refusal(tap, xhr.status, channel);
        finish(`HTTP ${xhr.status}`, true);
      }
      return;
    }
    open();
    if (xhr.readyState >= 3) {
      const all = xhr.responseText;
      if (all.length > seen) {
        const text = all.slice(seen);
        seen = all.length;
        got(text, utf8Length(text));
        if (seen > XHR_RECYCLE_CHARS) {
          finish(RECYCLE, false);
          abort();
          return;
        }
      }
    }
    if (xhr.readyState === 4) finish('closed by the server', false);
  };
  xhr.onerror = () => finish('network error', true);
  xhr.send();
  // Some browsers (Chrome among them) report an XHR's response only with its first body bytes,
  // and a quiet stream may send none until its first heartbeat. A request still unanswered after
  // a second has not been refused: the server holds it open. Nothing published afterwards can be
  // missed, since the request carries the channel's cursor.
  const assume = setTimeout(() => {
    if (xhr.readyState === 1) open();
  }, XHR_ASSUME_OPEN_MS);
  abort = () => {
    clearTimeout(assume);
    xhr.abort();
  };
  return () => { finished = true; abort(); };
}

const XHR_ASSUME_OPEN_MS = 1000;

/** XHR keeps the whole response in memory: past this many characters a stream ends with RECYCLE, to be reopened from its cursor. */
const XHR_RECYCLE_CHARS = 4 << 20;
export const RECYCLE = 'recycle';

export function canStreamFetch(): boolean {
  return typeof fetch === 'function' && typeof ReadableStream === 'function' &&
    typeof TextDecoder === 'function' && typeof Response === 'function' && 'body' in Response.prototype;
}

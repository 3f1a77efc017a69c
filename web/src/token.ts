/**
 * The access token: a fixed one, or one fetched with getToken and fetched again before it
 * expires, when the server refuses it (401), and when a subscription reports `_expired`.
 * http.ts presents it with each request; this file only decides which token is current.
 */
import { PushwireError } from './errors';

export interface TokenSource {
  token?: string | undefined;
  getToken?: (() => Promise<string>) | undefined;
}

export interface TokenEvents {
  /** A new token is current. */
  renewed(): void;
  failed(err: PushwireError): void;
}

/** Renew when this share of the token's lifetime has passed. */
const RENEW_AT = 0.8;
/** Never sooner than this after a renewal: a token already short of time is not asked for in a loop. */
const MIN_RENEW_MS = 500;

/** The payload's `exp` and `iat` (seconds); nothing when the token is not a readable JWT. No signature check: the server does that. */
function claims(token: string): { exp?: number | undefined; iat?: number | undefined } {
  try {
    const part = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    const o = JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4))) as Record<string, unknown>;
    const num = (v: unknown): number | undefined => (typeof v === 'number' && isFinite(v) ? v : undefined);
    return { exp: num(o.exp), iat: num(o.iat) };
  } catch {
    return {};
  }
}

/**
 * Milliseconds the token has left. The browser's clock may be off from the server's: when the
 * token says when it was issued, its lifetime bounds the estimate, and a token that looks expired
 * by this clock yet has a lifetime is taken for fresh.
 */
function remainingMs(token: string): number | undefined {
  const { exp, iat } = claims(token);
  if (exp === undefined) return undefined;
  const byClock = exp * 1000 - Date.now();
  const byAge = iat !== undefined ? (exp - iat) * 1000 : byClock;
  return byClock > 0 ? Math.min(byClock, byAge) : byAge;
}

export class Credentials {
  private value: string | undefined;
  private fetching: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly source: TokenSource,
    private readonly events: TokenEvents,
    private readonly backoff: (failures: number) => number,
  ) {
    if (source.token !== undefined && typeof source.token !== 'string') throw new TypeError('pushwire: token must be a string');
    if (source.getToken !== undefined && typeof source.getToken !== 'function') throw new TypeError('pushwire: getToken must be a function');
    this.value = source.token;
    if (source.token !== undefined && source.getToken) this.schedule(source.token);
  }

  /** The token to present, if any. */
  get token(): string | undefined {
    return this.value;
  }

  /** What a new connection waits for: a token being fetched, or the first one; null when there is none to wait for. */
  pending(): Promise<void> | null {
    return this.fetching ?? (this.value === undefined && this.source.getToken ? this.refresh() : null);
  }

  /**
   * Asks getToken for a new token, unless it is being asked already; on failure, reports it and
   * asks again after a backoff, until it gets one. Without getToken, reports that the token
   * cannot be renewed.
   */
  refresh(): Promise<void> {
    const get = this.source.getToken;
    if (!get) {
      this.events.failed(new PushwireError('unauthorized', 'the server refused the token (or its absence), and there is no getToken to renew it'));
      return Promise.resolve();
    }
    return (this.fetching ??= this.obtain(get));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async obtain(get: () => Promise<string>): Promise<void> {
    clearTimeout(this.timer);
    for (let failures = 0; !this.stopped; failures++) {
      try {
        const token = await get();
        if (typeof token !== 'string' || !token) throw new TypeError('getToken did not give a token');
        if (this.stopped) break;
        this.value = token;
        this.fetching = null;
        this.schedule(token);
        this.events.renewed();
        return;
      } catch (err) {
        if (this.stopped) break;
        this.events.failed(new PushwireError('token_failed', `getToken failed: ${err instanceof Error ? err.message : String(err)}`));
        await new Promise((resolve) => setTimeout(resolve, this.backoff(failures)));
      }
    }
    this.fetching = null;
  }

  private schedule(token: string): void {
    const left = remainingMs(token);
    if (left === undefined) return;
    const delay = Math.min(2 ** 31 - 1, Math.max(MIN_RENEW_MS, left * RENEW_AT));
    this.timer = setTimeout(() => void this.refresh(), delay);
  }
}

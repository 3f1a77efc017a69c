/**
 * A live sequence diagram on its side: time runs left to right over the last WINDOW_MS, the
 * browser's lifeline on top, the server's below. Requests fall, responses and messages rise,
 * and an exchange the server keeps open is a band on the server's line.
 */
const WINDOW_MS = 20000;
const HEIGHT = 58;
const LEFT = 54;
const BROWSER_Y = 13;
const SERVER_Y = 45;
const SLANT = 6;
const NS = 'http://www.w3.org/2000/svg';

interface Exchange {
  start: number;
  end?: number;
  failed?: boolean;
  /** When each piece arrived (rising lines) or left (falling lines, after the request). */
  ins: number[];
  outs: number[];
}

export class Diagram {
  private readonly exchanges = new Map<number, Exchange>();
  private readonly body: SVGGElement;
  private dirty = true;

  constructor(private readonly svg: SVGSVGElement, private readonly id: string) {
    svg.setAttribute('height', String(HEIGHT));
    svg.setAttribute('aria-label', 'requests and responses of the last 20 seconds');
    svg.innerHTML =
      `<defs><marker id="down-${id}" class="m-down" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="5" markerHeight="5" orient="auto"><path d="M0 0L6 3L0 6z"/></marker>` +
      `<marker id="up-${id}" class="m-up" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="5" markerHeight="5" orient="auto"><path d="M0 0L6 3L0 6z"/></marker></defs>` +
      `<text x="0" y="${BROWSER_Y + 4}" class="lane">browser</text><text x="0" y="${SERVER_Y + 4}" class="lane">server</text>`;
    this.body = document.createElementNS(NS, 'g');
    svg.appendChild(this.body);
  }

  request(conn: number, at = Date.now()): void {
    this.exchanges.set(conn, { start: at, ins: [], outs: [] });
    this.dirty = true;
  }

  data(conn: number, dir: 'in' | 'out', at = Date.now()): void {
    const ex = this.exchanges.get(conn);
    if (!ex) return;
    (dir === 'in' ? ex.ins : ex.outs).push(at);
    this.dirty = true;
  }

  end(conn: number, failed: boolean, at = Date.now()): void {
    const ex = this.exchanges.get(conn);
    if (!ex || ex.end !== undefined) return;
    ex.end = at;
    ex.failed = failed;
    this.dirty = true;
  }

  clear(): void {
    this.exchanges.clear();
    this.dirty = true;
  }

  /** Redraws; cheap enough to call a few times a second. */
  draw(now = Date.now()): void {
    const width = this.svg.clientWidth || 360;
    this.svg.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
    const from = now - WINDOW_MS;
    const x = (t: number): number => LEFT + ((t - from) / WINDOW_MS) * (width - LEFT - SLANT);
    const parts: string[] = [
      `<line class="life" x1="${LEFT}" y1="${BROWSER_Y}" x2="${width}" y2="${BROWSER_Y}"/>`,
      `<line class="life" x1="${LEFT}" y1="${SERVER_Y}" x2="${width}" y2="${SERVER_Y}"/>`,
    ];
    const down = (t: number, cls: string): void => {
      if (t >= from) parts.push(`<line class="${cls}" x1="${x(t).toFixed(1)}" y1="${BROWSER_Y + 2}" x2="${(x(t) + SLANT).toFixed(1)}" y2="${SERVER_Y - 3}" marker-end="url(#down-${this.id})"/>`);
    };
    const up = (t: number): void => {
      if (t >= from) parts.push(`<line class="res" x1="${x(t).toFixed(1)}" y1="${SERVER_Y - 2}" x2="${(x(t) + SLANT).toFixed(1)}" y2="${BROWSER_Y + 3}" marker-end="url(#up-${this.id})"/>`);
    };
    for (const [conn, ex] of this.exchanges) {
      const end = ex.end ?? now;
      if (end < from) {
        this.exchanges.delete(conn);
        continue;
      }
      if (end - ex.start > 400) {
        const x1 = x(Math.max(ex.start, from));
        parts.push(`<rect class="held${ex.end === undefined ? ' open' : ''}" x="${x1.toFixed(1)}" y="${SERVER_Y - 4}" width="${Math.max(1, x(end) - x1).toFixed(1)}" height="8" rx="2"/>`);
      }
      down(ex.start, 'req');
      for (const t of ex.outs) down(t, 'req frame');
      for (const t of ex.ins) up(t);
      if (ex.failed && ex.end !== undefined && ex.end >= from) {
        const cx = x(ex.end);
        parts.push(`<path class="fail" d="M${cx - 3} ${SERVER_Y - 3}l6 6m0 -6l-6 6"/>`);
      }
    }
    this.body.innerHTML = parts.join('');
    this.dirty = false;
  }

  get changed(): boolean {
    return this.dirty || this.exchanges.size > 0;
  }
}

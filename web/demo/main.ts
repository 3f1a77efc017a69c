/**
 * The demo page: one panel per technique, all on one channel, with one publish box. Uses the
 * client from /pushwire.js (window.Pushwire) the way any page would.
 */
import type * as PushwireModule from '../src/index';
import type { Client, Envelope, Traffic } from '../src/index';
import { Diagram } from './diagram';
import { TECHNIQUES, type Mode, type Technique } from './techniques';

declare global {
  interface Window {
    Pushwire: typeof PushwireModule;
  }
}

const { Pushwire } = window;
const base = location.origin + location.pathname.replace(/\/[^/]*$/, '');
const requested = new URLSearchParams(location.search).get('channel') ?? '';
const channel = /^[A-Za-z0-9_.:@-]{1,128}$/.test(requested) ? requested : 'demo';
const MAX_SHOWN = 3;

// --- bytes on the wire ---------------------------------------------------------------------

/** Response header bytes of this server, measured once from /healthz; a fair guess until then. */
let responseHead = 170;
/** This browser's request headers are not visible to scripts: request line plus a typical set. */
const requestHead = (url: string | undefined): number => {
  const path = url ? url.replace(/^[a-z]+:\/\/[^/]+/, '') : '/';
  return `GET ${path} HTTP/1.1\r\n`.length + location.host.length + navigator.userAgent.length + 360;
};

function measureResponseHead(): void {
  fetch(`${base}/healthz`, { cache: 'no-store' })
    .then((r) => r.text())
    .then(() => {
      const entries = performance.getEntriesByName(`${base}/healthz`) as PerformanceResourceTiming[];
      const e = entries[entries.length - 1];
      if (e && e.transferSize > e.encodedBodySize) responseHead = e.transferSize - e.encodedBodySize;
    })
    .catch(() => {});
}

const formatBytes = (n: number): string =>
  n < 1000 ? `${n} B` : n < 1e6 ? `${(n / 1000).toFixed(n < 1e4 ? 1 : 0)} kB` : `${(n / 1e6).toFixed(1)} MB`;
const formatMs = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 1e4 ? 1 : 0)} s`);

// --- the HTTP version of a panel's connection ---------------------------------------------

const PROTOCOL_NAMES: Record<string, string> = { h2: 'HTTP/2', 'http/1.1': 'HTTP/1.1', h3: 'HTTP/3' };
let probes = 0;

/**
 * The HTTP version ('h2', 'http/1.1') of a small request to the server, from its resource
 * timing. A stream never finishes, so it leaves no timing entry of its own, and a WebSocket
 * none at all; but Chromium sends every request to an origin over its one HTTP/2 connection
 * when it has one (a WebSocket too, where the server offers RFC 8441, as pushwire does), so
 * this request travels as the panel's connection does.
 */
function httpVersion(): Promise<string> {
  const url = `${base}/healthz?probe=${++probes}`;
  return new Promise((resolve) => {
    const observer = new PerformanceObserver((list) => {
      const entry = list.getEntriesByName(url)[0] as PerformanceResourceTiming | undefined;
      if (!entry) return;
      observer.disconnect();
      resolve(entry.nextHopProtocol);
    });
    observer.observe({ type: 'resource' });
    fetch(url, { cache: 'no-store' })
      .then((r) => r.text())
      .catch(() => {
        observer.disconnect();
        resolve('');
      });
  });
}

// --- latency without a server stamp --------------------------------------------------------

/** When this page published each id: the SSE wire carries no publish time. */
const sentAt = new Map<string, number>();
const awaitingSend = new Map<string, Array<(t: number) => void>>();

function whenSent(id: string, fn: (t: number) => void): void {
  const t = sentAt.get(id);
  if (t !== undefined) return fn(t);
  const list = awaitingSend.get(id) ?? [];
  list.push(fn);
  awaitingSend.set(id, list);
}

function recordSent(id: string, t: number): void {
  sentAt.set(id, t);
  for (const fn of awaitingSend.get(id) ?? []) fn(t);
  awaitingSend.delete(id);
}

// --- a panel -------------------------------------------------------------------------------

function el<T extends Element>(root: ParentNode, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`demo: ${selector} missing`);
  return found;
}

class Panel {
  readonly root: HTMLElement;
  readonly diagram: Diagram;
  private client: Client | null = null;
  private requests = 0;
  private bytes = 0;
  private messages = 0;
  private readonly latencies: number[] = [];
  private manualConn = 0;

  constructor(readonly technique: Technique) {
    const template = el<HTMLTemplateElement>(document, '#panel-template');
    const fragment = template.content.cloneNode(true) as DocumentFragment;
    this.root = el<HTMLElement>(fragment, '.panel');
    this.root.id = `panel-${technique.id}`;
    this.root.dataset.technique = technique.id;
    el(this.root, '.title').textContent = technique.title;
    el(this.root, '.year').textContent = technique.year;
    el(this.root, '.about').textContent = technique.about;
    el(this.root, '.cost span').textContent = technique.cost;
    this.diagram = new Diagram(el<SVGSVGElement>(this.root, '.seq'), technique.id);
    this.buildControls();
  }

  private buildControls(): void {
    const controls = el<HTMLElement>(this.root, '.controls');
    const t = this.technique;
    if (t.modes.length === 0) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'reload';
      button.textContent = '⟳ Reload';
      button.addEventListener('click', () => this.reload());
      controls.appendChild(button);
      this.setHow(`GET /poll/${channel}?since=0`);
      return;
    }
    if (t.modes.length > 1) {
      controls.setAttribute('role', 'radiogroup');
      controls.setAttribute('aria-label', `${t.title} technique`);
      for (const mode of t.modes) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'mode';
        button.dataset.transport = mode.transport;
        button.setAttribute('role', 'radio');
        button.textContent = mode.label;
        button.addEventListener('click', () => this.start(mode));
        controls.appendChild(button);
      }
    } else {
      controls.remove();
    }
  }

  private setHow(text: string): void {
    el(this.root, '.how code').textContent = text.replace(/CH/g, channel);
  }

  private showProtocol(): void {
    void httpVersion().then((protocol) => {
      const badge = el<HTMLElement>(this.root, '.proto');
      badge.dataset.protocol = protocol;
      badge.textContent = PROTOCOL_NAMES[protocol] ?? protocol;
    });
  }

  private setState(state: 'idle' | 'connecting' | 'live' | 'reconnecting', text: string = state): void {
    const badge = el<HTMLElement>(this.root, '.state');
    badge.dataset.state = state;
    badge.textContent = text;
    this.root.dataset.state = state;
  }

  /** Starts receiving with one mode (a transport of the client). */
  start(mode: Mode | undefined = this.technique.modes[0]): void {
    if (!mode) return this.reload();
    this.client?.close();
    this.requests = this.bytes = this.messages = 0;
    this.latencies.length = 0;
    el(this.root, '.messages').replaceChildren();
    this.diagram.clear();
    this.setHow(mode.how);
    this.root.dataset.transport = mode.transport;
    for (const b of this.root.querySelectorAll<HTMLButtonElement>('.mode')) {
      b.setAttribute('aria-checked', String(b.dataset.transport === mode.transport));
    }
    const client = new Pushwire.Client(base, { transports: [mode.transport] });
    this.client = client;
    client.on('traffic', (t) => this.onTraffic(t));
    client.on('connected', () => {
      this.setState('live');
      this.showProtocol();
    });
    client.on('disconnected', (d) => this.setState('reconnecting', `retry in ${formatMs(d.retryIn)}`));
    this.setState('connecting');
    client.subscribe(channel, (env) => this.onMessage(env, Date.now()));
    this.render();
  }

  private onTraffic(t: Traffic): void {
    const ws = t.transport === 'websocket';
    switch (t.type) {
      case 'request':
        this.requests++;
        this.bytes += requestHead(t.url) + (t.bytes ?? 0) + (ws ? 150 : 0);
        this.diagram.request(t.conn);
        break;
      case 'open':
        this.bytes += ws ? 130 : responseHead;
        break;
      case 'data':
        this.bytes += (t.bytes ?? 0) + (ws ? (t.dir === 'out' ? 6 : 2) : 0);
        this.diagram.data(t.conn, t.dir ?? 'in');
        break;
      case 'end':
        this.diagram.end(t.conn, t.error !== undefined && t.error !== 'aborted');
        break;
    }
    this.render();
  }

  private onMessage(env: Envelope, at: number): void {
    this.messages++;
    const item = this.addItem(env);
    const lat = el<HTMLElement>(item, '.lat');
    const show = (ms: number): void => {
      const v = Math.max(0, ms);
      lat.textContent = formatMs(v);
      this.latencies.push(v);
      if (this.latencies.length > 50) this.latencies.shift();
      this.render();
    };
    if (env.time !== undefined) show(at - env.time);
    else whenSent(env.id, (sent) => show(at - sent));
    this.render();
  }

  private addItem(env: Envelope, note?: string): HTMLLIElement {
    const list = el<HTMLOListElement>(this.root, '.messages');
    const item = document.createElement('li');
    const data = document.createElement('span');
    data.className = 'data';
    data.textContent = env.event === 'message' ? env.data : `[${env.event}] ${env.data}`;
    const lat = document.createElement('span');
    lat.className = 'lat';
    lat.textContent = note ?? '…';
    item.append(data, lat);
    list.prepend(item);
    while (list.children.length > MAX_SHOWN) list.lastElementChild?.remove();
    return item;
  }

  /** Regular HTTP: one request, and the page shows what the server keeps, like a reloaded page. */
  reload(): void {
    const conn = --this.manualConn;
    const url = `${base}/poll/${channel}?since=0`;
    this.requests++;
    this.bytes += requestHead(url);
    this.diagram.request(conn);
    this.setState('connecting', 'loading');
    fetch(url, { cache: 'no-store' })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((text) => {
        const now = Date.now();
        this.bytes += responseHead + new Blob([text]).size;
        this.diagram.data(conn, 'in');
        this.diagram.end(conn, false);
        const body = JSON.parse(text) as { messages: Envelope[] };
        const list = el<HTMLOListElement>(this.root, '.messages');
        list.replaceChildren();
        const shown = body.messages.slice(-MAX_SHOWN);
        this.messages = body.messages.length;
        for (const env of shown) this.addItem(env, env.time !== undefined ? `${formatMs(Math.max(0, now - env.time))} old` : '');
        const newest = shown[shown.length - 1];
        if (newest?.time !== undefined) {
          this.latencies.push(Math.max(0, now - newest.time));
          if (this.latencies.length > 50) this.latencies.shift();
        }
        this.setState('idle', `loaded ${new Date(now).toLocaleTimeString()}`);
        this.showProtocol();
        this.render();
      })
      .catch((err: unknown) => {
        this.diagram.end(conn, true);
        this.setState('reconnecting', String(err instanceof Error ? err.message : err));
        this.render();
      });
  }

  render(): void {
    const last = this.latencies[this.latencies.length - 1];
    const avg = this.latencies.reduce((a, b) => a + b, 0) / (this.latencies.length || 1);
    el(this.root, '.stat-latency').textContent = last === undefined ? '–' : formatMs(last);
    el(this.root, '.stat-avg').textContent = this.latencies.length > 1 ? `avg ${formatMs(avg)}` : '';
    el(this.root, '.stat-requests').textContent = String(this.requests);
    el(this.root, '.stat-bytes').textContent = `≈ ${formatBytes(this.bytes)}`;
    el(this.root, '.stat-messages').textContent = String(this.messages);
    this.root.dataset.messages = String(this.messages);
  }
}

// --- the page --------------------------------------------------------------------------------

function setupPublishing(): void {
  const form = el<HTMLFormElement>(document, '#publish');
  const input = el<HTMLInputElement>(document, '#message');
  const auto = el<HTMLInputElement>(document, '#auto');
  const status = el<HTMLOutputElement>(document, '#publish-status');
  const publisher = new Pushwire.Client(base);
  let timer: ReturnType<typeof setInterval> | undefined;
  let ticks = 0;

  const publish = (text: string): void => {
    const t0 = Date.now();
    publisher.publish(channel, text).then(
      (r) => {
        recordSent(r.id, t0);
        status.value = `sent, id ${r.id}`;
        status.dataset.ok = 'true';
      },
      (err: unknown) => {
        status.value = `not sent: ${err instanceof Error ? err.message : String(err)}`;
        status.dataset.ok = 'false';
      },
    );
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (text) publish(text);
  });
  auto.addEventListener('change', () => {
    clearInterval(timer);
    if (auto.checked) {
      timer = setInterval(() => publish(`tick ${++ticks} at ${new Date().toLocaleTimeString()}`), 3000);
    }
  });
}

function main(): void {
  el(document, '#channel-name').textContent = channel;
  const container = el<HTMLElement>(document, '#panels');
  const panels = TECHNIQUES.map((t) => new Panel(t));
  for (const p of panels) container.appendChild(p.root);
  for (const p of panels) p.start();
  setupPublishing();
  measureResponseHead();
  setInterval(() => {
    if (document.hidden) return;
    const now = Date.now();
    for (const p of panels) if (p.diagram.changed) p.diagram.draw(now);
  }, 200);
  for (const p of panels) p.diagram.draw();
}

main();

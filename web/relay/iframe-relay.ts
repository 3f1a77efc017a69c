/**
 * The relay page of the `iframe` transport, served from the server's origin as
 * /iframe-relay.html?origin=PAGE_ORIGIN#c=CHANNEL&k=KEY&b=BEAT_MS[&s=SINCE][&t=TOKEN]. It loads the
 * forever-iframe of a session, /iframe?channel=CHANNEL&callback=__pw, inside itself (same origin, so
 * `parent.__pw` reaches it) and forwards everything it carries to the page that embedded it, which
 * adds the session's other channels itself. See src/transports/iframe.ts.
 *
 * It posts only to PAGE_ORIGIN, never to `*`: the server serves the relay only for an origin
 * --allow-origin allows, and the browser drops a message whose target is not its parent's origin.
 * The token stays in the fragment, which the relay's own request does not carry.
 *
 * Over HTTP/1.1 the stream's body ends with its connection, so a cut connection ends the document
 * and fires the forever-iframe's load event: the relay reports it closed. Over HTTP/2 a stream
 * cut before its end is an error, and Chromium then keeps the document loading for ever, with no
 * event at all. So over HTTP/2 the relay asks, whenever the stream has been silent for half a beat,
 * whether the stream's connection still stands (see connectionStands).
 */
(() => {
  const params = new URLSearchParams(location.hash.slice(1));
  const channel = params.get('c') ?? '';
  const key = params.get('k') ?? '';
  const target = new URLSearchParams(location.search).get('origin') ?? '';
  const token = params.get('t');
  const post = (m: Record<string, unknown>): void => parent.postMessage({ pushwire: key, ...m }, target);
  const query = (s: string): string => encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%40/g, '@');
  const withToken = token === null ? '' : `&token=${query(token)}`;
  let frame: HTMLIFrameElement | undefined;
  /** The page wants a sign of life this often (a third of its idle timeout). */
  const BEAT_MS = Number(params.get('b')) || 5000;

  let probes = 0;
  /**
   * Whether the browser still holds the connection the stream rides: a small request to the
   * server goes out on it if it does. A request that fails, or that had to open a connection of
   * its own (its Resource Timing shows a connect), says the connection is gone.
   */
  const connectionStands = (): Promise<boolean> =>
    new Promise((resolve) => {
      const url = new URL(`healthz?relay=${++probes}`, location.href).href;
      const observer = new PerformanceObserver((list) => {
        const entry = list.getEntriesByName(url)[0] as PerformanceResourceTiming | undefined;
        if (!entry) return;
        observer.disconnect();
        performance.clearResourceTimings();
        // On a connection in use the request connects in no time: connectStart = connectEnd.
        resolve(entry.connectEnd === entry.connectStart);
      });
      observer.observe({ type: 'resource' });
      fetch(url, { cache: 'no-store' })
        .then((r) => r.arrayBuffer())
        .catch(() => {
          observer.disconnect();
          resolve(false);
        });
    });

  (window as unknown as Record<string, unknown>).__pw = (env: unknown): void => {
    post({ type: 'message', env });
    // Each message leaves a <script> behind in the never-ending page: drop it.
    try {
      const s = frame?.contentDocument?.currentScript;
      s?.parentNode?.removeChild(s);
    } catch {
      // not reachable: nothing to tidy
    }
  };

  const start = (since: string): void => {
    const f = document.createElement('iframe');
    frame = f;
    let opened = false;
    let closed = false;
    // The stream's last sign of life: a change of its document, or a probe that found its connection.
    let lastSign = Date.now();
    let probe: ReturnType<typeof setTimeout> | undefined;
    const close = (reason: string): void => {
      if (closed) return;
      closed = true;
      clearInterval(watch);
      clearTimeout(probe);
      post({ type: 'closed', reason });
    };
    // Over HTTP/2: a probe after each half beat without a sign of life.
    const watchConnection = (): void => {
      if (closed) return;
      probe = setTimeout(() => {
        if (Date.now() - lastSign < BEAT_MS / 2) return watchConnection();
        void connectionStands().then((stands) => {
          if (!stands) return close("the stream's connection is gone");
          lastSign = Date.now();
          watchConnection();
        });
      }, lastSign + BEAT_MS / 2 - Date.now());
    };
    // The document of the forever-iframe replaces the initial about:blank as soon as the
    // response begins; that is the moment the subscription is live.
    const watch = setInterval(() => {
      try {
        const w = f.contentWindow;
        const d = f.contentDocument;
        if (w && d && d.URL !== 'about:blank' && d.URL !== '') {
          opened = true;
          clearInterval(watch);
          post({ type: 'open' });
          // The server's heartbeats (HTML comments) and messages change the document: tell
          // the page now and then that the stream is alive.
          let last = Date.now();
          lastSign = last;
          new MutationObserver(() => {
            lastSign = Date.now();
            if (lastSign - last < BEAT_MS) return;
            last = lastSign;
            post({ type: 'beat' });
          }).observe(d, { childList: true, subtree: true });
          const navigation = w.performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
          if (navigation && /^h[23]$/.test(navigation.nextHopProtocol)) watchConnection();
        }
      } catch {
        // an error page of another origin: the load event reports it
      }
    }, 20);
    f.onload = () => close(opened ? 'the stream ended' : 'the stream could not load');
    f.src = `iframe?channel=${query(channel)}&callback=__pw&since=${query(since)}${withToken}`;
    document.body.appendChild(f);
  };

  post({ type: 'hello' });
  const since = params.get('s');
  if (since !== null) {
    start(since);
  } else {
    // "New messages only": take the channel's newest id as the cursor first (see anchor()).
    fetch(`poll/${query(channel)}`, { cache: 'no-store', headers: token === null ? {} : { Authorization: `Bearer ${token}` } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((body: { last_id?: string | null }) => {
        const cursor = typeof body.last_id === 'string' ? body.last_id : '0';
        post({ type: 'cursor', cursor });
        start(cursor);
      })
      .catch((err: unknown) => post({ type: 'closed', reason: `no cursor: ${String(err)}` }));
  }
})();

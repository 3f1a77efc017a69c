/**
 * The relay page of the `iframe` transport, served from the server's origin as
 * /iframe-relay.html#c=CHANNEL&k=KEY&o=PAGE_ORIGIN&b=BEAT_MS[&s=SINCE]. It loads the forever-iframe
 * of a session, /iframe?channel=CHANNEL&callback=__pw, inside itself (same origin, so `parent.__pw`
 * reaches it) and forwards everything it carries to the page that embedded it, which adds the
 * session's other channels itself. See src/transports/iframe.ts.
 */
(() => {
  const params = new URLSearchParams(location.hash.slice(1));
  const channel = params.get('c') ?? '';
  const key = params.get('k') ?? '';
  const origin = params.get('o');
  const target = origin && origin !== 'null' ? origin : '*';
  const post = (m: Record<string, unknown>): void => parent.postMessage({ pushwire: key, ...m }, target);
  const query = (s: string): string => encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%40/g, '@');
  let frame: HTMLIFrameElement | undefined;
  /** The page wants a sign of life this often (a third of its idle timeout). */
  const BEAT_MS = Number(params.get('b')) || 5000;

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
    // The document of the forever-iframe replaces the initial about:blank as soon as the
    // response begins; that is the moment the subscription is live.
    const watch = setInterval(() => {
      try {
        const d = f.contentDocument;
        if (d && d.URL !== 'about:blank' && d.URL !== '') {
          opened = true;
          clearInterval(watch);
          post({ type: 'open' });
          // The server's heartbeats (HTML comments) and messages change the document: tell
          // the page now and then that the stream is alive.
          let last = Date.now();
          new MutationObserver(() => {
            if (Date.now() - last < BEAT_MS) return;
            last = Date.now();
            post({ type: 'beat' });
          }).observe(d, { childList: true, subtree: true });
        }
      } catch {
        // an error page of another origin: the load event reports it
      }
    }, 20);
    f.onload = () => {
      clearInterval(watch);
      post({ type: 'closed', reason: opened ? 'the stream ended' : 'the stream could not load' });
    };
    f.src = `iframe?channel=${query(channel)}&callback=__pw&since=${query(since)}`;
    document.body.appendChild(f);
  };

  post({ type: 'hello' });
  const since = params.get('s');
  if (since !== null) {
    start(since);
  } else {
    // "New messages only": take the channel's newest id as the cursor first (see anchor()).
    fetch(`poll/${query(channel)}`, { cache: 'no-store' })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((body: { last_id?: string | null }) => {
        const cursor = typeof body.last_id === 'string' ? body.last_id : '0';
        post({ type: 'cursor', cursor });
        start(cursor);
      })
      .catch((err: unknown) => post({ type: 'closed', reason: `no cursor: ${String(err)}` }));
  }
})();

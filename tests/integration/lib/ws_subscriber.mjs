// A WebSocket subscriber of /ws/{channel} (npm `ws`) that records the
// message ops it receives.
import WebSocket from 'ws';

export function wsSubscriber(port, channel, { since } = {}) {
  return new Promise((resolve, reject) => {
    const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/${channel}${query}`, { perMessageDeflate: false });
    const got = [];
    ws.on('message', (frame) => {
      const op = JSON.parse(frame.toString());
      if (op.op === 'message') got.push(op);
    });
    ws.once('open', () => resolve({ ws, got }));
    ws.once('error', reject);
  });
}

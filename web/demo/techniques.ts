/** The six panels of the demo page: what each technique is, when it came, what it costs. */
import type { TransportName } from '../src/index';

export interface Mode {
  /** Label of the toggle button. */
  label: string;
  transport: TransportName;
  /** What the browser sends, shown under the text. `CH` stands for the channel. */
  how: string;
}

export interface Technique {
  id: string;
  title: string;
  year: string;
  about: string;
  cost: string;
  /** Transports the panel can use; the first is the default. Empty: plain requests on demand. */
  modes: Mode[];
}

export const TECHNIQUES: Technique[] = [
  {
    id: 'http',
    title: 'Regular HTTP',
    year: '1991',
    about: 'The web as documents: the browser asks, the server answers, done. News appears only when you reload.',
    cost: 'one request per look; as late as you are to press Reload.',
    modes: [],
  },
  {
    id: 'poll',
    title: 'Ajax polling',
    year: '2005',
    about: 'XMLHttpRequest (1999; “Ajax” from 2005) lets a script ask over and over: anything new? Mostly, no.',
    cost: 'a request every 2 s, busy or idle; up to 2 s late.',
    modes: [{ label: 'poll', transport: 'poll', how: 'GET /poll/CH?since=ID every 2 s' }],
  },
  {
    id: 'longpoll',
    title: 'Long-polling',
    year: '2006',
    about: 'Ask, and the server holds the answer until there is news (or 30 s pass); then ask again at once.',
    cost: 'a request per message, or per 30 s of quiet; prompt.',
    modes: [{ label: 'long-poll', transport: 'longpoll', how: 'GET /lp/CH?since=ID, held open' }],
  },
  {
    id: 'comet',
    title: 'Comet',
    year: '2000–2006',
    about: 'Push before browsers could: a page that never finishes loading, a response read as it arrives, or <script> tags.',
    cost: 'one endless response; JSONP a request per message.',
    modes: [
      { label: 'forever-iframe', transport: 'iframe', how: '<iframe src="/iframe/CH?callback=f"> → <script>parent.f(…)</script>' },
      { label: 'HTTP streaming', transport: 'stream', how: 'fetch("/stream/CH"), one JSON line a message' },
      { label: 'JSONP', transport: 'jsonp', how: '<script src="/jsonp/CH?callback=f&since=ID">' },
    ],
  },
  {
    id: 'sse',
    title: 'Server-Sent Events',
    year: '2009',
    about: 'HTML5 made streaming a standard: one text/event-stream response, resumed with Last-Event-ID. One way only.',
    cost: 'one request; a few bytes of framing per message.',
    modes: [{ label: 'SSE', transport: 'sse', how: 'GET /sse/CH → id: … data: … (text/event-stream)' }],
  },
  {
    id: 'ws',
    title: 'WebSocket',
    year: '2011',
    about: 'RFC 6455: one HTTP request upgrades to a two-way connection of small frames; many channels share it.',
    cost: 'one handshake; 2–8 bytes of framing per message.',
    modes: [{ label: 'WebSocket', transport: 'websocket', how: 'GET /ws → 101, then {"op":"subscribe",…} frames' }],
  },
];

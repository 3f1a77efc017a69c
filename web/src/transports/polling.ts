/**
 * `poll` and `longpoll`: every channel of the client on one poll session (see poll_session.ts),
 * over fetch. `poll` asks GET /poll?session=ID&ack=CURSOR every pollInterval ms and is answered at
 * once; `longpoll` asks GET /lp?session=ID&ack=CURSOR&timeout=S, which the server holds until
 * there is news or the timeout passes.
 */
import { endpoint, request } from '../http';
import { postOps } from './shared';
import { pollSessionDriver, sessionUrl, type PollCarrier } from './poll_session';

function jsonCarrier(path: 'poll' | 'lp'): PollCarrier {
  return {
    waits: path === 'lp',
    // The opening names its channel: a 403 then refuses that channel rather than the session.
    poll: (host, query, timeout) => {
      const url = sessionUrl(host, path, query);
      return request(host, typeof query.channel === 'string' ? { url, channel: query.channel, timeout } : { url, timeout });
    },
    ops: postOps,
    history: (host, channel, since) => request(host, { url: endpoint(host.base, 'poll', channel, { since }), channel, timeout: 15000 }),
  };
}

export const pollDriver = pollSessionDriver('poll', jsonCarrier('poll'));
export const longpollDriver = pollSessionDriver('longpoll', jsonCarrier('lp'));

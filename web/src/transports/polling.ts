/**
 * `poll` and `longpoll`: a loop of requests per channel. Both start with GET /poll/{channel},
 * answered at once: its last_id is the cursor, and from then on the channel is live (nothing
 * published later can be missed). `poll` repeats /poll every pollInterval ms; `longpoll` goes on
 * with GET /lp/{channel}, which the server holds until there is news or the timeout passes.
 */
import { endpoint, request, type PollBody } from '../http';
import type { DriverFactory } from './driver';
import { pollingLoops } from './shared';

/** A long-poll answered this fast with nothing in it is not waiting as it should: pause before the next. */
const TOO_FAST_MS = 500;

export function pollingDriver(mode: 'poll' | 'longpoll'): DriverFactory {
  return (host) =>
    pollingLoops(host, mode, (ch, first) => {
      const held = mode === 'longpoll' && !first;
      const timeout = host.settings.longPollTimeout;
      const url = held
        ? endpoint(host.base, 'lp', ch.name, { since: ch.cursor, timeout })
        : endpoint(host.base, 'poll', ch.name, { since: ch.cursor });
      const started = Date.now();
      const req = request(host, { url, channel: ch.name, timeout: held ? (timeout + 10) * 1000 : 15000 });
      const pause = (body: PollBody): number => {
        if (mode === 'poll') return host.settings.pollInterval;
        if (held && body.messages.length === 0 && Date.now() - started < TOO_FAST_MS) return 1000;
        return 0;
      };
      return { ...req, pause };
    });
}

export const pollDriver = pollingDriver('poll');
export const longpollDriver = pollingDriver('longpoll');

/**
 * `poll` and `longpoll`: a loop of requests per channel. Both start with GET /poll/{channel},
 * answered at once: its last_id is the cursor, and from then on the channel is live (nothing
 * published later can be missed). `poll` repeats /poll every pollInterval ms; `longpoll` goes on
 * with GET /lp/{channel}, which the server holds until there is news or the timeout passes.
 */
import { endpoint, parsePollBody, request } from '../http';
import type { ChannelState, DriverFactory } from './driver';
import { applyPollBody, errorText } from './shared';

/** A long-poll answered this fast with nothing in it is not waiting as it should: pause before the next. */
const TOO_FAST_MS = 500;

export function pollingDriver(mode: 'poll' | 'longpoll'): DriverFactory {
  return (host) => {
    const loops = new Map<ChannelState, { stop(): void }>();

    const run = (ch: ChannelState, first: boolean): void => {
      const loop = loops.get(ch);
      if (!loop) return;
      const held = mode === 'longpoll' && !first;
      const timeout = host.settings.longPollTimeout;
      const url = held
        ? endpoint(host.base, 'lp', ch.name, { since: ch.cursor, timeout })
        : endpoint(host.base, 'poll', ch.name, { since: ch.cursor });
      const started = Date.now();
      const req = request(host, { url, channel: ch.name, timeout: held ? (timeout + 10) * 1000 : 15000 });
      let timer: ReturnType<typeof setTimeout> | undefined;
      loop.stop = () => {
        clearTimeout(timer);
        req.abort();
      };
      req.promise
        .then((text) => {
          if (loops.get(ch) !== loop) return;
          const body = parsePollBody(text);
          applyPollBody(host, ch, body);
          if (first) {
            host.up();
            host.live(ch);
          }
          let wait = 0;
          if (mode === 'poll') wait = host.settings.pollInterval;
          else if (held && body.messages.length === 0 && Date.now() - started < TOO_FAST_MS) wait = 1000;
          if (wait) timer = setTimeout(() => run(ch, false), wait);
          else run(ch, false);
        })
        .catch((err: unknown) => {
          if (loops.get(ch) === loop) host.down(`${mode}: ${errorText(err)}`);
        });
    };

    return {
      add(ch) {
        loops.set(ch, { stop() {} });
        run(ch, true);
      },
      remove(ch) {
        loops.get(ch)?.stop();
        loops.delete(ch);
      },
      close() {
        for (const loop of loops.values()) loop.stop();
        loops.clear();
      },
    };
  };
}

export const pollDriver = pollingDriver('poll');
export const longpollDriver = pollingDriver('longpoll');

/**
 * `sse` and `stream`: one never-ending HTTP response per channel, read as it arrives
 * (fetch streaming, or XHR progress events where fetch cannot stream).
 */
import { endpoint, openStream, RECYCLE } from '../http';
import type { ChannelState, DriverFactory, Host } from './driver';
import { anchor, perChannel } from './shared';

/** Turns response text into deliver()/gap() calls; text arrives in arbitrary pieces. */
export type Parser = (text: string) => void;

export function streamingDriver(path: 'sse' | 'stream', parser: (host: Host, ch: ChannelState) => Parser): DriverFactory {
  return (host) => {
    /** Channels of this driver, each with the function that stops its stream. */
    const streams = new Map<ChannelState, () => void>();

    const connect = (ch: ChannelState): void => {
      const parse = parser(host, ch);
      let idle: ReturnType<typeof setTimeout> | undefined;
      const fail = (reason: string): void => {
        stop();
        host.down(`${path}: ${reason}`);
      };
      const arm = (): void => {
        clearTimeout(idle);
        idle = setTimeout(() => fail(`silent for ${host.settings.idleTimeout} ms`), host.settings.idleTimeout);
      };
      const url = endpoint(host.base, path, ch.name, { since: ch.cursor });
      const abort = openStream(host, url, ch.name, host.settings.httpStreaming, {
        open: () => {
          arm();
          host.up();
          host.live(ch);
        },
        chunk: (text) => {
          arm();
          try {
            parse(text);
          } catch (err) {
            fail(`unreadable response: ${String(err)}`);
          }
        },
        end: (reason) => {
          clearTimeout(idle);
          if (reason === RECYCLE) {
            if (streams.get(ch) === stop) connect(ch);
          } else if (streams.get(ch) === stop) {
            host.down(`${path}: ${reason}`);
          }
        },
      });
      const stop = (): void => {
        clearTimeout(idle);
        abort();
      };
      streams.set(ch, stop);
    };

    const pending = (): void => {};
    return perChannel(streams, (ch) => {
      streams.set(ch, pending);
      void anchor(host, ch).then(() => {
        if (streams.get(ch) === pending) connect(ch);
      });
    });
  };
}

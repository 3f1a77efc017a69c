/**
 * The seam between the client and one transport. The client creates a driver for the
 * transport it is trying, hands it every channel, and drops it (close()) when it fails;
 * a new driver then resumes each channel from its cursor. A driver never retries on its own.
 */
import type { Tap } from '../http';
import type { Envelope, PublishResult, TransportName } from '../types';

/** One subscribed channel, shared by the client and the driver. */
export interface ChannelState {
  readonly name: string;
  /** The resume cursor: the last id delivered, a poll's last_id, `"0"`, or undefined for "new only". */
  cursor: string | undefined;
}

export interface Settings {
  readonly pollInterval: number;
  readonly longPollTimeout: number;
  readonly idleTimeout: number;
  readonly httpStreaming: 'fetch' | 'xhr';
  readonly publishKey: string | undefined;
}

/** What a driver may tell the client. Calls from a driver that was closed are ignored. */
export interface Host extends Tap {
  /** Server base URL without a trailing slash, e.g. `http://127.0.0.1:8080`. */
  readonly base: string;
  readonly settings: Settings;
  deliver(ch: ChannelState, env: Envelope): void;
  gap(ch: ChannelState): void;
  /** A poll-shaped response's `last_id` (null becomes `"0"`). */
  cursor(ch: ChannelState, lastId: string | null): void;
  /** The channel is live on the server. */
  live(ch: ChannelState): void;
  /** The server refused the channel for good (e.g. an error op for its subscribe), with its error code. */
  refuse(ch: ChannelState, code: string, message: string): void;
  /** The transport works (WebSocket open, or a first channel live). */
  up(): void;
  /** The transport failed; the client closes the driver. */
  down(reason: string): void;
  /** The token behind the subscriptions ran out (`_expired`): the client gets a new one. */
  expired(): void;
}

export interface Driver {
  add(ch: ChannelState): void;
  remove(ch: ChannelState): void;
  close(): void;
  /**
   * A new token is current: present it where the transport holds one (a WebSocket's auth op).
   * Drivers whose requests each take the current token have nothing to do; left out, the client
   * reopens the driver, which resumes every channel from its cursor (a stream holds its token).
   */
  renew?(): void;
  /** Publishes over this transport when it can (an open WebSocket); undefined means use HTTP. */
  publish?(channel: string, data: string, event: string | undefined): Promise<PublishResult> | undefined;
}

export type DriverFactory = (host: Host) => Driver;
export type Drivers = Record<TransportName, DriverFactory>;

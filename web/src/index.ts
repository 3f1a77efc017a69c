/**
 * pushwire's browser client. The IIFE build (pushwire.js) exposes this module as
 * `window.Pushwire`; pushwire.mjs is the same as an ES module.
 */
export { Client } from './client';
export { PushwireError } from './errors';
export { TRANSPORTS } from './types';
export type {
  ClientEvents, ClientOptions, Envelope, PublishOptions, PublishResult, SubscribeOptions, Subscription, Traffic,
  TransportName,
} from './types';

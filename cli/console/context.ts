import type { Request, Router } from 'express';
import type { Logger } from '../../kit/src/log.js';
import type { Stack } from '../stack.js';
import type { World } from '../world.js';
import type { OperatorApis } from './operator-api.js';

/** What every tab gets: the running stack, the world that builds phones, the operator APIs and the event hub. */
export interface ConsoleContext {
  /** The embedded stack: addresses, state directory, the event bus (subscribe to topics here), its services. */
  stack: Stack;
  /** Builds phones (device-sim) against the stack and opens accounts through the operator gRPC API. */
  world: World;
  /** The stack's operator REST APIs; each call carries the credential the browser presented. */
  operator: OperatorApis;
  /** Sends JSON on a named channel to every browser (Server-Sent Events; `/api/events`). */
  publish(channel: string, data: unknown): void;
  /** Runs `fn` when the console stops (unsubscribe, stop timers, close phones). */
  onClose(fn: () => void | Promise<void>): void;
  log: Logger;
}

/**
 * One tab of the console: its routes are mounted under `/api/<id>/` behind the credential check
 * (`bearerOf(req)` is the caller's operator token, for forwarding); its page is the custom element
 * registered for the same id in cli/console/web/tabs.ts.
 */
export interface ConsoleTab {
  id: string;
  title: string;
  mount(router: Router, ctx: ConsoleContext): void | Promise<void>;
}

/** The operator token the caller presented (the credential check already passed). */
export function bearerOf(req: Request): string {
  return /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
}

import { randomUUID } from 'node:crypto';
import type { EventBus } from '../../../../kit/src/events.js';
import type { LineChange } from '../domain/lines.js';

/** The device topic, which also carries the operator's network events (keyed by phone number). */
export const DEVICE_TOPIC = 'dfs.device.v1';

/** What the operator announces to the stack. */
export interface NetworkEvents {
  simChanged(msisdn: string, change: LineChange, atMs: number): Promise<void>;
}

/** Publishes `network.sim_swapped`: the number was paired with another SIM, or lost its SIM. */
export function networkEvents(bus: EventBus): NetworkEvents {
  return {
    simChanged: (msisdn: string, change: LineChange, atMs: number) =>
      bus.publish(DEVICE_TOPIC, [
        { id: randomUUID(), type: 'network.sim_swapped', key: msisdn, atMs, data: { msisdn, change } },
      ]),
  };
}

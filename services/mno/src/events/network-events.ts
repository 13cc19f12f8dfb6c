import { buildEvent, DEVICE_TOPIC } from '../../../../contracts/events.js';
import type { EventBus } from '../../../../kit/src/events.js';
import type { LineChange } from '../domain/lines.js';

/** What the operator announces to the stack. */
export interface NetworkEvents {
  simChanged(msisdn: string, change: LineChange, atMs: number): Promise<void>;
}

/**
 * Publishes `network.sim_swapped` on the device topic, keyed by phone number, built through the event
 * catalog (contracts/events.ts): the number was paired with another SIM, or lost its SIM.
 */
export function networkEvents(bus: EventBus): NetworkEvents {
  return {
    simChanged: (msisdn: string, change: LineChange, atMs: number) =>
      bus.publish(DEVICE_TOPIC, [buildEvent('network.sim_swapped', msisdn, atMs, { msisdn, change })]),
  };
}

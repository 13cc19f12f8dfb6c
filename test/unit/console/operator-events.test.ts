import express from 'express';
import { describe, expect, it } from 'vitest';
import { buildEvent, DEVICE_TOPIC, PAYMENT_TOPIC } from '../../../contracts/events.js';
import type { ConsoleContext } from '../../../cli/console/context.js';
import { operatorTab } from '../../../cli/console/tabs/operator.js';
import { memoryBus } from '../../../kit/src/events.js';
import { createLogger } from '../../../kit/src/log.js';

const MSISDN = '+254700123456';

/**
 * The console's operator tab shows the operator's network events (docs/CONSOLE.md: phone numbers
 * masked): a SIM swap is keyed by the phone number, so neither its data nor its key may reach the
 * browser whole, and it is no device for the devices list.
 */
describe('console operator tab: network events reach the browser with the number masked', () => {
  it('a SIM swap shows in the event stream masked, and not in the devices list', async () => {
    const bus = memoryBus();
    const sent: { channel: string; data: unknown }[] = [];
    const ctx = {
      stack: { bus },
      publish: (channel: string, data: unknown) => sent.push({ channel, data }),
      onClose: () => {},
      log: createLogger('test', 'silent'),
    } as unknown as ConsoleContext;
    await operatorTab.mount(express.Router(), ctx);

    await bus.publish(DEVICE_TOPIC, [
      buildEvent('network.sim_swapped', MSISDN, 1, { msisdn: MSISDN, change: 'swapped' }),
    ]);
    await expect.poll(() => sent.length).toBeGreaterThan(0);
    expect(sent.map((s) => s.channel)).toEqual(['operator.events']);
    expect(sent[0]!.data).toMatchObject({ type: 'network.sim_swapped', key: '********3456' });
    expect(JSON.stringify(sent)).not.toContain('700123456');
  });
});

describe('console operator tab: a payment row keeps its final status when an earlier event comes again', () => {
  it('a payment.requested delivered again after payment.posted leaves the row POSTED', async () => {
    const bus = memoryBus();
    const rows: { status: string }[] = [];
    const ctx = {
      stack: { bus },
      publish: (channel: string, data: unknown) =>
        channel === 'operator.payments' && rows.push(data as { status: string }),
      onClose: () => {},
      log: createLogger('test', 'silent'),
    } as unknown as ConsoleContext;
    await operatorTab.mount(express.Router(), ctx);
    const data = {
      transactionId: 'tx-1',
      deviceId: 'dev-1',
      payer: 'wallet-1',
      payee: 'merchant-1',
      amount: 100,
      currency: 'KES',
    };
    const requested = buildEvent('payment.requested', 'wallet-1', 1, data);
    await bus.publish(PAYMENT_TOPIC, [requested, buildEvent('payment.posted', 'wallet-1', 2, data)]);
    await expect.poll(() => rows.length).toBe(2);
    await bus.publish(PAYMENT_TOPIC, [requested]);
    await new Promise((r) => setTimeout(r, 50));
    expect(rows.map((r) => r.status)).toEqual(['REQUESTED', 'POSTED']);
  });
});

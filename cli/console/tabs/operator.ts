import type { Router } from 'express';
import { z } from 'zod';
import { DEVICE_TOPIC, PAYMENT_TOPIC } from '../../../contracts/events.js';
import { DfsError } from '../../../kit/src/errors.js';
import type { BusEvent } from '../../../kit/src/events.js';
import { mask } from '../../../kit/src/log.js';
import { readLedger } from '../../load/ledger-view.js';
import { parseBody } from '../body.js';
import { bearerOf, type ConsoleContext, type ConsoleTab } from '../context.js';
import type { Payment } from '../web/tabs/operator-views.js';

const Reason = z
  .object({
    reason: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\w .,:;()-]+$/),
  })
  .strict();
const Stage = z.enum(['payment', 'step-up']).default('payment');
/** Payments kept for the page (most recent last). */
const KEEP = 200;

/** A payment as the operator view lists it (the page's own type): the latest state seen on the bus. */
type PaymentRow = Payment;

const STATUS: Record<string, string> = {
  'payment.requested': 'REQUESTED',
  'payment.approved': 'APPROVED',
  'payment.step_up_required': 'STEP_UP_REQUIRED',
  'payment.posted': 'POSTED',
  'payment.declined': 'DECLINED',
  'payment.failed': 'FAILED',
  'payment.reversed': 'REVERSED',
};
const FINAL = new Set(['POSTED', 'DECLINED', 'FAILED', 'REVERSED']);

/**
 * One bus event as the event stream shows it (device and payment topics), phone numbers masked: in
 * its data, and as its key (the operator's network events are keyed by the number).
 */
const eventRow = (topic: string, e: BusEvent) => {
  const { msisdn, ...data } = e.data as { msisdn?: unknown };
  const masked = typeof msisdn === 'string' ? { msisdn: mask(msisdn) } : {};
  const key = typeof msisdn === 'string' && e.key === msisdn ? mask(e.key) : e.key;
  return { id: e.id, topic, type: e.type, key, atMs: e.atMs, data: { ...data, ...masked } };
};

/**
 * The operator tab: devices with tier and evidence (attestation operator API, the caller's token
 * forwarded), revoke and reinstate through the same API, payments from the bus with their risk decision
 * trails (risk `GET /v1/decisions/{id}`), accounts with verified balances (operator gRPC), the journal
 * check (`GET /v1/journal/verify`) and the event stream (channels `operator.events`, `operator.payments`).
 */
export const operatorTab: ConsoleTab = {
  id: 'operator',
  title: 'Operator',
  async mount(router: Router, ctx: ConsoleContext) {
    const payments = new Map<string, PaymentRow>();
    const accounts = new Set<string>();
    const onPayment = async (e: BusEvent) => {
      ctx.publish('operator.events', eventRow(PAYMENT_TOPIC, e));
      const d = e.data as Partial<PaymentRow> & { transactionId?: string; code?: string | null };
      const status = STATUS[e.type];
      if (!status || !d.transactionId) return;
      // At least once: an earlier event delivered again (a relay's retry) does not take a final row back.
      const shown = payments.get(d.transactionId)?.status;
      if (shown && FINAL.has(shown) && !FINAL.has(status)) return;
      for (const a of [d.payer, d.payee]) if (a) accounts.add(a);
      const row: PaymentRow = {
        transactionId: d.transactionId,
        status,
        payer: d.payer ?? '',
        payee: d.payee ?? '',
        amount: Number(d.amount ?? 0),
        currency: d.currency ?? '',
        deviceId: d.deviceId ?? '',
        atMs: e.atMs,
        ...(d.kind ? { kind: d.kind } : {}),
        ...(d.code ? { code: d.code } : {}),
        ...(status === 'STEP_UP_REQUIRED' || payments.get(d.transactionId)?.stepUp ? { stepUp: true } : {}),
      };
      payments.delete(row.transactionId);
      payments.set(row.transactionId, row);
      if (payments.size > KEEP) payments.delete(payments.keys().next().value!);
      ctx.publish('operator.payments', row);
    };
    await ctx.stack.bus.subscribe(PAYMENT_TOPIC, 'dfs-console-payments', onPayment);
    const sims = new Map<string, string>();
    const rejected: { atMs: number; deviceId: string | null; model: string | null; codes: string[] }[] = [];
    await ctx.stack.bus.subscribe(DEVICE_TOPIC, 'dfs-console-devices', async (e) => {
      ctx.publish('operator.events', eventRow(DEVICE_TOPIC, e));
      const msisdn = (e.data as { msisdn?: unknown }).msisdn;
      if (e.type === 'device.sim_changed' && typeof msisdn === 'string') sims.set(e.key, mask(msisdn));
      if (e.type === 'device.rejected') {
        const d = e.data as { deviceId?: string; model?: string; codes?: string[] };
        rejected.unshift({ atMs: e.atMs, deviceId: d.deviceId ?? null, model: d.model ?? null, codes: d.codes ?? [] });
        rejected.splice(KEEP);
      }
      // Device events only: the operator's network events are keyed by phone number, not device.
      if (e.type.startsWith('device.'))
        ctx.publish('operator.devices', { type: e.type, deviceId: e.key, atMs: e.atMs });
    });

    router.get('/devices', async (req, res) => {
      const { devices } = (await ctx.operator.devices(bearerOf(req))) as { devices: { deviceId: string }[] };
      res.json({ devices: devices.map((d) => ({ ...d, sim: sims.get(d.deviceId) ?? null })), rejected });
    });
    router.post('/devices/:id/revoke', async (req, res) => {
      const { reason } = parseBody(Reason, req.body);
      res.json(await ctx.operator.revoke(bearerOf(req), req.params.id, reason));
    });
    router.post('/devices/:id/reinstate', async (req, res) => {
      const { reason } = parseBody(Reason, req.body);
      res.json(await ctx.operator.reinstate(bearerOf(req), req.params.id, reason));
    });
    router.get('/payments', (_req, res) => {
      res.json({ payments: [...payments.values()] });
    });
    router.get('/decisions/:id', async (req, res) => {
      const stage = Stage.safeParse(req.query.stage);
      if (!stage.success) throw new DfsError('INVALID_ARGUMENT', 'stage');
      res.json(await ctx.operator.decision(req.params.id, stage.data));
    });
    router.get('/accounts', async (_req, res) => {
      const ids = [...accounts].sort();
      const { balances } = await readLedger(ctx.world, ids, [], [], 4);
      res.json({ accounts: ids.map((id) => ({ accountId: id, balance: balances.get(id) ?? null })) });
    });
    router.get('/journal', async (_req, res) => {
      res.json(await ctx.operator.journal());
    });
  },
};

import type { Router } from 'express';
import { z } from 'zod';
import { PROFILES } from '../../../device-sim/src/profiles.js';
import type { Key } from '../../../device-sim/src/ui/display.js';
import { DfsError } from '../../../kit/src/errors.js';
import { parseBody } from '../body.js';
import type { ConsoleContext, ConsoleTab } from '../context.js';
import { CURRENCY, type Merchant } from '../phones/screens.js';
import { DEMO_PIN, PhoneSession } from '../phones/session.js';

/** The merchants the console opens at start-up, so phones have someone to pay. */
const MERCHANT_NAMES = ['Coffee', 'Market', 'Pharmacy'];
/** At most this many phones side by side. */
const MAX_PHONES = 8;

const KEYS = [
  ...['Enter', 'SoftLeft', 'SoftRight', 'Up', 'Down', 'Left', 'Right', 'Call', 'End', 'Back', '*', '#'],
  ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
] as const satisfies readonly Key[];
const NewPhone = z.object({ profile: z.enum(Object.keys(PROFILES) as [string, ...string[]]) }).strict();
const Press = z.object({ key: z.enum(KEYS) }).strict();
const Tap = z.object({ merchant: z.string().min(1).max(64), minorUnits: z.string().regex(/^[1-9]\d{0,9}$/) }).strict();

/**
 * The phones tab: real device-sim phones of a chosen profile against the stack, driven key by key from
 * the page (`POST /phones/:id/keys`), a merchant tag tapped, a call rung; each change on channel `phones`.
 */
export const phonesTab: ConsoleTab = {
  id: 'phones',
  title: 'Phones',
  async mount(router: Router, ctx: ConsoleContext) {
    const merchants: Merchant[] = [];
    for (const name of MERCHANT_NAMES) {
      const id = ctx.world.newId(`merchant-${name.toLowerCase()}`);
      await ctx.world.openMerchant(id, CURRENCY);
      merchants.push({ id, name });
    }
    const phones = new Map<string, PhoneSession>();
    let next = 0;
    const sessionOf = (id: string) => {
      const s = phones.get(id);
      if (!s) throw new DfsError('CONSOLE_PHONE_NOT_FOUND');
      return s;
    };
    router.get('/', (_req, res) => {
      res.json({
        profiles: Object.keys(PROFILES),
        merchants,
        currency: CURRENCY,
        demoPin: DEMO_PIN,
        phones: [...phones.values()].map((s) => s.view),
      });
    });
    router.post('/', (req, res) => {
      const { profile } = parseBody(NewPhone, req.body);
      if (phones.size >= MAX_PHONES) throw new DfsError('CONSOLE_PHONE_BUSY', 'too many phones');
      const id = `phone-${++next}`;
      const s = new PhoneSession(
        id,
        profile,
        ctx.world,
        () => merchants,
        (v) => ctx.publish('phones', v),
      );
      phones.set(id, s);
      ctx.publish('phones', s.view);
      res.status(201).json(s.view);
    });
    router.post('/:id/power', async (req, res) => {
      const s = sessionOf(req.params.id);
      await s.powerOn();
      res.json(s.view);
    });
    router.post('/:id/keys', (req, res) => {
      const s = sessionOf(req.params.id);
      s.press(parseBody(Press, req.body).key);
      res.json(s.view);
    });
    router.post('/:id/tap', async (req, res) => {
      const s = sessionOf(req.params.id);
      const { merchant, minorUnits } = parseBody(Tap, req.body);
      if (!merchants.some((m) => m.id === merchant)) throw new DfsError('LEDGER_ACCOUNT_NOT_FOUND');
      await s.tap(merchant, minorUnits);
      res.json(s.view);
    });
    router.post('/:id/update', (req, res) => {
      const s = sessionOf(req.params.id);
      s.update();
      res.json(s.view);
    });
    router.post('/:id/call', (req, res) => {
      const s = sessionOf(req.params.id);
      s.incomingCall();
      res.json(s.view);
    });
  },
};

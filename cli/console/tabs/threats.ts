import type { Router } from 'express';
import { z } from 'zod';
import { parseBody } from '../body.js';
import type { ConsoleContext, ConsoleTab } from '../context.js';
import { ThreatPlays } from '../runs/threats.js';
import { connectWorld } from '../../world.js';

const Play = z.object({ scenario: z.string().min(1).max(64) }).strict();

/**
 * The threats tab: the catalog, and `POST /threats/plays` to play one scenario against the stack (202;
 * another while one plays is CONSOLE_RUN_IN_PROGRESS); each step goes out on channel `threats.step`.
 */
export const threatsTab: ConsoleTab = {
  id: 'threats',
  title: 'Threats',
  mount(router: Router, ctx: ConsoleContext) {
    const plays = new ThreatPlays(
      ctx.stack,
      () => connectWorld(ctx.stack.pki, ctx.stack),
      (m) => ctx.publish('threats.step', m),
    );
    ctx.onClose(() => plays.drain());
    router.get('/', (_req, res) => {
      res.json({ scenarios: plays.scenarios, play: plays.current });
    });
    router.post('/plays', (req, res) => {
      res.status(202).json(plays.start(parseBody(Play, req.body).scenario));
    });
  },
};

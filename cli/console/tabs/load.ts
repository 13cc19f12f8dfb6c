import type { Router } from 'express';
import { parseBody } from '../body.js';
import type { ConsoleContext, ConsoleTab } from '../context.js';
import { LOAD_CAPS, LoadParams, LoadRuns } from '../runs/load.js';
import { connectWorld } from '../../world.js';

/**
 * The load tab: `POST /load/runs` starts a bounded run against the stack (202; a second one while it
 * runs is CONSOLE_RUN_IN_PROGRESS); the run's view goes out on channel `load.run` at each phase and second.
 */
export const loadTab: ConsoleTab = {
  id: 'load',
  title: 'Load',
  mount(router: Router, ctx: ConsoleContext) {
    const runs = new LoadRuns(
      () => connectWorld(ctx.stack.pki, ctx.stack),
      (view) => ctx.publish('load.run', view),
    );
    ctx.onClose(() => runs.drain());
    router.get('/', (_req, res) => {
      res.json({ caps: LOAD_CAPS, run: runs.current });
    });
    router.post('/runs', (req, res) => {
      res.status(202).json(runs.start(parseBody(LoadParams, req.body)));
    });
  },
};

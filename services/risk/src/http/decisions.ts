import type { Express } from 'express';
import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';
import type { DecisionStore } from '../store/ports.js';

const Stage = z.enum(['payment', 'step-up']).default('payment');

/**
 * The decision trail of a transaction: `GET /v1/decisions/:transactionId`, the payment stage's by
 * default, `?stage=step-up` for the second decision taken when the payer confirmed a step-up.
 */
export function mountDecisionsApi(app: Express, deps: { store: Pick<DecisionStore, 'getDecision'> }): void {
  app.get('/v1/decisions/:transactionId', async (req, res) => {
    const stage = Stage.safeParse(req.query.stage);
    if (!stage.success) throw new DfsError('INVALID_ARGUMENT', 'stage');
    const rec = await deps.store.getDecision(req.params.transactionId, stage.data);
    if (!rec) throw new DfsError('TRANSACTION_NOT_FOUND');
    res.json(rec);
  });
}

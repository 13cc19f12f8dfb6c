import type { Express } from 'express';
import { DfsError } from '../../../../kit/src/errors.js';
import type { DecisionStore } from '../store/ports.js';

/** The decision trail of a transaction: `GET /v1/decisions/:transactionId`. */
export function mountDecisionsApi(app: Express, deps: { store: Pick<DecisionStore, 'getDecision'> }): void {
  app.get('/v1/decisions/:transactionId', async (req, res) => {
    const rec = await deps.store.getDecision(req.params.transactionId);
    if (!rec) throw new DfsError('TRANSACTION_NOT_FOUND');
    res.json(rec);
  });
}

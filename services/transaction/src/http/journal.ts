import type { Express } from 'express';
import { DfsError } from '../../../../kit/src/errors.js';
import { requireBearer } from '../../../../kit/src/operator-auth.js';
import type { JournalAudit } from '../domain/journal-audit.js';

/** The operator's journal check, `GET /v1/journal/verify` (`?full=true`: from genesis). */
export function mountJournalApi(app: Express, deps: { audit: JournalAudit; operatorToken: string }): void {
  const operator = requireBearer(deps.operatorToken, 'LEDGER_OPERATOR_UNAUTHENTICATED');
  app.get('/v1/journal/verify', operator, async (req, res) => {
    const s = await deps.audit.run({ full: req.query.full === 'true' });
    if (s.badSeq !== null) throw new DfsError('LEDGER_JOURNAL_TAMPERED', `first bad entry ${s.badSeq}`);
    res.json({ ok: true, entries: s.verified.seq, verifiedAtMs: s.verifiedAtMs });
  });
}

import { describe, expect, it } from 'vitest';
import { loadConfig as riskConfig } from '../../services/risk/src/config.js';
import { loadConfig as transactionConfig } from '../../services/transaction/src/config.js';

describe('default deadlines nest', () => {
  it(
    'risk gives up on the operator well before the transaction service gives up on risk, so a slow ' +
      "operator ends in risk's fail-closed decline (sim.operatorUnavailable), not RISK_UNAVAILABLE",
    () => {
      const risk = riskConfig({ RISK_MNO_URL: 'https://operator.invalid' });
      const transaction = transactionConfig({});
      // What risk still does after the operator's deadline (decide, record the trail, answer) gets the rest.
      expect(risk.mno!.deadlineMs).toBeLessThanOrEqual(transaction.riskDeadlineMs * 0.7);
    },
  );
});

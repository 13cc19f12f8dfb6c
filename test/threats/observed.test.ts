import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../cli/threats/catalog.js';
import { mutualTls, tlsPolicy } from '../../cli/threats/controls.js';
import { stackContext } from '../../cli/threats/context.js';
import { play } from '../../cli/threats/play.js';
import { testStack } from '../support/stack.js';

/** Codes of the error table no scenario expects; each run picks one, so no scenario could carry it as a constant. */
const FOREIGN = ['CONFIG_INVALID', 'STORE_APP_NOT_INSTALLED', 'LEDGER_ACCOUNT_EXISTS'] as const;

describe(
  'codes are observed: against a stub control that refuses with ' +
    "a code of the test's choosing, the report shows that code",
  () => {
    it.each(SCENARIOS.map((s) => [s.id, s] as const))(
      "%s reports the stub's code",
      async (_id, scenario) => {
        const stubCode = FOREIGN[Math.floor(Math.random() * FOREIGN.length)]!;
        expect(scenario.expect.code).not.toBe(stubCode);
        const overrides = scenario.port.stub(stubCode);
        const env = await testStack(overrides.env ?? {}, overrides.phones, overrides.stack);
        try {
          const p = await play(scenario, stackContext(env.stack, env.world));
          expect(p.outcome).toBe('UNEXPECTED');
          if (scenario.port === mutualTls || scenario.port === tlsPolicy)
            expect(p.observed.code).not.toBe(scenario.expect.code);
          else expect(p.observed.code).toBe(stubCode);
        } finally {
          await env.close();
        }
      },
      90_000,
    );
  },
);

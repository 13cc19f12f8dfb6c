import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { burstPhone, postedSum, type BurstOutcome } from '../../cli/burst.js';
import { startStack } from '../../cli/stack.js';
import { balance } from '../../cli/threats/scenarios/setup.js';
import { connectWorld } from '../../cli/world.js';
import { setLogDestination } from '../../kit/src/log.js';
import { readTls } from '../../kit/src/tls.js';
import { loadConfig as riskConfig } from '../../services/risk/src/config.js';
import type { ReservationStrategy } from '../../services/risk/src/domain/reserve.js';
import { startRisk } from '../../services/risk/src/main.js';
import { riskClient } from '../../services/transaction/src/grpc/risk-client.js';
import { describeWithServer, uniqueName } from '../contract/support/infra.js';
import { unboundedReservations } from '../support/risk-sabotage.js';
import { riskGet } from '../support/stack.js';

const LIMIT = 600_000;
const N = 50;
const AMOUNT = (3 * LIMIT) / N;
/** Generous: the test is about what posts, not how fast 50 decisions queue on one shared store. */
const RISK_DEADLINE_MS = 60_000;

/**
 * The shipped rules with the HIGH day limit at LIMIT and every count and
 * velocity limit out of the way, so the day limit is the one a burst meets.
 */
function burstRules(dir: string): string {
  const r = JSON.parse(readFileSync('config/risk-rules.json', 'utf8'));
  r.tiers.HIGH.maxPerDay = LIMIT;
  r.tiers.HIGH.maxCountPerWindow = 1000;
  for (const v of ['velocity.device', 'velocity.payer'])
    Object.assign(r.rules[v], { maxCount: 1000, maxAmount: 100_000_000 });
  const file = join(dir, 'burst-rules.json');
  writeFileSync(file, JSON.stringify(r));
  return file;
}

interface BurstRun {
  outcomes: BurstOutcome[];
  /** What left the wallet, read from the ledger. */
  moved: number;
  trail: (transactionId: string) => Promise<Record<string, unknown>>;
}

/**
 * An embedded stack on the burst rules; `replicas` risk services on one store (the transaction
 * service asks them in turn); a secure phone with 10,000,000 fires N payments of AMOUNT at once.
 */
async function burst(
  opts: { env?: NodeJS.ProcessEnv; replicas?: number; reservations?: ReservationStrategy } = {},
): Promise<BurstRun> {
  const stateDir = mkdtempSync(join(tmpdir(), 'dfs-burst-'));
  setLogDestination(2);
  // Admission control admits the whole burst at once: what is under test is the reservation race.
  const env = {
    LOG_LEVEL: 'silent',
    RISK_RULES_FILE: burstRules(stateDir),
    TRANSACTION_MAX_IN_FLIGHT: String(N * 2),
    ...opts.env,
  };
  const clients: ReturnType<typeof riskClient>[] = [];
  let next = 0;
  const assessRisk = (...args: Parameters<ReturnType<typeof riskClient>['assess']>) =>
    clients[next++ % clients.length]!.assess(...args);
  const stack = await startStack({
    stateDir,
    ephemeral: true,
    env,
    controls: { risk: { reservations: opts.reservations }, transaction: { assessRisk } },
  });
  const extra = [];
  const tls = readTls({ ca: stack.pki.ca, cert: stack.pki.cert('transaction'), key: stack.pki.key('transaction') });
  clients.push(riskClient(stack.riskAddr, tls, RISK_DEADLINE_MS));
  for (let i = 1; i < (opts.replicas ?? 1); i++) {
    const replica = await startRisk(
      riskConfig({ ...process.env, ...env, RISK_GRPC_PORT: '0', RISK_HTTP_PORT: '0', DFS_STATE_DIR: stateDir }),
      stack.bus,
      { reservations: opts.reservations },
    );
    extra.push(replica);
    clients.push(riskClient(`127.0.0.1:${replica.grpcPort}`, tls, RISK_DEADLINE_MS));
  }
  const world = await connectWorld(stack.pki, stack);
  try {
    const { phone, fire } = await burstPhone(world);
    const wallet = world.newId('wallet');
    const merchant = world.newId('merchant');
    const enrollment = await phone.daemon.enroll(wallet);
    expect(enrollment.tier).toBe('HIGH');
    await world.openWallet(wallet, enrollment.deviceId, 10_000_000, 'KES');
    await world.openMerchant(merchant, 'KES');
    const before = await balance(world, wallet);
    const outcomes = await fire(N, merchant, AMOUNT);
    const after = await balance(world, wallet);
    const trails = new Map<string, Record<string, unknown>>();
    for (const o of outcomes) {
      if ('result' in o)
        trails.set(
          o.result.transactionId,
          (await (await riskGet(stack, `/v1/decisions/${o.result.transactionId}`)).json()) as Record<string, unknown>,
        );
    }
    return { outcomes, moved: Number(before) - Number(after), trail: async (id) => trails.get(id)! };
  } finally {
    world.close();
    for (const c of clients) c.close();
    for (const r of extra) await r.stop();
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/**
 * The checks of a burst with the reservation in force: the ledger never
 * moves more than the day limit, and the refusals name the window.
 */
async function expectHeld(run: BurstRun): Promise<void> {
  expect(run.moved).toBe(postedSum(run.outcomes));
  // Never past the limit; and the control is no blanket refusal: most of the limit is used (a payment
  // refused while a concurrent one gives back a window it could not complete may leave a slot unused).
  expect(run.moved).toBeLessThanOrEqual(LIMIT);
  expect(run.moved).toBeGreaterThan(LIMIT / 2);
  const declined = run.outcomes.find((o) => 'result' in o && o.result.status === 'DECLINED');
  expect(declined && 'result' in declined ? declined.result.risk.ruleIds : []).toContain('limits.reserve');
  const trail = (await run.trail(declined && 'result' in declined ? declined.result.transactionId : '')) as {
    limits: { reserved: boolean; refused: string; windows: { window: string; amount: number; maxAmount: number }[] };
  };
  expect(trail.limits.reserved).toBe(false);
  expect(['device.day', 'payer.day']).toContain(trail.limits.refused);
  const day = trail.limits.windows.find((w) => w.window === trail.limits.refused)!;
  expect(day.maxAmount).toBe(LIMIT);
  expect(day.amount).toBeLessThanOrEqual(LIMIT);
  const posted = run.outcomes.find((o) => 'result' in o && o.result.status === 'POSTED');
  const approved = (await run.trail(posted && 'result' in posted ? posted.result.transactionId : '')) as {
    limits: { reserved: boolean; windows: { window: string; amount: number }[] };
  };
  expect(approved.limits.reserved).toBe(true);
  expect(approved.limits.windows.map((w) => w.window)).toEqual(expect.arrayContaining(['device.day', 'payer.day']));
}

describe(
  `a burst of ${N} concurrent eSE-signed payments worth ` + `3 x the day limit (embedded stack, memory store)`,
  () => {
    const memory = { MONGODB_URI: undefined };
    it(
      'posts no more than the day limit: each approval reserved its amount in the day windows first',
      { timeout: 120_000 },
      async () => {
        await expectHeld(await burst({ env: memory }));
      },
    );

    it(
      'sabotage: with a reservation strategy that holds nothing injected, the same burst posts past the limit',
      { timeout: 120_000 },
      async () => {
        const run = await burst({ env: memory, reservations: unboundedReservations });
        expect(run.moved).toBe(postedSum(run.outcomes));
        expect(run.moved).toBeGreaterThan(LIMIT);
      },
    );
  },
);

describeWithServer('MONGODB_URI', `a burst of ${N} concurrent payments on the real MongoDB-compatible store`, (uri) => {
  const dbs: string[] = [];
  const on = () => {
    const db = uniqueName('burst');
    dbs.push(db);
    return { MONGODB_URI: `${uri.replace(/\/[^/]*$/, '')}/${db}` };
  };
  afterAll(async () => {
    const { dropDatabases } = await import('../contract/support/infra.js');
    await dropDatabases(uri, dbs);
  });

  it('one risk service: posts no more than the day limit', { timeout: 180_000 }, async () => {
    await expectHeld(await burst({ env: on() }));
  });

  it(
    'two risk services on one store, asked in turn: posts no more than the day limit',
    { timeout: 180_000 },
    async () => {
      await expectHeld(await burst({ env: on(), replicas: 2 }));
    },
  );

  it(
    'sabotage: two replicas with the unbounded strategy injected post past the limit',
    { timeout: 180_000 },
    async () => {
      const run = await burst({ env: on(), replicas: 2, reservations: unboundedReservations });
      expect(run.moved).toBeGreaterThan(LIMIT);
    },
  );
});

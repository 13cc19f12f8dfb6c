import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { riskOperatorToken } from '../../cli/threats/context.js';
import type { ServiceHandle } from '../../kit/src/service.js';
import { loadConfig as riskConfig } from '../../services/risk/src/config.js';
import { startRisk } from '../../services/risk/src/main.js';
import { testStack } from '../support/stack.js';

type RulesView = { id: string; rules: { thresholds: { stepUp: number } } };

/**
 * Risk replicas reading one rule file (the pods of a mounted ConfigMap, the workers of `dfs serve
 * --workers`) follow it: a changed file is in force in every replica without a reload call to each,
 * a file that fails validation is refused by every replica and the previous rules stay in force.
 * The second replica is a separate risk service on the same state and bus.
 */
describe('risk rules: every replica follows the rule file (docs/RISK.md, "Reloading the rules")', () => {
  const dir = mkdtempSync(join(tmpdir(), 'risk-follow-'));
  const file = join(dir, 'rules.json');
  const shipped = readFileSync('config/risk-rules.json', 'utf8');
  const withStepUp = (stepUp: number) => {
    const r = JSON.parse(shipped);
    r.thresholds.stepUp = stepUp;
    return JSON.stringify(r);
  };
  writeFileSync(file, withStepUp(60));
  const env = { RISK_RULES_FILE: file, RISK_RULES_CHECK_MS: '100' };
  const started: { close(): Promise<void> }[] = [];
  const extra: ServiceHandle[] = [];
  afterAll(async () => {
    for (const s of extra) await s.stop();
    for (const s of started) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A stack whose risk follows `file` every 100 ms, and a second risk replica with `replicaEnv` on top. */
  async function replicas(replicaEnv: NodeJS.ProcessEnv) {
    const t = await testStack(env);
    started.push(t);
    const second = await startRisk(
      riskConfig({
        ...process.env,
        LOG_LEVEL: 'silent',
        ...env,
        RISK_GRPC_PORT: '0',
        RISK_HTTP_PORT: '0',
        DFS_STATE_DIR: t.stack.stateDir,
        ...replicaEnv,
      }),
      t.stack.bus,
    );
    extra.push(second);
    const ports = [t.stack.services.find((s) => s.name === 'risk')!.httpPort, second.httpPort];
    const token = riskOperatorToken(t.stack.stateDir);
    return () =>
      Promise.all(
        ports.map(async (port) => {
          const res = await fetch(`https://127.0.0.1:${port}/v1/rules`, {
            headers: { authorization: `Bearer ${token}` },
          });
          expect(res.status).toBe(200);
          return (await res.json()) as RulesView;
        }),
      );
  }

  it('a changed file is in force in both replicas without a reload; a bad one is refused by both', async () => {
    writeFileSync(file, withStepUp(60));
    const inForce = await replicas({});
    const before = await inForce();
    expect(before.map((r) => r.rules.thresholds.stepUp)).toEqual([60, 60]);

    writeFileSync(file, withStepUp(61));
    await vi.waitFor(async () => expect((await inForce()).map((r) => r.rules.thresholds.stepUp)).toEqual([61, 61]), {
      timeout: 5000,
      interval: 50,
    });
    const taken = await inForce();
    expect(taken[0]!.id).toBe(taken[1]!.id);
    expect(taken[0]!.id).not.toBe(before[0]!.id);

    // Fails validation (the step-up threshold must not exceed the decline threshold): refused, the rules stay.
    writeFileSync(file, withStepUp(500));
    await new Promise((r) => setTimeout(r, 400));
    expect((await inForce()).map((r) => [r.id, r.rules.thresholds.stepUp])).toEqual([
      [taken[0]!.id, 61],
      [taken[0]!.id, 61],
    ]);

    // Mended: taken again.
    writeFileSync(file, withStepUp(62));
    await vi.waitFor(async () => expect((await inForce()).map((r) => r.rules.thresholds.stepUp)).toEqual([62, 62]), {
      timeout: 5000,
      interval: 50,
    });
  });

  it('with RISK_RULES_CHECK_MS=0 a replica keeps its rules while the file changes', async () => {
    writeFileSync(file, withStepUp(70));
    const inForce = await replicas({ RISK_RULES_CHECK_MS: '0' });
    writeFileSync(file, withStepUp(71));
    await vi.waitFor(async () => expect((await inForce())[0]!.rules.thresholds.stepUp).toBe(71), {
      timeout: 5000,
      interval: 50,
    });
    // Longer than the default interval (2 s): 0 is off, not the default.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await inForce())[1]!.rules.thresholds.stepUp).toBe(70);
  });
});

import { writeFileSync } from 'node:fs';
import { renderFrame } from '../../device-sim/src/ui/native-ui.js';
import { pkiPaths } from '../../kit/src/pki.js';
import { startStack } from '../stack.js';
import { connectWorld } from '../world.js';
import { SCENARIOS } from './catalog.js';
import { remoteContext, stackContext } from './context.js';
import { htmlReport, jsonReport, textTable, type Played } from './report.js';
import type { Result } from './types.js';

/**
 * `dfs threats`: plays every scenario (or `--only` one, narrated) against the embedded stack or a
 * running one (ATTESTATION_ADDR, TRANSACTION_ADDR), prints the table, writes --json / --html, and
 * returns 1 when any attack SUCCEEDED.
 */
export async function threatsCommand(opts: { only?: string; json?: string; html?: string; stateDir: string }): Promise<number> {
  const chosen = opts.only ? SCENARIOS.filter((s) => s.id === opts.only) : SCENARIOS;
  if (chosen.length === 0) throw new Error(`unknown scenario "${opts.only}"; one of: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  const remote = process.env.ATTESTATION_ADDR && process.env.TRANSACTION_ADDR;
  const stack = remote ? null : await startStack({ stateDir: opts.stateDir });
  const addrs = stack ?? { attestationAddr: process.env.ATTESTATION_ADDR!, transactionAddr: process.env.TRANSACTION_ADDR! };
  const world = await connectWorld(stack?.pki ?? pkiPaths(opts.stateDir), addrs);
  const narrate = Boolean(opts.only);
  if (narrate) world.onFrame = (f) => console.log(renderFrame(f).split('\n').map((l) => `      ${l}`).join('\n'));
  const played: Played[] = [];
  try {
    for (const s of chosen) {
      if (narrate) console.log(`\n${s.title}\n  story:   ${s.story}\n  attack:  ${s.action}\n  control: ${s.control} (${s.recommendations.join(', ')}; ${s.seed})`);
      const say = narrate ? (line: string) => console.log(`  - ${line}`) : () => {};
      const ctx = stack ? stackContext(stack, world, say) : remoteContext(addrs, world, opts.stateDir, say);
      const result = await s.run(ctx).catch((err: unknown): Result => ({ outcome: 'SUCCEEDED', steps: [`scenario crashed: ${(err as Error).message}`] }));
      played.push({ ...s, ...result });
      if (narrate) {
        for (const step of result.steps) console.log(`  > ${step}`);
        console.log(`  outcome: ${result.outcome}${result.code ? ` (${result.code})` : ''}`);
      } else process.stderr.write(`[threats] ${s.id}: ${result.outcome}\n`);
    }
  } finally {
    world.close();
    await stack?.stop();
  }
  console.log(`\n${textTable(played)}`);
  const report = jsonReport(played);
  console.log(`\n${report.summary.total} scenarios: ${report.summary.blocked} blocked, ${report.summary.detected} detected, ${report.summary.succeeded} succeeded, ${report.summary.notBuilt} not built`);
  if (opts.json) writeFileSync(opts.json, JSON.stringify(report, null, 2));
  if (opts.html) writeFileSync(opts.html, htmlReport(played));
  return report.summary.succeeded > 0 ? 1 : 0;
}

import { writeFileSync } from 'node:fs';
import { renderFrame } from '../../device-sim/src/ui/native-ui.js';
import { pkiPaths } from '../../kit/src/pki.js';
import { startStack } from '../stack.js';
import { connectWorld } from '../world.js';
import { SCENARIOS } from './catalog.js';
import { remoteContext, stackContext } from './context.js';
import { play } from './play.js';
import { runMeta } from '../run-meta.js';
import { htmlReport, jsonReport, textTable } from './report.js';
import type { Played } from './types.js';

/** What an embedded run plays against, as the report states it. */
export const EMBEDDED_TARGET =
  'embedded stack: the attestation, transaction and risk services started in this process, each ' +
  'on its own gRPC (mutual TLS) and HTTP ports on loopback; phones reach them over those sockets';

/**
 * `dfs threats`: plays every scenario (or `--only` one, narrated) against the embedded stack or a
 * running one (ATTESTATION_ADDR, TRANSACTION_ADDR), prints the table, writes --json / --html, and
 * returns 1 unless every scenario was stopped by its named control.
 */
export async function threatsCommand(opts: {
  only?: string;
  json?: string;
  html?: string;
  stateDir: string;
}): Promise<number> {
  const chosen = opts.only ? SCENARIOS.filter((s) => s.id === opts.only) : SCENARIOS;
  if (chosen.length === 0)
    throw new Error(`unknown scenario "${opts.only}"; one of: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  const remote = process.env.ATTESTATION_ADDR && process.env.TRANSACTION_ADDR;
  const stack = remote ? null : await startStack({ stateDir: opts.stateDir });
  const addrs = stack ?? {
    attestationAddr: process.env.ATTESTATION_ADDR!,
    transactionAddr: process.env.TRANSACTION_ADDR!,
  };
  const world = await connectWorld(stack?.pki ?? pkiPaths(opts.stateDir), addrs);
  const meta = runMeta(
    stack
      ? EMBEDDED_TARGET
      : `running stack: attestation ${addrs.attestationAddr}, transaction ${addrs.transactionAddr}`,
  );
  const narrate = Boolean(opts.only);
  if (narrate)
    world.onFrame = (f) =>
      console.log(
        renderFrame(f)
          .split('\n')
          .map((l) => `      ${l}`)
          .join('\n'),
      );
  const played: Played[] = [];
  try {
    for (const s of chosen) {
      if (narrate)
        console.log(
          `\n${s.title} [${s.label}]\n  story:   ${s.story}\n  attack:  ${s.action}\n  ` +
            `control: ${s.control} (${s.recommendations.join(', ')})`,
        );
      const say = narrate ? (line: string) => console.log(`  - ${line}`) : () => {};
      const p = await play(
        s,
        stack ? stackContext(stack, world, say) : remoteContext(addrs, world, opts.stateDir, say),
      );
      played.push(p);
      if (narrate) {
        for (const step of p.observed.steps) console.log(`  > ${step}`);
        console.log(`  evidence: ${JSON.stringify(p.observed.evidence)}`);
        console.log(
          `  outcome: ${p.outcome} (observed ${p.observed.code ?? 'no code'}; expected ${s.expect.code ?? 'no code'})`,
        );
      } else process.stderr.write(`[threats] ${s.id}: ${p.outcome}\n`);
    }
  } finally {
    world.close();
    await stack?.stop();
  }
  console.log(`\n${textTable(played)}`);
  const report = jsonReport(played, meta);
  const s = report.summary;
  console.log(
    `\n${s.total} scenarios: ${s.blocked} blocked, ${s.detected} detected, ${s.succeeded} ` +
      `succeeded, ${s.unexpected} unexpected, ${s.notBuilt} not built`,
  );
  if (opts.json) writeFileSync(opts.json, JSON.stringify(report, null, 2));
  if (opts.html) writeFileSync(opts.html, htmlReport(played, meta));
  return s.blocked + s.detected === s.total ? 0 : 1;
}

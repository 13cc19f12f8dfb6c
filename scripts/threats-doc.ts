// Writes docs/THREATS.md from the scenario catalog (npm run docs:threats); a unit test keeps them in sync.
import { writeFileSync } from 'node:fs';
import { SCENARIOS } from '../cli/threats/catalog.js';

const intro = `# Threat scenarios

Named attacks played against the live stack by \`npm run threats\`, each through the interfaces an
attacker has (the phone's APIs, the network path, the backend's sockets), each mapped to the control
that stops it, the ITU FIGI recommendation it serves (seed 002 §2) and the seed section it comes from.

\`\`\`sh
npm run threats                                 # all scenarios, table; exit 1 if any attack SUCCEEDED
npm run threats -- --only pin-brute-force       # one scenario, narrated with the phone's native UI frames
npm run threats -- --json out.json --html threats.html
\`\`\`

Outcomes: **BLOCKED** (refused with the stable code shown), **DETECTED** (the attack reached its
target but was caught before it changed anything the user or the ledger sees), **SUCCEEDED** (the
control failed: the command exits 1), **NOT_BUILT** (the control does not exist yet; never counted as
passed). Every scenario is also a test in \`test/threats/\`; \`test/threats/sabotage.test.ts\` switches
controls off (a test-only switch no configuration can reach) to show the scenarios really attack.
`;

const body = SCENARIOS.map((s) => `## ${s.title} (\`${s.id}\`)

${s.story}

- attacker: ${s.action}
- control: ${s.control}
- recommendations: ${s.recommendations.join(', ')}; MASVS: ${s.masvs}; source: ${s.seed}
- run alone: \`npm run threats -- --only ${s.id}\`
`).join('\n');

writeFileSync('docs/THREATS.md', `${intro}\n${body}`);
console.log(`docs/THREATS.md: ${SCENARIOS.length} scenarios`);

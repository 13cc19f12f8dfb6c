// Writes docs/THREATS.md from the scenario catalog (npm run
// docs:threats); test/unit/threats-doc.test.ts keeps them in sync.
import { writeFileSync } from 'node:fs';
import { SCENARIOS } from '../cli/threats/catalog.js';
import { renderThreatsDoc } from '../cli/threats/doc.js';

writeFileSync('docs/THREATS.md', renderThreatsDoc());
console.log(`docs/THREATS.md: ${SCENARIOS.length} scenarios`);

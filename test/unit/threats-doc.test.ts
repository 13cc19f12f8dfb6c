import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../cli/threats/catalog.js';
import { renderThreatsDoc } from '../../cli/threats/doc.js';

describe('docs/THREATS.md', () => {
  it('is what npm run docs:threats writes from the catalog', () => {
    expect(readFileSync('docs/THREATS.md', 'utf8')).toBe(renderThreatsDoc());
  });

  it('gives every scenario its story, control, recommendations and how to run it alone', () => {
    const doc = renderThreatsDoc();
    for (const s of SCENARIOS) {
      expect(doc).toContain(s.story);
      expect(doc).toContain(`- control: ${s.control}`);
      expect(doc).toContain(`npm run threats -- --only ${s.id}`);
      expect(doc).toContain(`- sabotage: ${s.port.off}; the attack must then succeed: ${s.success}`);
    }
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README documents every configuration variable (brief §6.3)', () => {
  it('names each variable a service config reads', () => {
    const readme = readFileSync('README.md', 'utf8');
    const files = ['kit/src/config.ts', ...readdirSync('services').map((svc) => `services/${svc}/src/config.ts`)];
    const vars = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^\s+([A-Z][A-Z0-9_]{3,}):/gm)].map((m) => m[1]!),
    );
    const read = [...readFileSync('kit/src/tracing.ts', 'utf8').matchAll(/env\.([A-Z][A-Z0-9_]{3,})/g)].map(
      (m) => m[1]!,
    );
    expect(read).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    vars.push(...read);
    expect(vars.length).toBeGreaterThan(20);
    expect(vars.filter((v) => !readme.includes(`\`${v}\``))).toEqual([]);
  });
});

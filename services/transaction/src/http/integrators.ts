/* eslint-disable security/detect-non-literal-fs-filename --
   the key file is a fixed name under the validated state directory */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, z } from '../../../../kit/src/config.js';
import type { Integrator, IntegratorRegistry } from '../domain/integrators.js';

const IntegratorsFile = z
  .object({
    integrators: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/),
            apiKey: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/),
            accounts: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:_\-.]{0,63}\*?$/)).max(1000),
            callbackUrl: z.url({ protocol: /^https?$/ }).optional(),
          })
          .strict(),
      )
      .max(1000),
  })
  .strict();

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Reads the integrators file (`TRANSACTION_INTEGRATORS_FILE`). On first start in a dev state
 * directory it writes one integrator, `dev`, with a random key collecting into `merchant-*`
 * accounts (mode 0600; dev keys only, never committed).
 */
export function loadIntegrators(file: string): IntegratorRegistry {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ConfigError([`TRANSACTION_INTEGRATORS_FILE: cannot read ${file}`]);
    text = JSON.stringify(
      { integrators: [{ id: 'dev', apiKey: randomBytes(24).toString('base64url'), accounts: ['merchant-*'] }] },
      null,
      2,
    );
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST')
        throw new ConfigError([
          `TRANSACTION_INTEGRATORS_FILE: ${file} does not exist and cannot be ` +
            `created (${code ?? 'error'}); mount it or make its directory writable`,
        ]);
      text = readFileSync(file, 'utf8');
    }
  }
  let parsed: z.infer<typeof IntegratorsFile>;
  try {
    parsed = IntegratorsFile.parse(JSON.parse(text));
  } catch (err) {
    throw new ConfigError([`TRANSACTION_INTEGRATORS_FILE: ${file} is invalid (${(err as Error).name})`]);
  }
  const entries = parsed.integrators.map(({ apiKey, ...rest }) => ({
    key: digest(apiKey),
    integrator: rest as Integrator,
  }));
  return {
    authenticate(apiKey) {
      if (typeof apiKey !== 'string' || apiKey.length > 256) return null;
      const presented = digest(apiKey);
      let found: Integrator | null = null;
      for (const e of entries) if (timingSafeEqual(presented, e.key) && !found) found = e.integrator;
      return found;
    },
    byId: (id) => entries.find((e) => e.integrator.id === id)?.integrator,
  };
}

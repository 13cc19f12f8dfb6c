/* eslint-disable security/detect-non-literal-fs-filename --
   the key file is a fixed name under the validated state directory */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, z } from '../../../../kit/src/config.js';
import { callbackTarget, registeredOrigin } from '../domain/callback-target.js';
import { separationProblems, type Integrator, type IntegratorRegistry } from '../domain/integrators.js';

/** True when a default callbackUrl passes the check a request's X-Callback-URL passes, under its own origin. */
function ownTarget(url: string): boolean {
  try {
    return callbackTarget(url, [new URL(url).origin]).length > 0;
  } catch {
    return false;
  }
}

const IntegratorsFile = z
  .object({
    integrators: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/),
            apiKey: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/),
            accounts: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:_\-.]{0,63}\*?$/)).max(1000),
            callbackUrl: z
              .string()
              .refine(ownTarget, {
                message: 'callbackUrl must be https without credentials or fragment (http only to a loopback host)',
              })
              .optional(),
            callbackOrigins: z
              .array(
                z.string().refine((o) => registeredOrigin(o) !== null, {
                  message: 'each callback origin must be https://host[:port] (http only for a loopback host)',
                }),
              )
              .max(100)
              .optional(),
            types: z
              .array(z.enum(['transfer', 'withdrawal']))
              .max(2)
              .optional(),
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
 * accounts and allowed P2P transfer requests and agent withdrawals (mode 0600; dev keys only, never committed).
 */
export function loadIntegrators(file: string): IntegratorRegistry {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ConfigError([`TRANSACTION_INTEGRATORS_FILE: cannot read ${file}`]);
    text = JSON.stringify(
      {
        integrators: [
          {
            id: 'dev',
            apiKey: randomBytes(24).toString('base64url'),
            accounts: ['merchant-*'],
            types: ['transfer', 'withdrawal'],
          },
        ],
      },
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
    const issues = err instanceof z.ZodError ? err.issues.map((i) => `: ${i.path.join('.')}: ${i.message}`) : [];
    throw new ConfigError([
      `TRANSACTION_INTEGRATORS_FILE: ${file} is invalid (${(err as Error).name}${issues.join(';')})`,
    ]);
  }
  const problems = separationProblems(parsed.integrators);
  if (problems.length) throw new ConfigError(problems.map((p) => `TRANSACTION_INTEGRATORS_FILE: ${file}: ${p}`));
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

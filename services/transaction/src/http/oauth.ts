import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { DfsError, describeError, type ErrorCode } from '../../../../kit/src/errors.js';
import { requestError } from '../../../../kit/src/http.js';
import type { AccessTokens } from '../domain/access-tokens.js';
import type { Integrator, IntegratorRegistry } from '../domain/integrators.js';

/** Where integrators exchange their credentials for an access token (RFC 6749 §4.4). */
export const TOKEN_PATH = '/oauth/token';

export interface IntegratorAuthDeps {
  integrators: IntegratorRegistry;
  accessTokens: AccessTokens;
  /** Takes one request from an integrator's allowance (the API's); false: RATE_LIMITED. */
  takeRate?: (integratorId: string) => Promise<boolean>;
}

/** The RFC 6749 §5.2 `error` of each refusal of the token endpoint. */
const OAUTH_ERROR: Partial<Record<ErrorCode, string>> = {
  OAUTH_CLIENT_INVALID: 'invalid_client',
  OAUTH_GRANT_UNSUPPORTED: 'unsupported_grant_type',
};

/** `Authorization: Basic` credentials (RFC 6749 §2.3.1: each part form-urlencoded), or null. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const m = /^Basic ([A-Za-z0-9+/]+={0,2})$/.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  try {
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: decode(text.slice(0, colon)), secret: decode(text.slice(colon + 1)) };
  } catch {
    return null;
  }
}

/**
 * The integrator a request authenticates as: a bearer access token when an Authorization header
 * is present (never falling back to the API key when it does not verify), else the X-API-Key.
 */
export async function authenticateIntegrator(req: Request, deps: IntegratorAuthDeps): Promise<Integrator> {
  const authorization = req.get('Authorization');
  if (authorization !== undefined) {
    const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization);
    const integrator = m ? await deps.accessTokens.verify(m[1]!) : null;
    if (!integrator) throw new DfsError('INTEGRATOR_TOKEN_INVALID');
    return integrator;
  }
  const integrator = deps.integrators.authenticate(req.get('X-API-Key'));
  if (!integrator) throw new DfsError('INTEGRATOR_UNAUTHENTICATED');
  return integrator;
}

/**
 * `POST /oauth/token`: the OAuth 2.0 client credentials grant. The client authenticates with HTTP
 * Basic (client id: the integrator id; client secret: its API key) and gets a short-lived ES256
 * access token for the integrator API. Errors carry RFC 6749's `error` beside the stable `code`.
 */
export function mountTokenEndpoint(app: Express, deps: IntegratorAuthDeps): void {
  app.post(
    TOKEN_PATH,
    express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 8 }),
    async (req: Request, res: Response) => {
      res.set('Cache-Control', 'no-store');
      if (!req.is('application/x-www-form-urlencoded'))
        throw new DfsError('INVALID_ARGUMENT', 'body must be application/x-www-form-urlencoded');
      const body = req.body as Record<string, unknown>;
      if (body.grant_type !== 'client_credentials') throw new DfsError('OAUTH_GRANT_UNSUPPORTED');
      const client = basicCredentials(req.get('Authorization'));
      const integrator = client ? deps.integrators.authenticate(client.secret) : null;
      if (!client || integrator?.id !== client.id) throw new DfsError('OAUTH_CLIENT_INVALID');
      // Each token is a signature: tokens count against the integrator's allowance like its API calls.
      if (deps.takeRate && !(await deps.takeRate(integrator.id))) {
        res.set('Retry-After', '1');
        throw new DfsError('RATE_LIMITED');
      }
      res.status(200).json(await deps.accessTokens.issue(integrator));
    },
    (err: unknown, _req: Request, res: Response, next: NextFunction) => {
      const { code, http, message } = describeError(requestError(err) ?? err);
      const error = OAUTH_ERROR[code] ?? (http === 400 ? 'invalid_request' : undefined);
      if (!error) return next(err);
      if (http === 401) res.set('WWW-Authenticate', 'Basic realm="dfs-integrator-api"');
      res.status(http).json({ error, error_description: message, code });
    },
  );
}

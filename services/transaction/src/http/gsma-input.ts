import type { Request, Response } from 'express';
import { z } from 'zod';
import { Msisdn } from '../../../../contracts/common.js';
import { Metadata } from '../../../../contracts/integrator.js';
import { DfsError } from '../../../../kit/src/errors.js';
import { ACCOUNT_ID } from '../domain/authorize.js';
import { CALLBACK_TARGET_CHECK, type CallbackTargetCheck } from '../domain/callback-target.js';
import type { Integrator } from '../domain/integrators.js';
import { parseMoney, type Money } from '../domain/money.js';
import { transferStateOf } from '../domain/results.js';
import type { TransferFilter } from '../store/ports.js';

/** Identifier types named by account id (GSMA `walletid` is an alias of `accountid`); see identifiedAccount. */
export const IDENTIFIER_TYPES = new Set(['accountid', 'walletid']);

/** Text of at most `max` characters without control characters. */
export const Text = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u);

/** A GSMA party list: exactly one `{key, value}` (the key and value are checked by `partyAccount`). */
export const PartyInput = z.array(z.strictObject({ key: z.string(), value: z.string() })).length(1);

/**
 * POST .../transactions/type/{merchantpay|transfer}: GSMA requestTransactionType (amount in minor
 * units) with its optional fields.
 */
export const RequestBody = z.strictObject({
  amount: z.string(),
  currency: z.string(),
  debitParty: PartyInput,
  creditParty: PartyInput,
  descriptionText: Text(160).optional(),
  subType: Text(256).optional(),
  requestingOrganisationTransactionReference: Text(256).optional(),
  requestDate: z.iso.datetime({ offset: true }).optional(),
  metadata: Metadata.optional(),
});

/** The integrator the request authenticated as. */
export const integratorOf = (res: Response): Integrator => res.locals.integrator as Integrator;

/** The fields a body refusal names: each issue's path, or the keys it did not expect. */
const fieldsOf = (error: z.ZodError) =>
  [
    ...new Set(error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys : [i.path.join('.') || 'body']))),
  ].join(',');

/** The request body parsed by `schema`; INVALID_ARGUMENT naming the fields otherwise. */
export function parseBody<T>(req: Request, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) throw new DfsError('INVALID_ARGUMENT', fieldsOf(parsed.error));
  return parsed.data;
}

/** Resolves a GSMA `msisdn` to the wallet bound to it (domain/numbers.ts resolveNumber). */
export type NumberResolver = (msisdn: string) => Promise<string>;

/**
 * The account an identifier names: `accountid` / `walletid` as given (a valid account id), `msisdn`
 * through `resolveNumber` when the operator is configured; anything else
 * INTEGRATOR_IDENTIFIER_TYPE_UNSUPPORTED. `fields` name the type and value in refusals.
 */
export async function identifiedAccount(
  type: string,
  value: string,
  fields: { type: string; value: string },
  resolveNumber?: NumberResolver,
): Promise<string> {
  if (type === 'msisdn' && resolveNumber) {
    if (!Msisdn.safeParse(value).success) throw new DfsError('INVALID_ARGUMENT', fields.value);
    return resolveNumber(value).catch((err: unknown) => {
      throw err instanceof DfsError && err.code === 'LEDGER_ACCOUNT_NOT_FOUND'
        ? new DfsError('LEDGER_ACCOUNT_NOT_FOUND', fields.value)
        : err;
    });
  }
  if (!IDENTIFIER_TYPES.has(type)) throw new DfsError('INTEGRATOR_IDENTIFIER_TYPE_UNSUPPORTED', fields.type);
  if (!ACCOUNT_ID.safeParse(value).success) throw new DfsError('INVALID_ARGUMENT', fields.value);
  return value;
}

/** The account a party names (identifiedAccount of its one identifier). */
export function partyAccount(
  party: { key: string; value: string }[],
  name: string,
  resolveNumber?: NumberResolver,
): Promise<string> {
  const p = party[0]!;
  return identifiedAccount(p.key, p.value, { type: `${name}.0.key`, value: `${name}.0.value` }, resolveNumber);
}

/** An amount in minor units and its currency, refused by the field at fault. */
export function moneyOf(
  amount: string,
  currency: string | undefined,
  limits: { currencies: ReadonlySet<string>; maxAmount: number },
  names = ['amount', 'currency'],
): Money {
  try {
    return parseMoney({ minorUnits: amount, currency }, limits.currencies, limits.maxAmount);
  } catch (err) {
    if (err instanceof DfsError) throw new DfsError(err.code, err.code === 'CURRENCY_INVALID' ? names[1] : names[0]);
    throw err;
  }
}

/** The X-CorrelationID a POST must carry (gsmaHeaders has checked it is a UUID). */
export function correlationIdOf(req: Request): string {
  const id = req.get('X-CorrelationID');
  if (id === undefined) throw new DfsError('INVALID_ARGUMENT', 'X-CorrelationID');
  return id;
}

/** A request-creating POST's X-Callback-URL, checked against the integrator's callback origins (undefined: none). */
export function callbackUrlOf(
  req: Request,
  res: Response,
  check: CallbackTargetCheck = CALLBACK_TARGET_CHECK,
): string | undefined {
  const raw = req.get('X-Callback-URL');
  return raw === undefined ? undefined : check(raw, integratorOf(res));
}

/** An ISO 8601 date-time query parameter as epoch milliseconds (undefined when absent); INVALID_ARGUMENT otherwise. */
function dateTimeParam(req: Request, name: string): number | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  if (!z.iso.datetime({ offset: true }).safeParse(raw).success) throw new DfsError('INVALID_ARGUMENT', name);
  return Date.parse(raw as string);
}

/**
 * GET .../accounts/{identifierType}/{identifier}/transactions: the GSMA filters fromDateTime and
 * toDateTime (creation time, both inclusive; toDateTime before fromDateTime is refused, naming
 * toDateTime) and transactionStatus (pending, completed, failed, declined), each refused by name.
 */
export function transferFilterOf(req: Request): TransferFilter {
  const fromMs = dateTimeParam(req, 'fromDateTime');
  const toMs = dateTimeParam(req, 'toDateTime');
  if (fromMs !== undefined && toMs !== undefined && toMs < fromMs) throw new DfsError('INVALID_ARGUMENT', 'toDateTime');
  const status = req.query.transactionStatus;
  const state = typeof status === 'string' ? transferStateOf(status) : undefined;
  if (status !== undefined && !state) throw new DfsError('INVALID_ARGUMENT', 'transactionStatus');
  return {
    ...(fromMs !== undefined ? { fromMs } : {}),
    ...(toMs !== undefined ? { toMs } : {}),
    ...(state ? { state } : {}),
  };
}

/** Sends a JSON text (a signed body, sent as signed) with a status. */
export function sendJson(res: Response, status: number, text: string): void {
  res.status(status).type('application/json').send(text);
}

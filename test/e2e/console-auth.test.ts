import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleStack } from '../support/console.js';

type Env = Awaited<ReturnType<typeof consoleStack>>;

/** Every data, event and action endpoint of the console, with a body where it takes one. */
const ENDPOINTS: [string, string, unknown?][] = [
  ['GET', 'session'],
  ['GET', 'events'],
  ['GET', 'phones'],
  ['POST', 'phones', { profile: 'secure' }],
  ['POST', 'phones/phone-1/keys', { key: '1' }],
  ['POST', 'phones/phone-1/power'],
  ['POST', 'phones/phone-1/call'],
  ['POST', 'phones/phone-1/update'],
  ['POST', 'phones/phone-1/tap', { merchant: 'merchant-coffee', minorUnits: '100' }],
  ['GET', 'operator/devices'],
  ['POST', 'operator/devices/dev-00000000000000000000/revoke', { reason: 'stolen' }],
  ['POST', 'operator/devices/dev-00000000000000000000/reinstate', { reason: 'found' }],
  ['GET', 'operator/payments'],
  ['GET', 'operator/decisions/tx-1'],
  ['GET', 'operator/accounts'],
  ['GET', 'operator/journal'],
  ['GET', 'threats'],
  ['POST', 'threats/plays', { scenario: 'amount-in-transit' }],
  ['GET', 'load'],
  ['POST', 'load/runs', { devices: 2, durationSec: 2, rate: 1 }],
];

describe('the console needs the operator credential (plain HTTP, no browser)', () => {
  let c: Env;
  beforeAll(async () => {
    c = await consoleStack();
  });
  afterAll(async () => {
    await c?.close();
  });

  const send = (method: string, path: string, body: unknown, authorization?: string) =>
    fetch(`${c.web.url}api/${path}`, {
      method,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('with the operator token: the session answers, the event stream opens, a phone is added', async () => {
    const auth = `Bearer ${c.token}`;
    const session = await send('GET', 'session', undefined, auth);
    expect([session.status, ((await session.json()) as { tabs: { id: string }[] }).tabs.map((t) => t.id)]).toEqual([
      200,
      expect.arrayContaining(['phones', 'operator']),
    ]);
    const ac = new AbortController();
    const events = await fetch(`${c.web.url}api/events`, { headers: { authorization: auth }, signal: ac.signal });
    expect([events.status, events.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
    ac.abort();
    const added = await send('POST', 'phones', { profile: 'secure' }, auth);
    expect([added.status, ((await added.json()) as { power: string }).power]).toEqual([201, 'off']);
    const devices = await send('GET', 'operator/devices', undefined, auth);
    expect(devices.status).toBe(200);
  });

  it('bad input gets a stable code and the console keeps serving', async () => {
    const auth = `Bearer ${c.token}`;
    const answer = async (method: string, path: string, body: unknown) => {
      const res = await send(method, path, body, auth);
      return [res.status, ((await res.json()) as { code?: string }).code];
    };
    expect(await answer('POST', 'phones', { profile: 'no-such-profile' })).toEqual([400, 'INVALID_ARGUMENT']);
    expect(await answer('POST', 'phones', { profile: 'secure', extra: 1 })).toEqual([400, 'INVALID_ARGUMENT']);
    expect(await answer('POST', 'phones/phone-1/keys', { key: 'Escape' })).toEqual([400, 'INVALID_ARGUMENT']);
    expect(await answer('POST', 'phones/phone-99/keys', { key: '1' })).toEqual([404, 'CONSOLE_PHONE_NOT_FOUND']);
    const tap = { merchant: 'merchant-nowhere', minorUnits: '100' };
    expect(await answer('POST', 'phones/phone-1/tap', tap)).toEqual([404, 'LEDGER_ACCOUNT_NOT_FOUND']);
    expect(await answer('POST', 'phones/phone-1/call', undefined)).toEqual([409, 'CONSOLE_PHONE_BUSY']);
    const badReason = { reason: 'x'.repeat(201) };
    expect(await answer('POST', 'operator/devices/dev-00000000000000000000/revoke', badReason)).toEqual([
      400,
      'INVALID_ARGUMENT',
    ]);
    expect(await answer('GET', 'operator/decisions/tx-1?stage=other', undefined)).toEqual([400, 'INVALID_ARGUMENT']);
    const broken = await fetch(`${c.web.url}api/phones`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: '{"profile":',
    });
    expect([broken.status, ((await broken.json()) as { code?: string }).code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect((await send('GET', 'session', undefined, auth)).status).toBe(200);
  });

  it.each([
    ['no credential', undefined],
    ['a wrong token', 'Bearer not-the-operator-token-0000000000000000'],
    ['another scheme', 'Basic b3BlcmF0b3I6cGFzc3dvcmQ='],
  ])('with %s every data, event and action endpoint is 401 CONSOLE_UNAUTHENTICATED', async (_name, authorization) => {
    const answers = await Promise.all(
      ENDPOINTS.map(async ([method, path, body]) => {
        const res = await send(method, path, body, authorization);
        return [method, path, res.status, ((await res.json()) as { code?: string }).code];
      }),
    );
    expect(answers).toEqual(ENDPOINTS.map(([m, p]) => [m, p, 401, 'CONSOLE_UNAUTHENTICATED']));
    const phones = await send('GET', 'phones', undefined, `Bearer ${c.token}`);
    expect(((await phones.json()) as { phones: unknown[] }).phones).toHaveLength(1);
  });

  it('the page itself is public and holds no data; it may load only its own script and style', async () => {
    const page = await fetch(c.web.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).not.toContain(c.token);
    expect((await fetch(`${c.web.url}app.js`)).status).toBe(200);
  });
});

describe('sabotage: the console credential check replaced by one that lets everyone in (access injected)', () => {
  let c: Env;
  beforeAll(async () => {
    c = await consoleStack(() => (_req, _res, next) => next());
  });
  afterAll(async () => {
    await c?.close();
  });

  it('console data is exposed, but device actions still need the token at the attestation service', async () => {
    const phone = await c.env.world.phone('secure');
    const { deviceId } = await phone.daemon.enroll(c.env.world.newId('wallet'));
    const phones = await fetch(`${c.web.url}api/phones`);
    expect(phones.status).toBe(200);
    const devices = await fetch(`${c.web.url}api/operator/devices`);
    expect([devices.status, ((await devices.json()) as { code?: string }).code]).toEqual([
      401,
      'ATTESTATION_OPERATOR_UNAUTHENTICATED',
    ]);
    const revoke = await fetch(`${c.web.url}api/operator/devices/${deviceId}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'no credential' }),
    });
    expect([revoke.status, ((await revoke.json()) as { code?: string }).code]).toEqual([
      401,
      'ATTESTATION_OPERATOR_UNAUTHENTICATED',
    ]);
    const withToken = await fetch(`${c.web.url}api/operator/devices`, {
      headers: { authorization: `Bearer ${c.token}` },
    });
    const listed = (await withToken.json()) as { devices: { deviceId: string; status: string }[] };
    expect(listed.devices.find((d) => d.deviceId === deviceId)?.status).toBe('ACTIVE');
  });
});

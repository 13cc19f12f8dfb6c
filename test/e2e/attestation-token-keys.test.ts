import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../kit/src/contracts.js';
import { call, createClient } from '../../kit/src/grpc-client.js';
import { readTls } from '../../kit/src/tls.js';
import { FREE_PORTS } from '../../cli/stack.js';
import { loadConfig as attestationConfig } from '../../services/attestation/src/config.js';
import { startAttestation } from '../../services/attestation/src/main.js';
import { codeOf } from '../support/expect-code.js';
import { fundedPhone, testStack } from '../support/stack.js';

type Env = Awaited<ReturnType<typeof testStack>>;
const OPERATOR = 'operator-token-for-tests-0123456789abcdef';
const small = { minorUnits: '150', currency: 'KES' };

describe('attestation tokens at the transaction service', () => {
  let env: Env;
  const http = () => `https://127.0.0.1:${env.stack.services.find((s) => s.name === 'attestation')!.httpPort}`;
  const operator = (method: string, path: string, body?: unknown) =>
    fetch(`${http()}${path}`, {
      method,
      headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const publishedKids = async () =>
    ((await (await fetch(`${http()}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map(
      (k) => k.kid,
    );

  beforeAll(async () => {
    env = await testStack({ ATTESTATION_OPERATOR_TOKEN: OPERATOR, ATTESTATION_JWKS_MAX_AGE_SEC: '1' });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('refuses a token presented with a different key than the one it is bound to (PAYMENT_KEY_NOT_BOUND)', async () => {
    const victim = await fundedPhone(env.world);
    const thief = await fundedPhone(env.world);
    thief.phone.daemon.enrollment!.token = victim.enrollment.token;
    expect(await codeOf(thief.phone.daemon.pay({ payee: thief.merchant, amount: small }))).toBe(
      'PAYMENT_KEY_NOT_BOUND',
    );
  });

  it('refuses an expired token (TOKEN_EXPIRED)', async () => {
    const { phone, merchant, enrollment } = await fundedPhone(env.world);
    const jwk = JSON.parse(readFileSync(join(env.stack.stateDir, 'keys', 'attestation-token.jwk.json'), 'utf8')) as JWK;
    const claims = decodeJwt(enrollment.token);
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = await new SignJWT({ ...claims })
      .setProtectedHeader(decodeProtectedHeader(enrollment.token) as { alg: string })
      .setIssuedAt(past - 600)
      .setExpirationTime(past)
      .sign(await importJWK({ ...jwk, alg: 'ES256' }, 'ES256'));
    phone.daemon.enrollment!.token = expired;
    expect(await codeOf(phone.daemon.pay({ payee: merchant, amount: small }))).toBe('TOKEN_EXPIRED');
  });

  it(
    'a restarted attestation service signs with the rotated key and publishes ' +
      'no key removed before the restart, not even its initial key file (retireNow)',
    async () => {
      const before = (await (await operator('GET', '/v1/operator/token-keys')).json()) as { current: string };
      const keyFile = join(env.stack.stateDir, 'keys', 'attestation-token.jwk.json');
      const { d: _d, ...initial } = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
      expect(before.current).toBe(await calculateJwkThumbprint(initial));
      const rotated = (await (
        await operator('POST', '/v1/operator/token-keys/rotate', { retireNow: true })
      ).json()) as { current: string; next: string; retired: { kid: string }[] };
      expect(await publishedKids()).not.toContain(before.current);
      const { stateDir } = env.stack;
      const restarted = await startAttestation(
        attestationConfig({
          ...FREE_PORTS,
          DFS_STATE_DIR: stateDir,
          ATTESTATION_OEM_ROOTS: join(stateDir, 'oem', 'root.crt'),
          ATTESTATION_OPERATOR_TOKEN: OPERATOR,
          LOG_LEVEL: 'silent',
        }),
        env.stack.bus,
      );
      try {
        const jwks = (await (await fetch(`https://127.0.0.1:${restarted.httpPort}/.well-known/jwks.json`)).json()) as {
          keys: { kid: string }[];
        };
        const kids = jwks.keys.map((k) => k.kid);
        expect(kids).not.toContain(before.current);
        expect(kids.slice(0, 2)).toEqual([rotated.current, rotated.next]);
        const state = await fetch(`https://127.0.0.1:${restarted.httpPort}/v1/operator/token-keys`, {
          headers: { authorization: `Bearer ${OPERATOR}` },
        });
        expect(((await state.json()) as { current: string }).current).toBe(rotated.current);
      } finally {
        await restarted.stop();
      }
    },
  );

  it(
    'rotates the token keys without restarting the transaction service, ' +
      'then refuses a token of a removed retired key (TOKEN_INVALID)',
    async () => {
      const before = await fundedPhone(env.world);
      const oldKid = decodeProtectedHeader(before.enrollment.token).kid!;
      expect((await before.phone.daemon.pay({ payee: before.merchant, amount: small })).status).toBe('POSTED');

      expect((await operator('POST', '/v1/operator/token-keys/rotate', {})).status).toBe(200);
      const state = (await (await operator('POST', '/v1/operator/token-keys/rotate', {})).json()) as {
        current: string;
        retired: { kid: string }[];
      };
      expect(state.retired.map((r) => r.kid)).toContain(oldKid);

      const after = await fundedPhone(env.world);
      const newKid = decodeProtectedHeader(after.enrollment.token).kid!;
      expect(newKid).toBe(state.current);
      expect(newKid).not.toBe(oldKid);
      expect((await after.phone.daemon.pay({ payee: after.merchant, amount: small })).status).toBe('POSTED');
      expect((await before.phone.daemon.pay({ payee: before.merchant, amount: small })).status).toBe('POSTED');
      expect(await publishedKids()).toEqual(expect.arrayContaining([oldKid, newKid]));

      expect((await operator('DELETE', `/v1/operator/token-keys/${oldKid}`)).status).toBe(200);
      expect(await publishedKids()).not.toContain(oldKid);
      await new Promise((r) => setTimeout(r, 1100));
      expect(await codeOf(before.phone.daemon.pay({ payee: before.merchant, amount: small }))).toBe('TOKEN_INVALID');
      expect((await after.phone.daemon.pay({ payee: after.merchant, amount: small })).status).toBe('POSTED');
    },
  );

  it(
    'publishes the same key set over gRPC GetTokenKeys with ' +
      'its cache max age, and refuses an unknown key id to remove',
    async () => {
      const svc = createClient(
        contracts().AttestationService,
        env.stack.attestationAddr,
        readTls({
          ca: env.stack.pki.ca,
          cert: env.stack.pki.cert('transaction'),
          key: env.stack.pki.key('transaction'),
        }),
        'attestation',
      );
      try {
        const set = await call(svc, svc.GetTokenKeys, {});
        expect(set.maxAgeSec).toBe(1);
        expect((JSON.parse(set.jwksJson) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual(
          await publishedKids(),
        );
      } finally {
        svc.close();
      }
      const res = await operator('DELETE', '/v1/operator/token-keys/not-a-kid');
      expect([res.status, (await res.json()).code]).toEqual([404, 'ATTESTATION_TOKEN_KEY_NOT_FOUND']);
      const anon = await fetch(`${http()}/v1/operator/token-keys/rotate`, { method: 'POST' });
      expect(anon.status).toBe(401);
    },
  );
});

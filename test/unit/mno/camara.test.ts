import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeHttp, listen } from '../../../kit/src/http.js';
import { createLogger } from '../../../kit/src/log.js';
import { LineRegistry, type LineChange } from '../../../services/mno/src/domain/lines.js';
import { mnoHttp } from '../../../services/mno/src/http/app.js';
import { camaraSimSwap } from '../../../services/risk/src/http/camara-client.js';
import { sha256b64url } from '../../../kit/src/jws.js';
import { camaraNumberVerification } from '../../../services/transaction/src/http/number-verification.js';
import { codeOf } from '../../support/expect-code.js';

const KEY = 'k'.repeat(40);
/** The operator's own token for its line controls (not the API key risk and transaction hold). */
const OP = 'o'.repeat(40);

describe(
  "the operator's CAMARA SIM Swap API (request and response " + "shapes, ErrorInfo errors) and risk's client of it",
  () => {
    let now = Date.UTC(2026, 11, 1);
    const lines = new LineRegistry('254', () => now);
    const changes: [string, LineChange][] = [];
    let server: Awaited<ReturnType<typeof listen>>;
    let url: string;
    const post = (path: string, body: unknown, key = KEY, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
        body: JSON.stringify(body),
      });

    /** A line control (`/v1/lines...`) with the operator's token, or another bearer. */
    const line = (path: string, method = 'POST', token: string | null = OP) =>
      fetch(`${url}/v1/lines${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

    beforeAll(async () => {
      server = await listen(
        mnoHttp({
          lines,
          apiKey: KEY,
          operatorToken: OP,
          now: () => now,
          log: createLogger('mno', 'silent'),
          changed: async (m, c) => {
            changes.push([m, c]);
          },
          ready: () => true,
        }),
        '127.0.0.1',
        0,
      );
      url = `http://127.0.0.1:${server.port}`;
    });
    afterAll(async () => {
      await closeHttp(server.server);
    });

    it(
      'check answers swapped false for a fresh line and true after ' +
        'a swap within maxAge; retrieve-date gives the change time',
      async () => {
        const sim = (await (await line('')).json()) as {
          msisdn: string;
          imsi: string;
          iccid: string;
        };
        expect(sim.msisdn).toMatch(/^\+254\d{9}$/);
        expect(await (await post('/sim-swap/v1/check', { phoneNumber: sim.msisdn, maxAge: 24 })).json()).toEqual({
          swapped: false,
        });
        now += 3_600_000;
        const swapped = (await (await line(`/${encodeURIComponent(sim.msisdn)}/swap`)).json()) as object;
        expect(swapped).toEqual({ msisdn: sim.msisdn, latestSimChange: new Date(now).toISOString() });
        expect(changes).toContainEqual([sim.msisdn, 'swapped']);
        const res = await post('/sim-swap/v1/check', { phoneNumber: sim.msisdn, maxAge: 24 }, KEY, {
          'x-correlator': 'abc-123',
        });
        expect([res.status, res.headers.get('x-correlator'), await res.json()]).toEqual([
          200,
          'abc-123',
          { swapped: true },
        ]);
        now += 25 * 3_600_000;
        expect(await (await post('/sim-swap/v1/check', { phoneNumber: sim.msisdn, maxAge: 24 })).json()).toEqual({
          swapped: false,
        });
        expect(await (await post('/sim-swap/v1/retrieve-date', { phoneNumber: sim.msisdn })).json()).toEqual({
          latestSimChange: new Date(Date.UTC(2026, 11, 1) + 3_600_000).toISOString(),
        });
      },
    );

    it(
      'line controls need the operator token: no token, a wrong one or the API key is MNO_UNAUTHENTICATED and ' +
        'changes nothing',
      async () => {
        const sim = (await (await line('')).json()) as { msisdn: string; imsi: string };
        const number = encodeURIComponent(sim.msisdn);
        const before = changes.length;
        for (const token of [null, 'wrong-token-wrong-token-wrong-token-wrong', KEY])
          for (const [path, method] of [
            ['', 'POST'],
            [`/${number}/swap`, 'POST'],
            [`/${number}/port`, 'POST'],
            [`/${number}/sim`, 'DELETE'],
          ] as const) {
            const res = await line(path, method, token);
            expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([401, 'MNO_UNAUTHENTICATED']);
          }
        expect(changes.length).toBe(before);
        expect(lines.get(sim.msisdn).sim?.imsi).toBe(sim.imsi);
        const ported = await line(`/${number}/port`);
        expect([ported.status, Object.keys((await ported.json()) as object).sort()]).toEqual([
          200,
          ['latestSimChange', 'msisdn'],
        ]);
        expect((await line(`/${number}/sim`, 'DELETE')).status).toBe(204);
        expect(changes.slice(before)).toEqual([
          [sim.msisdn, 'ported'],
          [sim.msisdn, 'removed'],
        ]);
      },
    );

    it('errors follow CAMARA ErrorInfo with stable codes', async () => {
      const sim = (await (await line('')).json()) as { msisdn: string };
      const cases: [unknown, string | undefined, number, string][] = [
        [{ phoneNumber: sim.msisdn }, 'wrong-key-wrong-key-wrong-key-wrong-key', 401, 'UNAUTHENTICATED'],
        [{ phoneNumber: sim.msisdn, maxAge: 0 }, undefined, 400, 'OUT_OF_RANGE'],
        [{ phoneNumber: sim.msisdn, maxAge: 2401 }, undefined, 400, 'OUT_OF_RANGE'],
        [{ phoneNumber: '0712345678' }, undefined, 400, 'INVALID_ARGUMENT'],
        [{ maxAge: 24 }, undefined, 422, 'MISSING_IDENTIFIER'],
        [{ phoneNumber: '+254700000001' }, undefined, 404, 'IDENTIFIER_NOT_FOUND'],
      ];
      for (const [body, key, status, code] of cases) {
        const res = await post('/sim-swap/v1/check', body, key);
        expect({ status: res.status, body: await res.json() }).toMatchObject({ status, body: { status, code } });
      }
    });

    it(
      "risk's client caches an answer per number and fails with " +
        'SIM_SWAP_CHECK_UNAVAILABLE when the operator is wrong or down',
      async () => {
        const sim = (await (await line('')).json()) as { msisdn: string };
        const client = camaraSimSwap({ url, apiKey: () => KEY, deadlineMs: 1000, cacheMs: 60_000 });
        expect(await client.check(sim.msisdn, 48)).toEqual({ swapped: false });
        now += 1000;
        await line(`/${encodeURIComponent(sim.msisdn)}/swap`);
        expect(await client.check(sim.msisdn, 48)).toEqual({ swapped: false });
        expect(
          await camaraSimSwap({ url, apiKey: () => KEY, deadlineMs: 1000, cacheMs: 0 }).check(sim.msisdn, 48),
        ).toEqual({ swapped: true });
        expect(
          await codeOf(
            camaraSimSwap({ url, apiKey: () => 'x'.repeat(40), deadlineMs: 1000, cacheMs: 0 }).check(sim.msisdn, 48),
          ),
        ).toBe('SIM_SWAP_CHECK_UNAVAILABLE');
        expect(
          await codeOf(
            camaraSimSwap({ url: 'http://127.0.0.1:9', apiKey: () => KEY, deadlineMs: 300, cacheMs: 0 }).check(
              sim.msisdn,
              48,
            ),
          ),
        ).toBe('SIM_SWAP_CHECK_UNAVAILABLE');
      },
    );
    it('checks of one number while its call is out share that call; a failed call is shared, not kept', async () => {
      const sim = (await (await line('')).json()) as { msisdn: string };
      const keys = ['w'.repeat(40), KEY, KEY];
      let calls = 0;
      const client = camaraSimSwap({ url, apiKey: () => keys[calls++]!, deadlineMs: 1000, cacheMs: 60_000 });
      const burst = () => Promise.all(Array.from({ length: 15 }, () => codeOf(client.check(sim.msisdn, 48))));
      expect(await burst()).toEqual(Array(15).fill('SIM_SWAP_CHECK_UNAVAILABLE'));
      expect(calls).toBe(1);
      const answers = await Promise.all(Array.from({ length: 15 }, () => client.check(sim.msisdn, 48)));
      expect(answers).toEqual(Array(15).fill({ swapped: false }));
      expect(calls).toBe(2);
      expect(await client.check(sim.msisdn, 48)).toEqual({ swapped: false });
      expect(calls).toBe(2);
    });
    it(
      'number verification confirms a number only with the IMSI hash of its working SIM; ' +
        "the transaction service's client reads it and fails with NUMBER_VERIFICATION_UNAVAILABLE",
      async () => {
        const sim = (await (await line('')).json()) as {
          msisdn: string;
          imsi: string;
        };
        const verify = (phoneNumber: string, imsiHash: string, key = KEY) =>
          post('/number-verification/v0/verify', { phoneNumber, imsiHash }, key);
        const own = sha256b64url(sim.imsi);
        expect(await (await verify(sim.msisdn, own)).json()).toEqual({ devicePhoneNumberVerified: true });
        expect(await (await verify(sim.msisdn, sha256b64url('639000000000000'))).json()).toEqual({
          devicePhoneNumberVerified: false,
        });
        const refused = await verify(sim.msisdn, own, 'wrong-key-wrong-key-wrong-key-wrong-key');
        expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([401, 'UNAUTHENTICATED']);
        const unknown = await verify('+254700000001', own);
        expect([unknown.status, ((await unknown.json()) as { code: string }).code]).toEqual([
          404,
          'IDENTIFIER_NOT_FOUND',
        ]);

        const client = camaraNumberVerification({ url, apiKey: () => KEY, deadlineMs: 1000 });
        expect(await client.verify(sim.msisdn, own)).toBe(true);
        expect(await client.verify('+254700000001', own)).toBe(false);
        await line(`/${encodeURIComponent(sim.msisdn)}/swap`);
        expect(await client.verify(sim.msisdn, own)).toBe(false);
        expect(
          await codeOf(
            camaraNumberVerification({
              url: 'http://127.0.0.1:9',
              apiKey: () => KEY,
              deadlineMs: 300,
            }).verify(sim.msisdn, own),
          ),
        ).toBe('NUMBER_VERIFICATION_UNAVAILABLE');
      },
    );
  },
);

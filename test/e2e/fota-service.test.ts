import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256hex } from '../../device-sim/src/firmware.js';
import { httpsTransport } from '../../device-sim/src/fota.js';
import { setLogDestination } from '../../kit/src/log.js';
import { ensureDevPki } from '../../kit/src/pki.js';
import { loadConfig } from '../../services/fota/src/config.js';
import { startFota } from '../../services/fota/src/main.js';

const MODEL = 'KaiPhone 4G';
type Fota = Awaited<ReturnType<typeof startFota>>;

function get(
  url: string,
  ca: Buffer,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', ca, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('FOTA service: HTTPS with the dev PKI, catalog-driven packages, two replicas on one state directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfs-fota-'));
  const other = mkdtempSync(join(tmpdir(), 'dfs-fota-other-'));
  let replicas: Fota[];
  let ca: Buffer;
  beforeAll(async () => {
    setLogDestination(2);
    const pki = await ensureDevPki(dir);
    await ensureDevPki(other);
    ca = readFileSync(pki.ca);
    const env = { DFS_STATE_DIR: dir, FOTA_HTTPS_PORT: '0', LOG_LEVEL: 'silent' };
    replicas = await Promise.all([startFota(loadConfig(env)), startFota(loadConfig(env))]);
  });
  afterAll(async () => {
    await Promise.all((replicas ?? []).map((r) => r.stop()));
    rmSync(dir, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  });

  it(
    'offers the newest release with a differential from ' + 'the running version, and nothing to a current phone',
    async () => {
      const t = httpsTransport(replicas[0]!.httpsUrl, ca);
      const offer = (await t.check(MODEL, 2)).update!;
      expect(offer).toMatchObject({
        version: 3,
        patchLevel: 202610,
        rollbackIndex: 3,
        endOfLife: '2030-12-31',
        differential: { baseVersion: 2 },
      });
      expect(offer.differential!.size).toBeLessThan(offer.full.size);
      expect((await t.check(MODEL, 1)).update).toMatchObject({ version: 3 });
      expect((await t.check(MODEL, 1)).update!.differential).toBeUndefined();
      expect((await t.check(MODEL, 3)).update).toBeNull();
      expect((await t.check('Unknown Phone', 1)).update).toBeNull();
    },
  );

  it('two replicas started together on one state directory serve the same signed packages byte for byte', async () => {
    const [a, b] = replicas.map((r) => httpsTransport(r.httpsUrl, ca));
    const [oa, ob] = [(await a!.check(MODEL, 2)).update!, (await b!.check(MODEL, 2)).update!];
    const hashOf = (m: string) =>
      JSON.parse(Buffer.from(m.split('.')[1]!, 'base64url').toString('utf8')).packageSha256 as string;
    expect(hashOf(oa.full.manifest)).toBe(hashOf(ob.full.manifest));
    const bytesA = await a!.fetchRange(oa.full.path, 0, oa.full.size - 1);
    const bytesB = await b!.fetchRange(ob.full.path, 0, ob.full.size - 1);
    expect(sha256hex(bytesA)).toBe(sha256hex(bytesB));
    expect(sha256hex(bytesA)).toBe(hashOf(oa.full.manifest));
  });

  it('serves byte ranges (206) and answers bad input with stable codes while it keeps serving', async () => {
    const base = replicas[0]!.httpsUrl;
    const path = `/v1/packages/${encodeURIComponent(MODEL)}/3/full`;
    const part = await get(`${base}${path}`, ca, { headers: { range: 'bytes=10-19' } });
    expect([part.status, part.body.length, String(part.headers['content-range']).startsWith('bytes 10-19/')]).toEqual([
      206,
      10,
      true,
    ]);
    expect(
      JSON.parse((await get(`${base}/v1/packages/${encodeURIComponent(MODEL)}/9/full`, ca)).body.toString()).code,
    ).toBe('FOTA_RELEASE_NOT_FOUND');
    const bad = await get(`${base}/v1/updates/check`, ca, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":1}',
    });
    expect([bad.status, JSON.parse(bad.body.toString()).code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect((await get(`${base}/readyz`, ca)).status).toBe(200);
  });

  it(
    'a phone pinned to another CA refuses the service (the ' + 'phone trusts only the CA it was provisioned with)',
    async () => {
      const wrongCa = readFileSync(join(other, 'pki', 'ca.crt'));
      const err = await httpsTransport(replicas[0]!.httpsUrl, wrongCa)
        .check(MODEL, 2)
        .then(
          () => undefined,
          (e: NodeJS.ErrnoException) => e,
        );
      expect(err?.code).toMatch(
        /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/,
      );
    },
  );
});

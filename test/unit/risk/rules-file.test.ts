import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DfsError } from '../../../kit/src/errors.js';
import { closeHttp, listen } from '../../../kit/src/http.js';
import { createLogger } from '../../../kit/src/log.js';
import { decide } from '../../../services/risk/src/domain/decide.js';
import { riskHttp } from '../../../services/risk/src/http/app.js';
import { loadConfig as riskConfig } from '../../../services/risk/src/config.js';
import { loadRules, rulesSource } from '../../../services/risk/src/rules-file.js';
import { memoryFeatureStore } from '../../../services/risk/src/store/memory/index.js';
import { NOW, payment } from './fixtures.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof DfsError ? err.code : 'NOT_A_DFS_ERROR';
  }
  return 'NO_ERROR';
};

describe('risk rule file: validated at start-up, reloadable, explained over HTTP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'risk-rules-'));
  const file = join(dir, 'rules.json');
  const shipped = JSON.parse(readFileSync('config/risk-rules.json', 'utf8'));
  const write = (edit: (r: typeof shipped) => void) => {
    const r = structuredClone(shipped);
    edit(r);
    writeFileSync(file, JSON.stringify(r));
  };
  const source = (() => {
    copyFileSync('config/risk-rules.json', file);
    return rulesSource(file);
  })();
  const store = memoryFeatureStore();
  const TOKEN = randomBytes(32).toString('base64url');
  const AUTH = { headers: { authorization: `Bearer ${TOKEN}` } };
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = riskHttp({
      ready: () => true,
      rules: source,
      store,
      log: createLogger('risk-test', 'silent'),
      operatorToken: TOKEN,
    });
    const l = await listen(app, '127.0.0.1', 0);
    server = l.server;
    base = `http://127.0.0.1:${l.port}`;
  });
  afterAll(async () => {
    await closeHttp(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a bad rule file at start-up with CONFIG_INVALID', () => {
    const bad = join(dir, 'bad.json');
    for (const edit of [
      (r: typeof shipped) => {
        delete r.rules['pin.locked'];
      },
      (r: typeof shipped) => {
        r.thresholds.stepUp = 500;
      },
      (r: typeof shipped) => {
        r.tiers.LOW.maxPerPayment = -1;
      },
      (r: typeof shipped) => {
        r.rules['velocity.device'].windowSec = 30 * 86_400;
      },
    ]) {
      const r = structuredClone(shipped);
      edit(r);
      writeFileSync(bad, JSON.stringify(r));
      expect(codeOf(() => loadRules(bad))).toBe('CONFIG_INVALID');
    }
    writeFileSync(bad, '{ not json');
    expect(codeOf(() => loadRules(bad))).toBe('CONFIG_INVALID');
    expect(codeOf(() => loadRules(join(dir, 'missing.json')))).toBe('CONFIG_INVALID');
  });

  it('answers operators only: rules, reload, trails refuse a missing or wrong token; health is public', async () => {
    const routes: [string, string][] = [
      ['GET', '/v1/rules'],
      ['POST', '/v1/rules/reload'],
      ['GET', '/v1/decisions/tx-none'],
    ];
    const before = source.current();
    for (const [method, path] of routes)
      for (const headers of [{}, { authorization: `Bearer ${'x'.repeat(40)}` }, { authorization: TOKEN }] as Record<
        string,
        string
      >[]) {
        const res = await fetch(`${base}${path}`, { method, headers });
        expect([method, path, res.status, (await res.json()).code]).toEqual([
          method,
          path,
          401,
          'RISK_OPERATOR_UNAUTHENTICATED',
        ]);
      }
    expect(source.current()).toBe(before);
    expect((await fetch(`${base}/v1/rules`, AUTH)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('GET /v1/rules shows the rules in force and their id', async () => {
    const res = await fetch(`${base}/v1/rules`, AUTH);
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body.id).toBe(source.current().id);
    expect(body.rules.tiers.LOW.maxPerPayment).toBe(shipped.tiers.LOW.maxPerPayment);
  });

  it('reloads without restart; a bad reload answers CONFIG_INVALID and keeps the previous rules', async () => {
    const before = source.current();
    write((r) => {
      r.tiers.LOW.maxPerPayment = 7_000;
    });
    const ok = await fetch(`${base}/v1/rules/reload`, { ...AUTH, method: 'POST' });
    expect(ok.status).toBe(200);
    expect(source.current().rules.tiers.LOW.maxPerPayment).toBe(7_000);
    expect((await ok.json()).id).not.toBe(before.id);

    const good = source.current();
    write((r) => {
      r.tiers.LOW.maxPerPayment = 'a lot';
    });
    const bad = await fetch(`${base}/v1/rules/reload`, { ...AUTH, method: 'POST' });
    expect([bad.status, (await bad.json()).code]).toEqual([500, 'CONFIG_INVALID']);
    expect(source.current()).toBe(good);
    expect((await (await fetch(`${base}/v1/rules`, AUTH)).json()).id).toBe(good.id);
    expect(codeOf(() => source.reload())).toBe('CONFIG_INVALID');
  });

  it('GET /v1/decisions/{transactionId} returns the decision trail, TRANSACTION_NOT_FOUND otherwise', async () => {
    const missing = await fetch(`${base}/v1/decisions/tx-none`, AUTH);
    expect([missing.status, (await missing.json()).code]).toEqual([404, 'TRANSACTION_NOT_FOUND']);
    await decide(payment(3_000_000, 'LOW', { transactionId: 'tx-trail' }), store, source.current(), NOW);
    const res = await fetch(`${base}/v1/decisions/tx-trail`, AUTH);
    const trail = await res.json();
    expect(res.status).toBe(200);
    expect(trail).toMatchObject({
      transactionId: 'tx-trail',
      decision: 'DECLINE',
      tier: 'LOW',
      atMs: NOW,
      rulesetId: source.current().id,
    });
    expect(trail.ruleIds).toContain('tier.perPayment');
    expect(trail.hits.find((h: { ruleId: string }) => h.ruleId === 'tier.perPayment')).toMatchObject({ veto: true });
  });

  it(
    'GET /v1/decisions/{transactionId}?stage=step-up returns ' +
      'the step-up stage trail; a bad stage is INVALID_ARGUMENT',
    async () => {
      const held = payment(300_000, 'HIGH', { transactionId: 'tx-stepped' });
      await decide(held, store, source.current(), NOW);
      await decide({ ...held, stage: 'step-up' }, store, source.current(), NOW + 1);
      const get = async (query: string) => {
        const r = await fetch(`${base}/v1/decisions/tx-stepped${query}`, AUTH);
        const body = await r.json();
        return [r.status, body.stage ?? body.code];
      };
      expect(await get('')).toEqual([200, 'payment']);
      expect(await get('?stage=payment')).toEqual([200, 'payment']);
      expect(await get('?stage=step-up')).toEqual([200, 'step-up']);
      expect(await get('?stage=refund')).toEqual([400, 'INVALID_ARGUMENT']);
      expect((await fetch(`${base}/v1/decisions/tx-trail?stage=step-up`, AUTH)).status).toBe(404);
    },
  );
});

describe('risk rule file followed: a changed file taken, a bad one refused once (again when it comes back)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'risk-rules-follow-'));
  const file = join(dir, 'rules.json');
  const shipped = JSON.parse(readFileSync('config/risk-rules.json', 'utf8'));
  const withLowMax = (max: unknown) => {
    const r = structuredClone(shipped);
    r.tiers.LOW.maxPerPayment = max;
    writeFileSync(file, JSON.stringify(r));
  };
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports each change once, keeps the previous rules on a bad or missing file, stops when asked', async () => {
    withLowMax(1_000);
    const source = rulesSource(file);
    const taken: number[] = [];
    const refused: string[] = [];
    const stop = source.follow(10, {
      taken: (r) => taken.push(r.rules.tiers.LOW.maxPerPayment),
      refused: (err) => refused.push(err.code),
    });
    await pause(60);
    expect([taken, refused]).toEqual([[], []]);

    withLowMax(2_000);
    await vi.waitFor(() => expect(taken).toEqual([2_000]), { timeout: 2000, interval: 10 });
    const good = source.current();

    withLowMax('a lot');
    await vi.waitFor(() => expect(refused).toEqual(['CONFIG_INVALID']), { timeout: 2000, interval: 10 });
    rmSync(file);
    await vi.waitFor(() => expect(refused).toEqual(['CONFIG_INVALID', 'CONFIG_INVALID']), {
      timeout: 2000,
      interval: 10,
    });
    await pause(100);
    expect(refused).toHaveLength(2);
    expect(source.current()).toBe(good);

    withLowMax(3_000);
    await vi.waitFor(() => expect(taken).toEqual([2_000, 3_000]), { timeout: 2000, interval: 10 });
    stop();
    withLowMax(4_000);
    await pause(100);
    expect(taken).toEqual([2_000, 3_000]);
    expect(source.current().rules.tiers.LOW.maxPerPayment).toBe(3_000);
  });

  it('a file a reload refused is not reported again; reverted then reapplied, it is', async () => {
    withLowMax(1_000);
    const source = rulesSource(file);
    const refused: string[] = [];
    const stop = source.follow(10, { taken: () => {}, refused: (err) => refused.push(err.code) });
    withLowMax('a lot');
    expect(codeOf(() => source.reload())).toBe('CONFIG_INVALID');
    await pause(80);
    expect(refused).toEqual([]);

    withLowMax(1_000); // back to the rules in force
    await pause(80);
    withLowMax('a lot');
    await vi.waitFor(() => expect(refused).toEqual(['CONFIG_INVALID']), { timeout: 2000, interval: 10 });
    stop();
  });

  it('a report that throws neither stops following nor undoes what was taken', async () => {
    withLowMax(1_000);
    const source = rulesSource(file);
    let calls = 0;
    const stop = source.follow(10, {
      taken: () => {
        calls++;
        throw new Error('logger down');
      },
      refused: () => {
        calls++;
        throw new Error('logger down');
      },
    });
    withLowMax(2_000);
    await vi.waitFor(() => expect(calls).toBe(1), { timeout: 2000, interval: 10 });
    expect(source.current().rules.tiers.LOW.maxPerPayment).toBe(2_000);
    withLowMax('a lot');
    await vi.waitFor(() => expect(calls).toBe(2), { timeout: 2000, interval: 10 });
    withLowMax(3_000);
    await vi.waitFor(() => expect(source.current().rules.tiers.LOW.maxPerPayment).toBe(3_000), {
      timeout: 2000,
      interval: 10,
    });
    stop();
  });
});

describe('RISK_RULES_CHECK_MS', () => {
  it('is 2000 unless set, 0 turns following off, and a check more often than every 100 ms is CONFIG_INVALID', () => {
    expect(riskConfig({}).rulesCheckMs).toBe(2000);
    expect(riskConfig({ RISK_RULES_CHECK_MS: '0' }).rulesCheckMs).toBe(0);
    expect(riskConfig({ RISK_RULES_CHECK_MS: '100' }).rulesCheckMs).toBe(100);
    for (const bad of ['50', '-1', '1.5', 'often', '3600001'])
      expect(() => riskConfig({ RISK_RULES_CHECK_MS: bad })).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
  });
});

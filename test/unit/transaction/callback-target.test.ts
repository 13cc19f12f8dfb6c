import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../kit/src/config.js';
import { DfsError } from '../../../kit/src/errors.js';
import {
  callbackOriginsOf,
  callbackTarget,
  registeredOrigin,
} from '../../../services/transaction/src/domain/callback-target.js';
import { loadIntegrators } from '../../../services/transaction/src/http/integrators.js';

const ORIGINS = ['https://shop.example', 'https://pay.shop.example:8443', 'http://127.0.0.1:8400'];

const refusal = (raw: string) => {
  try {
    callbackTarget(raw, ORIGINS);
    return 'accepted';
  } catch (err) {
    return err instanceof DfsError ? err.code : 'thrown';
  }
};

describe('callback targets: only under an origin the integrator registered (no SSRF)', () => {
  it.each([
    ['https://shop.example/dfs/orders/1?x=1', 'https://shop.example/dfs/orders/1?x=1'],
    ['https://SHOP.example:443/cb', 'https://shop.example/cb'],
    ['https://pay.shop.example:8443/cb', 'https://pay.shop.example:8443/cb'],
    ['http://127.0.0.1:8400/dfs/callback', 'http://127.0.0.1:8400/dfs/callback'],
    ['http://2130706433:8400/cb', 'http://127.0.0.1:8400/cb'],
  ])('accepts %s as %s', (raw, normal) => {
    expect(callbackTarget(raw, ORIGINS)).toBe(normal);
  });

  it.each([
    ['userinfo before another host', 'https://shop.example@evil.example/cb'],
    ['userinfo on a registered host', 'https://user:pw@shop.example/cb'],
    ['a registered name as a prefix of another host', 'https://shop.example.evil.example/cb'],
    ['a trailing dot', 'https://shop.example./cb'],
    ['a fragment', 'https://shop.example/cb#x'],
    ['an empty fragment', 'https://shop.example/cb#'],
    ['another port', 'https://shop.example:8443/cb'],
    ['plain http to a registered https host', 'http://shop.example/cb'],
    ['an unregistered loopback port', 'http://127.0.0.1:8401/cb'],
    ['an IPv4 address as one number, other port', 'http://2130706433:8401/cb'],
    ['an IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]:8400/cb'],
    ['a backslash', 'https://shop.example\\@evil.example/cb'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['a relative URL', '/dfs/callback'],
    ['another scheme', 'ftp://shop.example/cb'],
    ['whitespace', ' https://shop.example/cb'],
    ['a tab inside', 'https://shop.exa\tmple/cb'],
    ['over 2048 characters', `https://shop.example/${'a'.repeat(2030)}`],
  ])('refuses %s with CALLBACK_URL_NOT_ALLOWED', (_why, raw) => {
    expect(refusal(raw)).toBe('CALLBACK_URL_NOT_ALLOWED');
  });

  it('accepts a URL of exactly 2048 characters and refuses one more', () => {
    const at = (n: number) => `https://shop.example/${'a'.repeat(n - 'https://shop.example/'.length)}`;
    expect(callbackTarget(at(2048), ORIGINS)).toHaveLength(2048);
    expect(refusal(at(2049))).toBe('CALLBACK_URL_NOT_ALLOWED');
  });

  it('registers origins only as written in normal form, http only for a loopback host', () => {
    expect(
      ['https://shop.example', 'http://localhost:3000', 'http://[::1]:9', 'http://127.0.0.1'].map(registeredOrigin),
    ).toEqual(['https://shop.example', 'http://localhost:3000', 'http://[::1]:9', 'http://127.0.0.1']);
    for (const bad of [
      'http://shop.example',
      'https://shop.example/',
      'https://shop.example/cb',
      'https://SHOP.example',
      'https://shop.example:443',
      'https://u@shop.example',
      'http://10.0.0.1',
      'shop.example',
    ])
      expect(registeredOrigin(bad)).toBeNull();
    expect(callbackOriginsOf({ id: 'x', accounts: [], callbackUrl: 'https://d.example:9/cb' })).toEqual([
      'https://d.example:9',
    ]);
  });
});

describe('the integrators file: callback origins are validated once, at start', () => {
  const load = (integrator: Record<string, unknown>) => {
    const file = join(mkdtempSync(join(tmpdir(), 'dfs-origins-')), 'integrators.json');
    const base = { id: 'shop', apiKey: 'k'.repeat(32), accounts: ['shop-*'] };
    writeFileSync(file, JSON.stringify({ integrators: [{ ...base, ...integrator }] }));
    return loadIntegrators(file);
  };

  it('loads https origins and a loopback http one, and the default URL', () => {
    const i = load({
      callbackOrigins: ['https://shop.example', 'http://127.0.0.1:8400'],
      callbackUrl: 'https://d.example/cb',
    });
    expect(callbackOriginsOf(i.byId('shop')!)).toEqual([
      'https://shop.example',
      'http://127.0.0.1:8400',
      'https://d.example',
    ]);
  });

  it.each([
    { callbackOrigins: ['http://shop.example'] },
    { callbackOrigins: ['https://shop.example/cb'] },
    { callbackOrigins: ['http://169.254.169.254'] },
    { callbackUrl: 'http://shop.example/cb' },
    { callbackUrl: 'https://u:p@shop.example/cb' },
  ])('refuses %j with a ConfigError naming the field', (integrator) => {
    expect(() => load(integrator)).toThrow(ConfigError);
    expect(() => load(integrator)).toThrow(/callback/);
  });
});

import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv, port, z } from '../../kit/src/config.js';
import { copy } from '../../kit/src/copy.js';
import { DfsError, describeError, ERROR_CODES } from '../../kit/src/errors.js';
import { pino } from 'pino';
import { mask, REDACTED_PATHS } from '../../kit/src/log.js';

describe('error-code table', () => {
  it('maps a known code to its gRPC and HTTP status', () => {
    expect(describeError(new DfsError('IDEMPOTENCY_KEY_REUSED'))).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      grpc: status.ALREADY_EXISTS,
      http: 409,
    });
  });
  it('turns any other error into INTERNAL so no cause reaches a client', () => {
    expect(describeError(new Error('db password is hunter2'))).toMatchObject({
      code: 'INTERNAL',
      grpc: status.INTERNAL,
      http: 500,
    });
  });
  it('gives every code an HTTP status in range and a message', () => {
    for (const [code, s] of Object.entries(ERROR_CODES)) {
      expect(s.http, code).toBeGreaterThanOrEqual(400);
      expect(s.http, code).toBeLessThan(600);
      expect(s.message.length, code).toBeGreaterThan(3);
    }
  });
});

describe('config', () => {
  it('returns a frozen typed config with defaults', () => {
    const c = loadEnv({ A_PORT: port(5) }, {});
    expect(c.A_PORT).toBe(5);
    expect(Object.isFrozen(c)).toBe(true);
  });
  it('names every bad variable', () => {
    try {
      loadEnv({ A_PORT: port(5), B_NAME: z.string().min(2) }, { A_PORT: '70000', B_NAME: 'x' });
      expect.fail('should throw');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['A_PORT', 'B_NAME']);
    }
  });
});

describe('log masking', () => {
  it('keeps only the last four characters', () => {
    expect(mask('254712345678')).toBe('********5678');
    expect(mask('123')).toBe('****');
  });

  it('the loggers redact PINs, keys, tokens and numbers at the top level and one level down', () => {
    const lines: string[] = [];
    const log = pino(
      { redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
      { write: (l: string) => void lines.push(l) },
    );
    const secrets = {
      pin: 'S-pin',
      msisdn: 'S-msisdn',
      apiKey: 'S-apikey',
      access_token: 'S-access',
      privateJwk: { d: 'S-d' },
      imei: 'S-imei',
    };
    log.info({ ...secrets, nested: { ...secrets, phoneNumber: 'S-phone', operatorToken: 'S-op' } }, 'x');
    expect(lines.join('')).not.toContain('S-');
    expect(JSON.parse(lines[0]!)).toMatchObject({ pin: '[redacted]', nested: { phoneNumber: '[redacted]' } });
  });
});

describe('copy (what the in-memory stores and bus hand out)', () => {
  it('copies deeply: changing the copy never changes the original, and the copy equals structuredClone', () => {
    const original = {
      id: 't-1',
      amount: { currency: 'KES', minorUnits: 150, big: 10n },
      reasons: ['a', { nested: [1, 2] }],
      at: new Date(5),
      bytes: new Uint8Array([1, 2]),
      buffer: Buffer.from([3, 4]),
      tags: new Set(['x']),
      none: null,
      unset: undefined,
    };
    const c = copy(original);
    expect(c).toStrictEqual(structuredClone(original));
    c.amount.minorUnits = 1;
    (c.reasons[1] as { nested: number[] }).nested.push(3);
    c.at.setTime(9);
    c.bytes[0] = 7;
    c.buffer[0] = 7;
    c.tags.add('y');
    expect(original.amount.minorUnits).toBe(150);
    expect(original.reasons[1]).toEqual({ nested: [1, 2] });
    expect(original.at.getTime()).toBe(5);
    expect(original.bytes[0]).toBe(1);
    expect(original.buffer[0]).toBe(3);
    expect([...original.tags]).toEqual(['x']);
  });
});

import { createServer } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { CliFailure, explain, portInUse, UsageError } from '../../cli/failure.js';
import { portVariables } from '../../cli/ports.js';
import { positiveInt } from '../../cli/program.js';
import { ConfigError } from '../../kit/src/config.js';
import { DfsError } from '../../kit/src/errors.js';
import { closeHttp, listen } from '../../kit/src/http.js';

const GRPC_BIND_FAILURE =
  'No address added out of total 1 resolved errors: [listen EADDRINUSE: address already in use 127.0.0.1:50053]';

describe('dfs failure messages', () => {
  it('reads the taken port from a Node listen error and from the grpc-js bind message', () => {
    expect(portInUse(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', port: 8082 }))).toBe(8082);
    expect(portInUse(new Error(GRPC_BIND_FAILURE))).toBe(50053);
    expect(portInUse(new Error('connect ECONNREFUSED 127.0.0.1:50053'))).toBeUndefined();
  });

  it('names the variable that set the port, defaults included', () => {
    const of = portVariables({ TRANSACTION_HTTP_PORT: '9000' });
    expect(of(50053)).toBe('RISK_GRPC_PORT');
    expect(of(9000)).toBe('TRANSACTION_HTTP_PORT');
    expect(of(8085)).toBe('MNO_HTTP_PORT');
    expect(of(8443)).toBe('FOTA_HTTPS_PORT');
    expect(of(8082)).toBeUndefined();
    expect(explain(new Error(GRPC_BIND_FAILURE), of)).toEqual({
      message:
        'dfs: port 50053 (RISK_GRPC_PORT) is already in use: ' +
        'stop the process holding it or set RISK_GRPC_PORT to a free port',
      exitCode: 1,
    });
  });

  it('gives usage errors exit 2 and known failures exit 1, each on one line', () => {
    expect(explain(new UsageError('unknown scenario "x"'))).toEqual({
      message: 'dfs: unknown scenario "x"',
      exitCode: 2,
    });
    expect(explain(new CliFailure('TRANSACTION_ADDR=h:1 cannot be reached'))).toEqual({
      message: 'dfs: TRANSACTION_ADDR=h:1 cannot be reached',
      exitCode: 1,
    });
    expect(explain(new DfsError('INVALID_ARGUMENT', 'amount'))).toEqual({
      message: 'dfs: failed with INVALID_ARGUMENT (amount)',
      exitCode: 1,
    });
    expect(explain(new ConfigError(['RISK_GRPC_PORT: bad'])).exitCode).toBe(1);
    const unavailable = Object.assign(new Error('14 UNAVAILABLE'), {
      code: 14,
      details: 'No connection established. Last error: ECONNREFUSED\nmore',
    });
    expect(explain(unavailable)).toEqual({
      message: 'dfs: a service stopped answering (UNAVAILABLE: No connection established. Last error: ECONNREFUSED)',
      exitCode: 1,
    });
  });

  it('accepts only whole numbers above zero for counts and durations', () => {
    expect(positiveInt('200')).toBe(200);
    for (const bad of ['0', '-3', '1.5', '1e3', 'abc', '', ' 7', '99999999999999999999'])
      expect(() => positiveInt(bad)).toThrow(/positive integer/);
  });
});

describe('HTTP listen on a taken port', () => {
  it('binds a free port, and rejects with EADDRINUSE when another socket holds the port', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const { port } = holder.address() as { port: number };
    try {
      const free = await listen(express(), '127.0.0.1', 0);
      expect(free.port).toBeGreaterThan(0);
      await closeHttp(free.server);
      await expect(listen(express(), '127.0.0.1', port)).rejects.toMatchObject({ code: 'EADDRINUSE', port });
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });
});

/**
 * deploy/ starts: each service runs as the compose file and the Kubernetes base configure it (same
 * command, environment, user, read-only and writable paths; see test/support/deploy-emulation.ts
 * for how, and for the only substitutions) and must answer /readyz. A file that cannot start fails
 * here, without a container engine.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { importPrivateKeyPem } from '../../kit/src/x509.js';
import {
  imageModel,
  REPO_ROOT,
  runToCompletion,
  start,
  substitute,
  Volumes,
  waitReady,
  type ContainerSpec,
  type Running,
} from '../support/deploy-emulation.js';
import { composeContainer, composeFile, k8sContainer, readmeSecrets, renderedBase } from '../support/deploy-specs.js';
import { gsmaCode } from '../support/openapi-conformance.js';

const image = imageModel();
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function track(volumes: Volumes): Volumes {
  cleanup.push(async () => volumes.remove());
  return volumes;
}

function launch(spec: ContainerSpec, volumes: Volumes, peers: Record<string, number> = {}): Running {
  const c = start({ ...spec, env: substitute(spec.env, peers) }, image, volumes);
  cleanup.push(() => c.stop());
  return c;
}

/**
 * Starts mno and attestation, risk dialling mno, then transaction
 * dialling both; resolves with each once /readyz answered (or why not).
 */
async function startServices(specOf: (name: string) => ContainerSpec, volumes: Volumes) {
  const ready = async (c: Running) => ({ ready: await waitReady(c).catch(() => false), output: c.output(), c });
  const mno = launch(specOf('mno'), volumes);
  const attestation = launch(specOf('attestation'), volumes);
  const m = await ready(mno);
  const risk = launch(specOf('risk'), volumes, { mno: (await mno.ports).httpPort });
  const [a, r] = await Promise.all([ready(attestation), ready(risk)]);
  const peers = { attestation: (await attestation.ports).grpcPort, risk: (await risk.ports).grpcPort };
  const t = await ready(launch(specOf('transaction'), volumes, peers));
  return { mno: m, attestation: a, risk: r, transaction: t };
}

/** The operator's CAMARA SIM Swap check for a number it never issued, with `key`: [status, code]. */
async function simSwapCheck(mno: Running, key: string): Promise<[number, string]> {
  const r = await fetch(`https://127.0.0.1:${(await mno.ports).httpPort}/sim-swap/v1/check`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ phoneNumber: '+254700000001', maxAge: 24 }),
  });
  return [r.status, ((await r.json()) as { code: string }).code];
}

/** Every regular file a container can read under its root, following its mounts. */
function filesUnder(dir: string, seen = new Set<string>()): string[] {
  if (seen.has(dir)) return [];
  seen.add(dir);
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    const st = statSync(p);
    return st.isDirectory() ? filesUnder(p, seen) : st.isFile() ? [p] : [];
  });
}

describe('deploy/docker-compose.yml starts', () => {
  it(
    'certs writes the PKI, then mno, attestation, risk and transaction answer /readyz; ' +
      'risk holds the key the operator API accepts; no service can read an OEM private key ' +
      'or a PKI key but its own (attestation: and the device CA)',
    async () => {
      const compose = composeFile();
      const volumes = track(new Volumes());
      const certs = await runToCompletion(composeContainer(compose, 'certs'), image, volumes);
      expect(certs.code, certs.output).toBe(0);

      const s = await startServices((n) => composeContainer(compose, n), volumes);
      for (const [name, r] of Object.entries(s)) expect(r.ready, `${name}:\n${r.output.slice(-2000)}`).toBe(true);
      expect(existsSync(join(volumes.dir('transaction-state'), 'integrators.json'))).toBe(true);
      const riskEnv = composeContainer(compose, 'risk').env;
      expect(riskEnv.RISK_MNO_URL).toBe(`https://mno:${compose.services.mno.environment.MNO_HTTP_PORT}`);
      const riskKey = readFileSync(join(s.risk.c.root, riskEnv.RISK_MNO_API_KEY_FILE!), 'utf8').trim();
      expect(await simSwapCheck(s.mno.c, riskKey)).toEqual([404, 'IDENTIFIER_NOT_FOUND']);
      expect(await simSwapCheck(s.mno.c, randomBytes(32).toString('base64url'))).toEqual([401, 'UNAUTHENTICATED']);

      const oemKeys = readdirSync(volumes.dir('dfs-oem'))
        .filter((f) => f.endsWith('.key'))
        .map((f) => readFileSync(join(volumes.dir('dfs-oem'), f)));
      expect(oemKeys.length).toBe(4);
      for (const r of Object.values(s)) {
        expect(filesUnder(r.c.root).filter((f) => oemKeys.some((k) => readFileSync(f).equals(k)))).toEqual([]);
      }
      const pkiKeys = readdirSync(volumes.dir('dfs-pki')).filter((f) => f.endsWith('.key'));
      expect(pkiKeys).toEqual(expect.arrayContaining(['operator.key', 'device-ca.key', 'bootstrap.key']));
      for (const [name, r] of Object.entries(s)) {
        const readable = filesUnder(r.c.root);
        const held = pkiKeys.filter((k) => {
          const key = readFileSync(join(volumes.dir('dfs-pki'), k));
          return readable.some((f) => readFileSync(f).equals(key));
        });
        expect(held, name).toEqual(name === 'attestation' ? ['attestation.key', 'device-ca.key'] : [`${name}.key`]);
      }
    },
    240_000,
  );

  it(
    'the same check fails on a file that mounts the state directory ' +
      'read-only at /state (transaction cannot write integrators.json)',
    async () => {
      const compose = composeFile();
      compose.services.certs.volumes = ['dfs-state:/state', 'dfs-keys:/state/keys'];
      compose.services.transaction.volumes = ['dfs-state:/state:ro', 'dfs-keys:/state/keys'];
      const volumes = track(new Volumes());
      expect((await runToCompletion(composeContainer(compose, 'certs'), image, volumes)).code).toBe(0);
      const transaction = launch(composeContainer(compose, 'transaction'), volumes);
      expect(await waitReady(transaction).catch(() => false)).toBe(false);
      expect(await transaction.exited).toBe(1);
      expect(transaction.output()).toContain('TRANSACTION_INTEGRATORS_FILE');
    },
    120_000,
  );
});

describe('deploy/k8s starts', () => {
  it(
    'with the Secrets of deploy/README.md, mno, attestation, risk and transaction answer /readyz; integrator ' +
      'key, operator token, operator API key and attestation status list come from their Secrets and ConfigMap',
    async () => {
      const stateDir = mkdtempSync(join(tmpdir(), 'dfs-k8s-certs-'));
      cleanup.push(async () => rmSync(stateDir, { recursive: true, force: true }));
      const certs = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'dfs.mjs'), 'certs', '--state-dir', stateDir], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
      expect(certs.status, certs.stderr).toBe(0);
      const operatorToken = randomBytes(32).toString('base64url');
      const apiKey = randomBytes(32).toString('base64url');
      const mnoKey = randomBytes(32).toString('base64url');
      const secrets = readmeSecrets(stateDir, {
        'dfs-infra': {
          MONGODB_URI: 'mongodb://mongo-0.mongo.db.svc:27017/dfs?replicaSet=rs0',
          KAFKA_BROKERS: 'kafka-0.kafka.kafka.svc:9092',
        },
        'dfs-operator': { token: operatorToken },
        'dfs-mno': { 'api-key': mnoKey },
        'dfs-integrators': {
          'integrators.json': JSON.stringify({ integrators: [{ id: 'shop', apiKey, accounts: ['merchant-*'] }] }),
        },
      });
      const issuedAtMs = Date.now();
      const oemRootKey = await importPrivateKeyPem(readFileSync(join(stateDir, 'oem', 'root.key'), 'utf8'));
      const statusList = await new CompactSign(
        new TextEncoder().encode(JSON.stringify({ issuedAtMs, entries: { '0badc0de': { status: 'REVOKED' } } })),
      )
        .setProtectedHeader({ alg: 'ES256', typ: 'dfs-attestation-status+jws' })
        .sign(oemRootKey);
      const configMaps = { 'dfs-attestation-status': { 'attestation-status.jws': statusList } };
      const rendered = renderedBase();
      const volumes = track(new Volumes());
      const s = await startServices((n) => k8sContainer(rendered, n, secrets, volumes, configMaps), volumes);
      for (const [name, r] of Object.entries(s)) expect(r.ready, `${name}:\n${r.output.slice(-2000)}`).toBe(true);

      const reload = await fetch(
        `https://127.0.0.1:${(await s.attestation.c.ports).httpPort}/v1/operator/attestation-status/reload`,
        { method: 'POST', headers: { Authorization: `Bearer ${operatorToken}` } },
      );
      expect(await reload.json()).toEqual({ issuedAtMs, revokedSerials: 1, devicesToReattest: [] });
      expect(await simSwapCheck(s.mno.c, mnoKey)).toEqual([404, 'IDENTIFIER_NOT_FOUND']);
      const envOf = (name: string): { name: string; value?: string; valueFrom?: unknown }[] =>
        rendered.find((d) => d.kind === 'Deployment' && d.metadata.name === name)!.spec.template.spec.containers[0].env;
      const keyRef = { secretKeyRef: { name: 'dfs-mno', key: 'api-key' } };
      expect(envOf('risk')).toEqual(
        expect.arrayContaining([
          { name: 'RISK_MNO_URL', value: 'https://mno:8085' },
          { name: 'RISK_MNO_API_KEY', valueFrom: keyRef },
          { name: 'RISK_OPERATOR_TOKEN', valueFrom: { secretKeyRef: { name: 'dfs-operator', key: 'token' } } },
        ]),
      );
      expect(envOf('mno')).toEqual(expect.arrayContaining([{ name: 'MNO_API_KEY', valueFrom: keyRef }]));

      const http = `https://127.0.0.1:${(await s.transaction.c.ports).httpPort}`;
      const balance = (key: string) =>
        fetch(`${http}/v1.2/mm/accounts/accountid/merchant-1/balance`, { headers: { 'X-API-Key': key } }).then(
          async (r) => [r.status, gsmaCode(await r.json())],
        );
      expect(await balance(apiKey)).toEqual([404, 'LEDGER_ACCOUNT_NOT_FOUND']);
      expect(await balance(randomBytes(32).toString('base64url'))).toEqual([401, 'INTEGRATOR_UNAUTHENTICATED']);
      const verify = (token: string) =>
        fetch(`${http}/v1/journal/verify`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.status);
      expect([await verify(operatorToken), await verify(randomBytes(32).toString('base64url'))]).toEqual([200, 401]);
    },
    240_000,
  );
});

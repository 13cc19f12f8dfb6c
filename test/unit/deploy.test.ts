/**
 * Checks deploy/ by parsing it: there is no container engine or cluster in
 * CI, so these assertions are what keeps the Dockerfile, the compose file and
 * the Kubernetes base consistent with each other and with the services'
 * documented configuration.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAlias, parseAllDocuments, parseDocument, visit, type Document } from 'yaml';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const deployDir = join(repoRoot, 'deploy');
const k8sDir = join(deployDir, 'k8s');

// ---------------------------------------------------------------------------
// What the stack documents (services' config.ts and deploy/README.md).
// ---------------------------------------------------------------------------

const SERVICES = ['attestation', 'transaction', 'risk'] as const;
type ServiceName = (typeof SERVICES)[number];
type Role = ServiceName | 'certs' | 'demo' | 'load';

const PORTS: Record<ServiceName, { grpc: number; http: number }> = {
  attestation: { grpc: 50051, http: 8081 },
  transaction: { grpc: 50052, http: 8082 },
  risk: { grpc: 50053, http: 8083 },
};

const TLS_ENV = ['TLS_CA_FILE', 'TLS_CERT_FILE', 'TLS_KEY_FILE'];
const SERVICE_COMMON_ENV = ['DFS_STATE_DIR', 'DFS_BIND_HOST', 'LOG_LEVEL', 'MONGODB_URI', 'KAFKA_BROKERS', ...TLS_ENV];
const CLIENT_ENV = ['DFS_STATE_DIR', 'LOG_LEVEL', ...TLS_ENV, 'ATTESTATION_ADDR', 'TRANSACTION_ADDR'];

/**
 * Every variable each role may be given (the services' config.ts schemas);
 * anything else is a typo or undocumented.
 */
const DOCUMENTED_ENV: Record<Role, readonly string[]> = {
  certs: ['DFS_STATE_DIR', 'LOG_LEVEL'],
  attestation: [
    ...SERVICE_COMMON_ENV,
    'ATTESTATION_GRPC_PORT',
    'ATTESTATION_HTTP_PORT',
    'ATTESTATION_OEM_ROOTS',
    'ATTESTATION_POLICY_FILE',
    'ATTESTATION_TOKEN_TTL_SEC',
    'ATTESTATION_CHALLENGE_TTL_SEC',
  ],
  transaction: [
    ...SERVICE_COMMON_ENV,
    'TRANSACTION_GRPC_PORT',
    'TRANSACTION_HTTP_PORT',
    'ATTESTATION_ADDR',
    'RISK_ADDR',
    'RISK_DEADLINE_MS',
    'PAYMENT_FRESHNESS_SEC',
    'LEDGER_CURRENCIES',
    'LEDGER_MAX_AMOUNT',
    'LEDGER_TREASURY_FLOAT',
  ],
  risk: [...SERVICE_COMMON_ENV, 'RISK_GRPC_PORT', 'RISK_HTTP_PORT', 'RISK_RULES_FILE'],
  demo: CLIENT_ENV,
  load: CLIENT_ENV,
};

/** In-network addresses clients must dial (the dev certificates' SANs are the short names). */
const ADDRESSES: Record<string, string> = {
  ATTESTATION_ADDR: `attestation:${PORTS.attestation.grpc}`,
  TRANSACTION_ADDR: `transaction:${PORTS.transaction.grpc}`,
  RISK_ADDR: `risk:${PORTS.risk.grpc}`,
};

/** The calls the stack makes between pods, as `caller->callee:port`. */
const EXPECTED_POD_CALLS = [
  `transaction->risk:${PORTS.risk.grpc}`,
  `transaction->attestation:${PORTS.attestation.grpc}`,
  `device-sim->attestation:${PORTS.attestation.grpc}`,
  `device-sim->transaction:${PORTS.transaction.grpc}`,
].sort();
const STORE_PORTS = [27017, 9092];

/**
 * Secret keys each Kubernetes workload may mount, by Secret: least privilege
 * (a service sees only its own key; the phone only what a phone is made with).
 */
const SECRET_KEYS: Record<ServiceName | 'device-sim', Record<string, string[]>> = {
  attestation: {
    'dfs-pki': ['ca.crt', 'attestation.crt', 'attestation.key', 'device-ca.crt', 'device-ca.key', 'oem-root.crt'],
  },
  transaction: { 'dfs-pki': ['ca.crt', 'transaction.crt', 'transaction.key'] },
  risk: { 'dfs-pki': ['ca.crt', 'risk.crt', 'risk.key'] },
  'device-sim': {
    'dfs-pki': ['ca.crt'],
    'dfs-device-sim': ['bootstrap.crt', 'bootstrap.key', 'operator.crt', 'operator.key', 'oem-root.crt', 'oem-root.key'],
  },
};

/** Files each workload reads from its state directory (the layout `dfs certs` writes). */
const STATE_FILES: Record<ServiceName | 'device-sim', string[]> = {
  attestation: ['pki/ca.crt', 'pki/attestation.crt', 'pki/attestation.key', 'pki/device-ca.crt', 'pki/device-ca.key', 'oem/root.crt'],
  transaction: ['pki/ca.crt', 'pki/transaction.crt', 'pki/transaction.key'],
  risk: ['pki/ca.crt', 'pki/risk.crt', 'pki/risk.key'],
  'device-sim': [
    'pki/ca.crt',
    'pki/bootstrap.crt',
    'pki/bootstrap.key',
    'pki/operator.crt',
    'pki/operator.key',
    'oem/root.crt',
    'oem/root.key',
  ],
};

const APP_IMAGE = 'dfs-reference-stack';
const NON_ROOT_UID = 10001;

/** Which role a container plays, from the `dfs` arguments it runs with. */
function roleOf(args: readonly string[] | undefined): Role {
  const [verb, name] = args ?? [];
  if (verb === 'service' && (SERVICES as readonly string[]).includes(name ?? '')) return name as ServiceName;
  if (verb === 'certs' || verb === 'demo' || verb === 'load') return verb;
  throw new Error(`unknown dfs command: ${JSON.stringify(args)}`);
}

function isServiceRole(role: Role): role is ServiceName {
  return (SERVICES as readonly string[]).includes(role);
}

function portEnv(service: ServiceName, kind: 'grpc' | 'http'): string {
  return `${service.toUpperCase()}_${kind.toUpperCase()}_PORT`;
}

// ---------------------------------------------------------------------------
// YAML loading
// ---------------------------------------------------------------------------

function assertCleanDocument(doc: Document, file: string): void {
  expect(doc.errors.map((e) => e.message), `${file}: YAML errors`).toEqual([]);
  expect(doc.warnings.map((e) => e.message), `${file}: YAML warnings`).toEqual([]);
}

/** Parses with merge keys on (as compose does) and fails on any error or warning. */
function loadYaml(path: string): { doc: Document; value: unknown } {
  const doc = parseDocument(readFileSync(path, 'utf8'), { merge: true, uniqueKeys: true });
  assertCleanDocument(doc, path);
  return { doc, value: doc.toJS({ maxAliasCount: 1000 }) };
}

function loadAllYaml(path: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'), { uniqueKeys: true });
  if (!Array.isArray(docs)) throw new Error(`${path}: not a YAML stream`);
  for (const doc of docs) assertCleanDocument(doc, path);
  return docs.map((doc) => doc.toJS()).filter((v) => v !== null && v !== undefined);
}

/** Yields every key of every mapping in a parsed value. */
function* allKeys(value: unknown): Generator<string> {
  if (Array.isArray(value)) {
    for (const v of value) yield* allKeys(v);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      yield k;
      yield* allKeys(v);
    }
  }
}

// ---------------------------------------------------------------------------
// Shapes read by the tests (only the fields used).
// ---------------------------------------------------------------------------

type Env = Record<string, string | number | boolean | null> | string[];

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string[] | string;
  user?: string;
  read_only?: boolean;
  tmpfs?: string[] | string;
  cap_drop?: string[];
  security_opt?: string[];
  environment?: Env;
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: (string | { type?: string; source?: string; target?: string; read_only?: boolean })[];
  ports?: (string | { host_ip?: string; target?: number; published?: string | number })[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  profiles?: string[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [extension: string]: unknown;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

interface Probe {
  httpGet?: { path?: string; port?: string | number };
  grpc?: { port?: string | number };
  tcpSocket?: { port?: string | number };
}

interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type?: string };
  privileged?: boolean;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}

interface Container {
  name: string;
  image?: string;
  args?: string[];
  command?: string[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

interface KeyToPath {
  key: string;
  path: string;
}

interface Volume {
  name: string;
  secret?: { secretName: string; items?: KeyToPath[] };
  projected?: { sources: { secret?: { name: string; items?: KeyToPath[] }; configMap?: { name: string } }[] };
  emptyDir?: Record<string, unknown>;
  configMap?: { name: string };
}

/** The Secret files a volume projects, as { secret, key, path }; key '*' when all keys are projected. */
function secretFiles(volume: Volume): { secret: string; key: string; path: string }[] {
  const sources = [
    ...(volume.secret ? [{ name: volume.secret.secretName, items: volume.secret.items }] : []),
    ...(volume.projected?.sources ?? []).flatMap((s) => (s.secret ? [s.secret] : [])),
  ];
  return sources.flatMap(({ name, items }) =>
    items ? items.map((i) => ({ secret: name, key: i.key, path: i.path })) : [{ secret: name, key: '*', path: '*' }],
  );
}

interface PodSpec {
  automountServiceAccountToken?: boolean;
  securityContext?: SecurityContext & { fsGroup?: number };
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: PodSpec;
}

interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface NetworkPolicyRule {
  from?: NetworkPolicyPeer[];
  to?: NetworkPolicyPeer[];
  ports?: { protocol?: string; port?: number | string }[];
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    selector?: LabelSelector & Record<string, string>;
    template?: PodTemplate;
    ports?: { name?: string; port: number; targetPort?: number | string }[];
    podSelector?: LabelSelector;
    policyTypes?: string[];
    ingress?: NetworkPolicyRule[];
    egress?: NetworkPolicyRule[];
  };
}

interface Kustomization {
  namespace?: string;
  resources?: string[];
  configMapGenerator?: { name: string; literals?: string[]; envs?: string[] }[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function envEntries(env: Env | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (Array.isArray(env)) {
    for (const item of env) {
      const eq = item.indexOf('=');
      out.set(eq === -1 ? item : item.slice(0, eq), eq === -1 ? '' : item.slice(eq + 1));
    }
  } else if (env) {
    for (const [k, v] of Object.entries(env)) out.set(k, v === null ? '' : String(v));
  }
  return out;
}

function commandOf(service: ComposeService): string[] {
  if (typeof service.command === 'string') return service.command.split(/\s+/).filter(Boolean);
  return service.command ?? [];
}

function dependsOn(service: ComposeService): Map<string, string | undefined> {
  const deps = service.depends_on;
  if (Array.isArray(deps)) return new Map(deps.map((d) => [d, undefined]));
  return new Map(Object.entries(deps ?? {}).map(([k, v]) => [k, v?.condition]));
}

/** A compose volume entry as { source, target, readOnly }; source is undefined for anonymous volumes. */
function volumeMount(entry: NonNullable<ComposeService['volumes']>[number]): {
  source: string | undefined;
  target: string;
  readOnly: boolean;
  named: boolean;
} {
  if (typeof entry === 'string') {
    const parts = entry.split(':');
    if (parts.length === 1) return { source: undefined, target: parts[0] ?? '', readOnly: false, named: false };
    const source = parts[0] ?? '';
    const named = !/^[./~]/.test(source);
    return { source, target: parts[1] ?? '', readOnly: (parts[2] ?? '').split(',').includes('ro'), named };
  }
  return {
    source: entry.source,
    target: entry.target ?? '',
    readOnly: entry.read_only === true,
    named: (entry.type ?? 'volume') === 'volume' && entry.source !== undefined,
  };
}

function isUsingAppImage(service: ComposeService): boolean {
  const build = service.build;
  const dockerfile = typeof build === 'object' ? build.dockerfile : undefined;
  return dockerfile === 'deploy/Dockerfile' || (service.image ?? '').includes(APP_IMAGE);
}

function isNonRootUser(user: string | undefined): boolean {
  if (!user) return false;
  const uid = user.split(':')[0] ?? '';
  return /^\d+$/.test(uid) && Number(uid) !== 0;
}

function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const value = labels[expr.key];
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
        if (value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
      default:
        throw new Error(`unknown selector operator ${expr.operator}`);
    }
  }
  return true;
}

function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return (
    selector !== undefined &&
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0
  );
}

function probePort(probe: Probe | undefined): string | number | undefined {
  return probe?.httpGet?.port ?? probe?.grpc?.port ?? probe?.tcpSocket?.port;
}

// ---------------------------------------------------------------------------
// Dockerfile and .dockerignore
// ---------------------------------------------------------------------------

interface Instruction {
  op: string;
  args: string;
}

/** Splits a Dockerfile into stages of instructions (comments and line continuations resolved). */
function parseDockerfile(text: string): { from: string; name: string | undefined; instructions: Instruction[] }[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && current === '')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  if (current) logical.push(current);

  const stages: { from: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const line of logical) {
    if (line === '') continue;
    const match = /^(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const op = (match[1] ?? '').toUpperCase();
    const args = match[2] ?? '';
    if (op === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(args);
      stages.push({ from: from?.[1] ?? '', name: from?.[2], instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`instruction before FROM: ${line}`);
      stage.instructions.push({ op, args });
    }
  }
  return stages;
}

describe('deploy/Dockerfile', () => {
  const stages = parseDockerfile(readFileSync(join(deployDir, 'Dockerfile'), 'utf8'));
  const finalStage = stages.at(-1);

  it('has two stages on node:20-bookworm-slim', () => {
    expect(stages).toHaveLength(2);
    for (const stage of stages) expect(stage.from).toBe('node:20-bookworm-slim');
  });

  it('installs production dependencies only, from the lock file', () => {
    const runs = stages[0]?.instructions.filter((i) => i.op === 'RUN').map((i) => i.args) ?? [];
    expect(runs.some((r) => /\bnpm ci\b/.test(r) && r.includes('--omit=dev'))).toBe(true);
    const copies = stages[0]?.instructions.filter((i) => i.op === 'COPY').map((i) => i.args) ?? [];
    expect(copies.some((c) => c.includes('package-lock.json'))).toBe(true);
  });

  it('final stage takes node_modules from the first and copies every runtime source folder', () => {
    const copies = finalStage?.instructions.filter((i) => i.op === 'COPY').map((i) => i.args) ?? [];
    const firstName = stages[0]?.name;
    expect(firstName).toBeDefined();
    expect(copies.some((c) => c.includes(`--from=${firstName}`) && c.includes('node_modules'))).toBe(true);
    const sources = copies.filter((c) => !c.startsWith('--from')).map((c) => c.split(/\s+/)[0]);
    for (const src of ['bin/', 'kit/', 'services/', 'device-sim/', 'cli/', 'gen/', 'proto/', 'config/', 'package.json']) {
      expect(sources, `COPY ${src}`).toContain(src);
    }
  });

  it('final stage runs as a non-root USER', () => {
    const users = finalStage?.instructions.filter((i) => i.op === 'USER').map((i) => i.args.trim()) ?? [];
    const user = users.at(-1);
    expect(user, 'final stage has no USER').toBeDefined();
    expect(isNonRootUser(user)).toBe(true);
    expect(user?.split(':')[0]).toBe(String(NON_ROOT_UID));
  });

  it('makes the services listen on every interface inside the container', () => {
    const env = new Map<string, string>();
    for (const i of finalStage?.instructions ?? []) {
      if (i.op !== 'ENV') continue;
      for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) {
        env.set(m[1] ?? '', (m[2] ?? '').replace(/^"|"$/g, ''));
      }
    }
    expect(env.get('DFS_BIND_HOST')).toBe('0.0.0.0');
    expect(env.get('DFS_STATE_DIR')).toBe('/state');
  });

  it('enters through bin/dfs.mjs', () => {
    const entrypoints = finalStage?.instructions.filter((i) => i.op === 'ENTRYPOINT') ?? [];
    expect(entrypoints).toHaveLength(1);
    expect(JSON.parse(entrypoints[0]?.args ?? 'null')).toEqual(['node', 'bin/dfs.mjs']);
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, history and the local PKI out of the build context', () => {
    const path = join(repoRoot, '.dockerignore');
    expect(existsSync(path)).toBe(true);
    const entries = readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const required of ['node_modules', '.git', '.cache', '.dfs-state', 'coverage']) {
      expect(entries).toContain(required);
    }
  });
});

// ---------------------------------------------------------------------------
// docker-compose.yml
// ---------------------------------------------------------------------------

describe('deploy/docker-compose.yml', () => {
  const composePath = join(deployDir, 'docker-compose.yml');
  const composeText = readFileSync(composePath, 'utf8');
  const { doc, value } = loadYaml(composePath);
  const compose = value as ComposeFile;
  const services = compose.services;
  const appServices = Object.entries(services).filter(([, s]) => isUsingAppImage(s));

  it('uses anchors soundly: each defined once and used, every alias resolved, every merge applied', () => {
    const defined: string[] = [];
    const used = new Set<string>();
    visit(doc, {
      Node(_, node) {
        if (isAlias(node)) used.add(node.source);
        else if (node.anchor) defined.push(node.anchor);
      },
    });
    expect(defined.length).toBeGreaterThan(0);
    expect(new Set(defined).size, 'an anchor is defined twice').toBe(defined.length);
    for (const anchor of defined) expect(used, `anchor &${anchor} is never used`).toContain(anchor);
    for (const alias of used) expect(defined, `alias *${alias} has no anchor`).toContain(alias);
    expect([...allKeys(compose)], 'a `<<` key survived merging').not.toContain('<<');
    // Extension blocks are templates, not services.
    for (const key of Object.keys(compose)) {
      expect(['name', 'services', 'volumes', 'networks', 'secrets', 'configs'].includes(key) || key.startsWith('x-')).toBe(true);
    }
  });

  it('interpolates only ${VAR:-default}, so it runs without a .env file', () => {
    const withoutEscapes = composeText.replaceAll('$$', '');
    const dollars = [...withoutEscapes.matchAll(/\$/g)].length;
    const wellFormed = [...withoutEscapes.matchAll(/\$\{[A-Z_][A-Z0-9_]*:-[^}]*\}/g)].length;
    expect(dollars).toBe(wellFormed);
  });

  it('has the infrastructure, the one-shots and the stack', () => {
    for (const name of ['mongo', 'mongo-init', 'kafka', 'certs', ...SERVICES, 'device-sim', 'load']) {
      expect(Object.keys(services)).toContain(name);
    }
    expect(appServices.map(([name]) => name).sort()).toEqual(
      ['attestation', 'certs', 'device-sim', 'load', 'risk', 'transaction'].sort(),
    );
  });

  it('depends only on services that exist', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const dep of dependsOn(service).keys()) {
        expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
      }
    }
  });

  it('starts services after the PKI, the replica set and Kafka are ready', () => {
    for (const name of SERVICES) {
      const deps = dependsOn(services[name] ?? {});
      expect(deps.get('certs'), name).toBe('service_completed_successfully');
      expect(deps.get('mongo-init'), name).toBe('service_completed_successfully');
      expect(deps.get('kafka'), name).toBe('service_healthy');
    }
    const initDeps = dependsOn(services['mongo-init'] ?? {});
    expect(initDeps.get('mongo')).toBe('service_healthy');
    for (const name of ['device-sim', 'load']) {
      const deps = dependsOn(services[name] ?? {});
      expect(deps.get('attestation'), name).toBe('service_healthy');
      expect(deps.get('transaction'), name).toBe('service_healthy');
    }
  });

  it('declares every named volume it mounts', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const [name, service] of Object.entries(services)) {
      for (const entry of service.volumes ?? []) {
        const mount = volumeMount(entry);
        if (mount.named) expect(declared, `${name} mounts ${mount.source}`).toContain(mount.source);
      }
    }
  });

  it('runs app containers as non-root with a read-only root filesystem and a tmpfs /tmp', () => {
    for (const [name, service] of appServices) {
      expect(service.user, name).toBe(String(NON_ROOT_UID));
      expect(isNonRootUser(service.user), name).toBe(true);
      expect(service.read_only, name).toBe(true);
      const tmpfs = typeof service.tmpfs === 'string' ? [service.tmpfs] : (service.tmpfs ?? []);
      expect(tmpfs.some((t) => t === '/tmp' || t.startsWith('/tmp:')), name).toBe(true);
      expect(service.cap_drop ?? [], name).toContain('ALL');
      expect(service.security_opt ?? [], name).toContain('no-new-privileges:true');
    }
  });

  it('lets only certs write the PKI volume, and services their signing keys', () => {
    for (const [name, service] of appServices) {
      const mounts = (service.volumes ?? []).map(volumeMount);
      const state = mounts.find((m) => m.source === 'dfs-state');
      expect(state, `${name} mounts dfs-state`).toBeDefined();
      expect(state?.target, name).toBe('/state');
      expect(state?.readOnly, name).toBe(name !== 'certs');
      const keys = mounts.find((m) => m.source === 'dfs-keys');
      if (isServiceRole(roleOf(commandOf(service))) || name === 'certs') {
        expect(keys?.target, `${name}: dfs-keys`).toBe('/state/keys');
        expect(keys?.readOnly, `${name}: dfs-keys`).toBe(false);
      } else {
        expect(keys, `${name} has no use for signing keys`).toBeUndefined();
      }
      for (const m of mounts) expect(m.named, `${name}: bind mounts make the stack host-dependent`).toBe(true);
    }
    expect(commandOf(services.certs ?? {})).toEqual(['certs', '--state-dir', '/state']);
  });

  it('gives every app container only documented variables, with consistent values', () => {
    for (const [name, service] of appServices) {
      const role = roleOf(commandOf(service));
      const env = envEntries(service.environment);
      for (const key of env.keys()) expect(DOCUMENTED_ENV[role], `${name}: ${key}`).toContain(key);
      expect(env.get('DFS_STATE_DIR'), name).toBe('/state');
      expect(env.has('LOG_LEVEL'), name).toBe(true);
      for (const [key, address] of Object.entries(ADDRESSES)) {
        if (env.has(key)) expect(env.get(key), `${name}: ${key}`).toBe(address);
      }
      if (isServiceRole(role)) {
        expect(env.get(portEnv(role, 'grpc')), name).toBe(String(PORTS[role].grpc));
        expect(env.get(portEnv(role, 'http')), name).toBe(String(PORTS[role].http));
        expect(env.get('KAFKA_BROKERS'), name).toBe('kafka:9092');
        const uri = new URL(env.get('MONGODB_URI') ?? '');
        expect(uri.host, name).toBe('mongo:27017');
        expect(uri.searchParams.get('replicaSet'), name).toBe('rs0');
      }
    }
    expect(envEntries(services.transaction?.environment).has('ATTESTATION_ADDR')).toBe(true);
    expect(envEntries(services.transaction?.environment).has('RISK_ADDR')).toBe(true);
    for (const name of ['device-sim', 'load']) {
      const env = envEntries(services[name]?.environment);
      expect(env.has('ATTESTATION_ADDR') && env.has('TRANSACTION_ADDR'), name).toBe(true);
    }
  });

  it('checks readiness over HTTP with node, and publishes HTTP ports on loopback only', () => {
    for (const name of SERVICES) {
      const service = services[name] ?? {};
      const test = service.healthcheck?.test;
      expect(Array.isArray(test), name).toBe(true);
      const argv = test as string[];
      expect(argv.slice(0, 3), name).toEqual(['CMD', 'node', '-e']);
      expect(argv[3], name).toContain(`http://127.0.0.1:${PORTS[name].http}/readyz`);
      const published = (service.ports ?? []).map((p) => (typeof p === 'string' ? p : `${p.host_ip}:${p.published}:${p.target}`));
      expect(published, name).toContain(`127.0.0.1:${PORTS[name].http}:${PORTS[name].http}`);
    }
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) {
        const hostIp = typeof port === 'string' ? port.split(':')[0] : port.host_ip;
        expect(hostIp, `${name} publishes beyond loopback`).toBe('127.0.0.1');
      }
    }
  });

  it('runs MongoDB 7 as replica set rs0 with an idempotent init', () => {
    const mongo = services.mongo ?? {};
    expect(mongo.image).toMatch(/^mongo:7(\.|$)/);
    const cmd = commandOf(mongo);
    expect(cmd[cmd.indexOf('--replSet') + 1]).toBe('rs0');
    expect(cmd).toContain('--bind_ip_all');
    expect(mongo.healthcheck?.test).toBeDefined();
    const init = services['mongo-init'] ?? {};
    expect(init.image).toBe(mongo.image);
    const script = commandOf(init).join(' ');
    expect(script).toContain('mongosh');
    expect(script).toContain('rs.initiate');
    expect(script).toContain('NotYetInitialized');
  });

  it('runs Kafka 3.9 in KRaft combined mode for in-network clients', () => {
    const kafka = services.kafka ?? {};
    expect(kafka.image).toBe('apache/kafka:3.9.1');
    const env = envEntries(kafka.environment);
    expect(env.get('KAFKA_PROCESS_ROLES')?.split(',').sort()).toEqual(['broker', 'controller']);
    expect(env.get('KAFKA_ADVERTISED_LISTENERS')).toContain('kafka:9092');
    expect(env.get('KAFKA_CONTROLLER_QUORUM_VOTERS')).toMatch(/^1@kafka:\d+$/);
    for (const key of ['KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR', 'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR']) {
      expect(env.get(key), key).toBe('1');
    }
    expect(kafka.healthcheck?.test).toBeDefined();
  });

  it('keeps the clients behind their profiles', () => {
    expect(services['device-sim']?.profiles).toEqual(['demo']);
    expect(commandOf(services['device-sim'] ?? {})).toEqual(['demo']);
    expect(services.load?.profiles).toEqual(['load']);
    expect(commandOf(services.load ?? {})).toEqual(['load', '--devices', '200', '--rate', '100', '--duration', '30']);
    for (const name of [...SERVICES, 'certs', 'mongo', 'mongo-init', 'kafka']) {
      expect(services[name]?.profiles, name).toBeUndefined();
    }
  });
});

// ---------------------------------------------------------------------------
// Kubernetes base
// ---------------------------------------------------------------------------

describe('deploy/k8s', () => {
  const kustomization = loadYaml(join(k8sDir, 'kustomization.yaml')).value as Kustomization;
  const manifestFiles = readdirSync(k8sDir)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
    .sort();
  const objects: K8sObject[] = manifestFiles.flatMap((f) => loadAllYaml(join(k8sDir, f)) as K8sObject[]);
  const ofKind = (kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);

  const deployments = ofKind('Deployment');
  const jobs = ofKind('Job');
  /** Deployments and Jobs, by their app.kubernetes.io/name pod label. */
  const workloads = [...deployments, ...jobs].map((o) => {
    const template = o.spec?.template;
    if (!template) throw new Error(`${o.kind}/${o.metadata.name} has no pod template`);
    const labels = template.metadata?.labels ?? {};
    return { object: o, id: labels['app.kubernetes.io/name'] ?? '', labels, pod: template.spec };
  });
  const workloadById = new Map(workloads.map((w) => [w.id, w]));

  const configMaps = new Map<string, Map<string, string>>();
  for (const gen of kustomization.configMapGenerator ?? []) {
    expect(gen.envs, `${gen.name}: keep literals so the test can read them`).toBeUndefined();
    configMaps.set(
      gen.name,
      new Map((gen.literals ?? []).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])),
    );
  }
  for (const cm of ofKind('ConfigMap')) configMaps.set(cm.metadata.name, new Map(Object.entries(cm.data ?? {})));

  /** A container's environment as it will be set: ConfigMap sources first, then env (which wins). */
  const containerEnv = (c: Container): Map<string, string | undefined> => {
    const env = new Map<string, string | undefined>();
    for (const source of c.envFrom ?? []) {
      for (const [k, v] of configMaps.get(source.configMapRef?.name ?? '') ?? []) env.set(k, v);
    }
    for (const e of c.env ?? []) env.set(e.name, e.value);
    return env;
  };

  it('kustomization lists exactly the manifest files, and sets namespace dfs', () => {
    const resources = kustomization.resources ?? [];
    expect(new Set(resources).size, 'duplicate resource').toBe(resources.length);
    expect([...resources].sort()).toEqual(manifestFiles);
    expect(kustomization.namespace).toBe('dfs');
    const namespaces = ofKind('Namespace');
    expect(namespaces.map((n) => n.metadata.name)).toEqual(['dfs']);
    for (const o of objects) {
      expect(o.apiVersion && o.kind && o.metadata.name, JSON.stringify(o.metadata)).toBeTruthy();
      if (o.metadata.namespace !== undefined) expect(o.metadata.namespace).toBe('dfs');
    }
  });

  it('has one Deployment and one Service per service, and the demo Job', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...SERVICES].sort());
    expect(ofKind('Service').map((s) => s.metadata.name).sort()).toEqual([...SERVICES].sort());
    expect(jobs.map((j) => roleOf(j.spec?.template?.spec.containers[0]?.args))).toEqual(['demo']);
    for (const service of SERVICES) {
      const kinds = (loadAllYaml(join(k8sDir, `${service}.yaml`)) as K8sObject[]).map((o) => o.kind).sort();
      expect(kinds, `${service}.yaml`).toEqual(['Deployment', 'Service']);
    }
    expect(new Set(workloads.map((w) => w.id)).size).toBe(workloads.length);
    for (const w of workloads) expect(w.id, w.object.metadata.name).not.toBe('');
  });

  it('Deployment selectors match their own pod labels', () => {
    for (const d of deployments) {
      const labels = d.spec?.template?.metadata?.labels ?? {};
      expect(Object.keys(d.spec?.selector?.matchLabels ?? {}).length, d.metadata.name).toBeGreaterThan(0);
      expect(selectorMatches(d.spec?.selector, labels), d.metadata.name).toBe(true);
    }
  });

  it('every pod is non-root, read-only, unprivileged, seccomp-confined and resource-bounded', () => {
    for (const { object, pod } of workloads) {
      const podSc = pod.securityContext ?? {};
      expect(pod.automountServiceAccountToken, object.metadata.name).toBe(false);
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        const where = `${object.metadata.name}/${c.name}`;
        const sc = c.securityContext ?? {};
        expect(sc.runAsNonRoot ?? podSc.runAsNonRoot, where).toBe(true);
        expect(sc.runAsUser ?? podSc.runAsUser, where).toBe(NON_ROOT_UID);
        expect(sc.readOnlyRootFilesystem, where).toBe(true);
        expect(sc.allowPrivilegeEscalation, where).toBe(false);
        expect(sc.privileged ?? false, where).toBe(false);
        expect(sc.capabilities?.drop ?? [], where).toContain('ALL');
        expect(sc.capabilities?.add ?? [], where).toEqual([]);
        expect((sc.seccompProfile ?? podSc.seccompProfile)?.type, where).toBe('RuntimeDefault');
        for (const kind of ['requests', 'limits'] as const) {
          expect(c.resources?.[kind]?.cpu, `${where} ${kind}.cpu`).toBeDefined();
          expect(c.resources?.[kind]?.memory, `${where} ${kind}.memory`).toBeDefined();
        }
        const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect(tmp, `${where} /tmp`).toBeDefined();
        expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, `${where} /tmp emptyDir`).toBeDefined();
      }
    }
  });

  it('runs the app image with the documented command for each workload', () => {
    const imageNames = (kustomization.images ?? []).map((i) => i.name);
    expect(imageNames).toContain(APP_IMAGE);
    for (const { object, pod } of workloads) {
      for (const c of pod.containers) {
        expect(c.image, object.metadata.name).toBe(APP_IMAGE);
        expect(c.command, `${object.metadata.name}: keep the image ENTRYPOINT`).toBeUndefined();
      }
    }
    for (const d of deployments) {
      expect(d.spec?.template?.spec.containers[0]?.args).toEqual(['service', d.metadata.name]);
    }
  });

  it('Deployments probe liveness and readiness on a named container port that exists', () => {
    for (const d of deployments) {
      for (const c of d.spec?.template?.spec.containers ?? []) {
        const where = `${d.metadata.name}/${c.name}`;
        const portNames = (c.ports ?? []).map((p) => p.name);
        const probes = { livenessProbe: c.livenessProbe, readinessProbe: c.readinessProbe, startupProbe: c.startupProbe };
        for (const [kind, probe] of Object.entries(probes)) {
          if (kind === 'startupProbe' && probe === undefined) continue;
          expect(probe, `${where}: ${kind}`).toBeDefined();
          const port = probePort(probe);
          expect(typeof port, `${where}: ${kind} port must be named`).toBe('string');
          expect(portNames, `${where}: ${kind}`).toContain(port);
        }
        expect(c.livenessProbe?.httpGet?.path, where).toBe('/healthz');
        expect(c.readinessProbe?.httpGet?.path, where).toBe('/readyz');
      }
    }
  });

  it('container ports, port variables and the documented ports agree', () => {
    for (const d of deployments) {
      const service = d.metadata.name as ServiceName;
      const c = d.spec?.template?.spec.containers[0];
      const ports = new Map((c?.ports ?? []).map((p) => [p.name, p.containerPort]));
      expect(ports.get('grpc'), service).toBe(PORTS[service].grpc);
      expect(ports.get('http'), service).toBe(PORTS[service].http);
      const env = new Map((c?.env ?? []).map((e) => [e.name, e.value]));
      expect(env.get(portEnv(service, 'grpc')), service).toBe(String(PORTS[service].grpc));
      expect(env.get(portEnv(service, 'http')), service).toBe(String(PORTS[service].http));
    }
  });

  it('gives every workload only documented variables, from declared sources', () => {
    for (const { object, pod } of workloads) {
      for (const c of pod.containers) {
        const where = `${object.metadata.name}/${c.name}`;
        const role = roleOf(c.args);
        const names: string[] = [];
        for (const source of c.envFrom ?? []) {
          expect(source.secretRef, `${where}: envFrom a Secret hides which variables it sets`).toBeUndefined();
          const keys = configMaps.get(source.configMapRef?.name ?? '');
          expect(keys, `${where}: ConfigMap ${source.configMapRef?.name}`).toBeDefined();
          names.push(...(keys?.keys() ?? []));
        }
        for (const e of c.env ?? []) {
          names.push(e.name);
          const secret = e.valueFrom?.secretKeyRef;
          if (secret) {
            expect(secret.name, where).toBe('dfs-infra');
            expect(secret.key, where).toBe(e.name);
          }
          if (ADDRESSES[e.name]) expect(e.value, `${where}: ${e.name}`).toBe(ADDRESSES[e.name]);
        }
        expect(new Set(names).size, `${where}: a variable is set twice`).toBe(names.length);
        for (const name of names) expect(DOCUMENTED_ENV[role], `${where}: ${name}`).toContain(name);
        expect(names, where).toContain('DFS_STATE_DIR');
        if (isServiceRole(role)) {
          expect(names, where).toContain('MONGODB_URI');
          expect(names, where).toContain('KAFKA_BROKERS');
        }
      }
    }
  });

  it('mounts only declared volumes: Secrets read-only, inside a writable state directory', () => {
    for (const { object, pod } of workloads) {
      const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
      for (const c of pod.containers) {
        const where = `${object.metadata.name}/${c.name}`;
        const stateDir = containerEnv(c).get('DFS_STATE_DIR') ?? '';
        expect(stateDir.startsWith('/'), `${where}: DFS_STATE_DIR`).toBe(true);
        const stateMount = c.volumeMounts?.find((m) => m.mountPath === stateDir);
        expect(volumes.get(stateMount?.name ?? '')?.emptyDir, `${where}: state dir is an emptyDir`).toBeDefined();
        for (const m of c.volumeMounts ?? []) {
          const volume = volumes.get(m.name);
          expect(volume, `${where}: volume ${m.name}`).toBeDefined();
          if (volume && secretFiles(volume).length > 0) {
            expect(m.readOnly, `${where}: ${m.name} read-only`).toBe(true);
            expect(m.mountPath.startsWith(`${stateDir}/`), `${where}: ${m.name} under DFS_STATE_DIR`).toBe(true);
          }
        }
      }
    }
  });

  it('gives each workload exactly the Secret keys it needs, where the code looks for them', () => {
    for (const { id, object, pod } of workloads) {
      expect(Object.keys(SECRET_KEYS), `${object.metadata.name}: unknown workload ${id}`).toContain(id);
      const expected = SECRET_KEYS[id as keyof typeof SECRET_KEYS];
      const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
      for (const c of pod.containers) {
        const where = `${object.metadata.name}/${c.name}`;
        const mounted: Record<string, string[]> = {};
        const files: string[] = [];
        const stateDir = containerEnv(c).get('DFS_STATE_DIR') ?? '';
        for (const m of c.volumeMounts ?? []) {
          for (const f of secretFiles(volumes.get(m.name) ?? { name: m.name })) {
            (mounted[f.secret] ??= []).push(f.key);
            files.push(`${m.mountPath}/${f.path}`.slice(stateDir.length + 1));
          }
        }
        for (const keys of Object.values(mounted)) keys.sort();
        const want = Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, [...v].sort()]));
        expect(mounted, where).toEqual(want);
        expect(files.sort(), where).toEqual([...STATE_FILES[id as keyof typeof STATE_FILES]].sort());
        const oemRoots = containerEnv(c).get('ATTESTATION_OEM_ROOTS');
        for (const root of oemRoots?.split(',') ?? []) {
          expect(files.map((f) => `${stateDir}/${f}`), `${where}: ATTESTATION_OEM_ROOTS`).toContain(root.trim());
        }
      }
    }
  });

  it('every Service selects one Deployment and targets ports it has', () => {
    for (const s of ofKind('Service')) {
      const selector = s.spec?.selector ?? {};
      expect(Object.keys(selector).length, s.metadata.name).toBeGreaterThan(0);
      const selected = deployments.filter((d) =>
        selectorMatches({ matchLabels: selector }, d.spec?.template?.metadata?.labels ?? {}),
      );
      expect(selected.map((d) => d.metadata.name), s.metadata.name).toEqual([s.metadata.name]);
      const containerPorts = (selected[0]?.spec?.template?.spec.containers ?? []).flatMap((c) => c.ports ?? []);
      expect((s.spec?.ports ?? []).map((p) => p.name).sort()).toEqual(['grpc', 'http']);
      for (const p of s.spec?.ports ?? []) {
        const target = p.targetPort ?? p.port;
        const found = containerPorts.find((cp) => (typeof target === 'string' ? cp.name === target : cp.containerPort === target));
        expect(found, `${s.metadata.name}: targetPort ${target}`).toBeDefined();
        expect(p.port, `${s.metadata.name}: ${p.name}`).toBe(found?.containerPort);
      }
    }
  });

  describe('network policies', () => {
    const policies = ofKind('NetworkPolicy');
    const matching = (selector: LabelSelector | undefined): string[] =>
      workloads.filter((w) => selectorMatches(selector, w.labels)).map((w) => w.id);
    const isDenyAll = (p: K8sObject): boolean =>
      isEmptySelector(p.spec?.podSelector) && (p.spec?.ingress ?? []).length === 0 && (p.spec?.egress ?? []).length === 0;
    const isDns = (peer: NetworkPolicyPeer): boolean =>
      peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'kube-system' &&
      peer.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns';

    const podCalls = { ingress: new Set<string>(), egress: new Set<string>() };
    const external = new Set<string>();
    const dns = new Set<string>();
    for (const p of policies) {
      const targets = matching(p.spec?.podSelector);
      for (const direction of ['ingress', 'egress'] as const) {
        for (const rule of p.spec?.[direction] ?? []) {
          const peers = (direction === 'ingress' ? rule.from : rule.to) ?? [];
          const ports = rule.ports ?? [];
          if (peers.length === 0 || ports.length === 0) {
            // An empty peer or port list means "any": never what this base wants.
            throw new Error(`${p.metadata.name}: ${direction} rule without peers or ports`);
          }
          for (const peer of peers) {
            for (const port of ports) {
              for (const target of targets) {
                if (isDns(peer) && direction === 'egress') {
                  dns.add(`${target}:${port.protocol ?? 'TCP'}/${port.port}`);
                } else if (peer.ipBlock && direction === 'egress') {
                  external.add(`${target}:${port.port}`);
                } else if (peer.podSelector && !peer.namespaceSelector && !peer.ipBlock) {
                  for (const other of matching(peer.podSelector)) {
                    podCalls[direction].add(
                      direction === 'ingress' ? `${other}->${target}:${port.port}` : `${target}->${other}:${port.port}`,
                    );
                  }
                } else {
                  throw new Error(`${p.metadata.name}: unexpected ${direction} peer ${JSON.stringify(peer)}`);
                }
              }
            }
          }
        }
      }
    }

    it('deny all ingress and egress by default', () => {
      const denyAll = policies.filter(isDenyAll);
      expect(denyAll.length).toBeGreaterThan(0);
      const types = new Set(denyAll.flatMap((p) => p.spec?.policyTypes ?? []));
      expect(types).toContain('Ingress');
      expect(types).toContain('Egress');
    });

    it('select existing workloads in every allow rule', () => {
      for (const p of policies.filter((x) => !isDenyAll(x))) {
        expect(matching(p.spec?.podSelector).length, `${p.metadata.name}: podSelector`).toBeGreaterThan(0);
        for (const rule of [...(p.spec?.ingress ?? []), ...(p.spec?.egress ?? [])]) {
          for (const peer of [...(rule.from ?? []), ...(rule.to ?? [])]) {
            if (peer.podSelector && !peer.namespaceSelector) {
              expect(matching(peer.podSelector).length, `${p.metadata.name}: peer ${JSON.stringify(peer)}`).toBeGreaterThan(0);
            }
          }
        }
        for (const type of p.spec?.policyTypes ?? []) {
          const rules = type === 'Ingress' ? p.spec?.ingress : p.spec?.egress;
          expect((rules ?? []).length, `${p.metadata.name}: ${type} listed without rules`).toBeGreaterThan(0);
        }
      }
    });

    it('allow exactly the calls the stack makes, on both ends', () => {
      expect([...podCalls.egress].sort()).toEqual(EXPECTED_POD_CALLS);
      expect([...podCalls.ingress].sort()).toEqual(EXPECTED_POD_CALLS);
      for (const call of EXPECTED_POD_CALLS) {
        const [, callee = '', port = ''] = /->([^:]+):(\d+)$/.exec(call) ?? [];
        const ports = (workloadById.get(callee)?.pod.containers ?? []).flatMap((c) => c.ports ?? []);
        expect(ports.map((p) => p.containerPort), call).toContain(Number(port));
      }
    });

    it('let only the services reach MongoDB and Kafka', () => {
      const expected = SERVICES.flatMap((s) => STORE_PORTS.map((port) => `${s}:${port}`)).sort();
      expect([...external].sort()).toEqual(expected);
    });

    it('let every pod resolve names through kube-dns', () => {
      const expected = workloads.flatMap((w) => [`${w.id}:UDP/53`, `${w.id}:TCP/53`]).sort();
      expect([...dns].sort()).toEqual(expected);
    });
  });
});

/**
 * Reads deploy/docker-compose.yml and the rendered Kubernetes base into container specs for
 * deploy-emulation.ts: command, environment, user, mounts, as each file configures them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderKustomization } from '../../scripts/render-k8s.js';
import { REPO_ROOT, type ContainerSpec, type Mount, type Volumes } from './deploy-emulation.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are free-form YAML
type Doc = Record<string, any>;

/**
 * The compose file as `docker compose config` resolves it with
 * no .env: `${VAR:-default}` to its default, merge keys applied.
 */
export function composeFile(path = join(REPO_ROOT, 'deploy', 'docker-compose.yml')): Doc {
  const text = readFileSync(path, 'utf8').replace(/\$\{(\w+):-([^}]*)\}/g, (_m, _v, d: string) => d);
  return parse(text, { merge: true, maxAliasCount: -1 }) as Doc;
}

/** A compose service's volume mounts, short (`volume:path[:ro]`) or long syntax (with a `volume.subpath`). */
export function composeMounts(service: Doc): Mount[] {
  return ((service.volumes ?? []) as (string | Doc)[]).map((v) => {
    if (typeof v !== 'string')
      return { volume: v.source, path: v.target, readOnly: v.read_only === true, subpath: v.volume?.subpath };
    const [volume, path, mode] = v.split(':');
    return { volume: volume!, path: path!, readOnly: mode === 'ro' };
  });
}

/** One compose service as a container; named volumes keep their compose names (shared across the stack). */
export function composeContainer(compose: Doc, name: string): ContainerSpec {
  const s = compose.services[name];
  if (!s) throw new Error(`compose has no service ${name}`);
  const [uid, gid] = String(s.user ?? '0')
    .split(':')
    .map(Number);
  return {
    name,
    args: (s.command as string[]).map(String),
    env: Object.fromEntries(
      Object.entries((s.environment ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v ?? '')]),
    ),
    mounts: composeMounts(s),
    tmpfs: ((s.tmpfs ?? []) as string[]).map((t) => t.split(':')[0]!),
    readOnlyRoot: s.read_only === true,
    uid: uid ?? 0,
    gid: gid ?? 0,
    groups: [],
  };
}

/** Secrets as deploy/README.md creates them, from a `dfs certs` state directory: key -> content. */
export type SecretStore = Record<string, Record<string, string | Buffer>>;

/**
 * The Secrets of deploy/README.md built from a `dfs certs` state directory: `oem-<file>` keys come
 * from oem/<file>, every other certificate, key or file from pki/ under its own name.
 */
export function readmeSecrets(stateDir: string, extra: SecretStore): SecretStore {
  const fromState = (key: string) =>
    readFileSync(key.startsWith('oem-') ? join(stateDir, 'oem', key.slice('oem-'.length)) : join(stateDir, 'pki', key));
  const pki = [
    'ca.crt',
    'attestation.crt',
    'attestation.key',
    'transaction.crt',
    'transaction.key',
    'risk.crt',
    'risk.key',
    'mno.crt',
    'mno.key',
    'device-ca.crt',
    'device-ca.key',
    'device-trust.json',
    'oem-root.crt',
  ];
  const deviceSim = [
    'bootstrap.crt',
    'bootstrap.key',
    'operator.crt',
    'operator.key',
    'app-signing.crt',
    'oem-root.crt',
    'oem-root.key',
    'oem-ese-ca.crt',
    'oem-ese-ca.key',
    'oem-software-ca.crt',
    'oem-software-ca.key',
    'oem-build.key',
    'oem-build.pub',
  ];
  return {
    'dfs-pki': Object.fromEntries(pki.map((k) => [k, fromState(k)])),
    'dfs-device-sim': Object.fromEntries(deviceSim.map((k) => [k, fromState(k)])),
    ...extra,
  };
}

/**
 * The Deployment named `name` in the rendered base as a container, its Secret, ConfigMap and emptyDir volumes laid
 * out in `volumes`. `configMaps` are those created beside the base (an optional one left out mounts empty).
 */
export function k8sContainer(
  rendered: Doc[],
  name: string,
  secrets: SecretStore,
  volumes: Volumes,
  configMaps: SecretStore = {},
): ContainerSpec {
  const dep = rendered.find((d) => d.kind === 'Deployment' && d.metadata.name === name);
  if (!dep) throw new Error(`no Deployment ${name}`);
  const pod = dep.spec.template.spec;
  const c = pod.containers[0];
  const podSec = pod.securityContext ?? {};
  const sec = c.securityContext ?? {};
  const fsGroup: number | undefined = podSec.fsGroup;
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    const cm = rendered.find((d) => d.kind === 'ConfigMap' && d.metadata.name === from.configMapRef?.name);
    if (!cm) throw new Error(`${name}: envFrom names a ConfigMap that is not in the base`);
    Object.assign(env, cm.data);
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.secretKeyRef) {
      const { name: secret, key } = e.valueFrom.secretKeyRef;
      const value = secrets[secret]?.[key];
      if (value === undefined)
        throw new Error(`${name}: ${e.name} reads Secret ${secret} key ${key}, which deploy/README.md does not create`);
      env[e.name] = value.toString();
    }
  }
  const volumeFiles = (v: Doc): Record<string, string | Buffer> => {
    const sources: Doc[] = v.secret
      ? [{ secret: { name: v.secret.secretName, items: v.secret.items } }]
      : (v.projected?.sources ?? []);
    const files: Record<string, string | Buffer> = {};
    for (const s of sources) {
      const data = secrets[s.secret.name];
      if (!data)
        throw new Error(
          `${name}: volume ${v.name} reads Secret ${s.secret.name}, which deploy/README.md does not create`,
        );
      for (const item of s.secret.items ?? Object.keys(data).map((k) => ({ key: k, path: k }))) {
        if (data[item.key] === undefined)
          throw new Error(`${name}: volume ${v.name} needs key ${item.key} of Secret ${s.secret.name}`);
        files[item.path] = data[item.key]!;
      }
    }
    return files;
  };
  const configMapFiles = (v: Doc): Record<string, string | Buffer> => {
    const cm = v.configMap;
    const data: Record<string, string | Buffer> | undefined =
      rendered.find((d) => d.kind === 'ConfigMap' && d.metadata.name === cm.name)?.data ?? configMaps[cm.name];
    if (!data) {
      if (cm.optional === true) return {};
      throw new Error(`${name}: volume ${v.name} reads ConfigMap ${cm.name}, which is neither in the base nor created`);
    }
    const items: { key: string; path: string }[] = cm.items ?? Object.keys(data).map((k) => ({ key: k, path: k }));
    return Object.fromEntries(items.map((i) => [i.path, data[i.key]!]));
  };
  for (const v of pod.volumes ?? []) {
    const id = `${name}-${v.name}`;
    if (v.emptyDir) volumes.emptyDir(id);
    else if (v.configMap) volumes.preset(id, configMapFiles(v), v.configMap.defaultMode ?? 0o644, fsGroup ?? 0);
    else if (v.secret || v.projected)
      volumes.preset(id, volumeFiles(v), v.secret?.defaultMode ?? v.projected?.defaultMode ?? 0o644, fsGroup ?? 0);
    else throw new Error(`${name}: volume ${v.name} has a type this check does not model`);
  }
  const uid = sec.runAsUser ?? podSec.runAsUser ?? 0;
  const gid = sec.runAsGroup ?? podSec.runAsGroup ?? 0;
  return {
    name,
    args: (c.args as string[]).map(String),
    env,
    mounts: (c.volumeMounts ?? []).map((m: Doc) => ({
      path: m.mountPath,
      volume: `${name}-${m.name}`,
      readOnly: m.readOnly === true,
    })),
    tmpfs: [],
    readOnlyRoot: sec.readOnlyRootFilesystem === true,
    uid,
    gid,
    groups: [gid, ...(fsGroup !== undefined && fsGroup !== gid ? [fsGroup] : [])],
  };
}

/** The Kubernetes base rendered as `kubectl kustomize deploy/k8s` would. */
export const renderedBase = (dir = join(REPO_ROOT, 'deploy', 'k8s')): Doc[] => renderKustomization(dir);

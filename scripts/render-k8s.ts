/**
 * Renders a kustomize directory the way `kubectl kustomize` does for what deploy/k8s uses:
 * resources, namespace, configMapGenerator literals (name suffixed with a content hash, references
 * renamed) and images. Prints the documents as YAML, or writes them to --out.
 *
 *   npx tsx scripts/render-k8s.ts deploy/k8s [--out rendered.yaml]
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are free-form YAML
type Manifest = Record<string, any>;

interface Kustomization {
  namespace?: string;
  resources?: string[];
  configMapGenerator?: { name: string; literals?: string[] }[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

/** Kinds that live outside namespaces (the subset a base like this can hold). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'CustomResourceDefinition',
  'IngressClass',
]);

function walk(node: unknown, visit: (obj: Manifest, key: string) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    visit(node as Manifest, k);
    walk(v, visit);
  }
}

/** The manifests `kubectl kustomize <dir>` would print for this base. */
export function renderKustomization(dir: string): Manifest[] {
  const k = parseYaml(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const docs: Manifest[] = [];
  for (const file of k.resources ?? []) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      const m = doc.toJS({ maxAliasCount: -1 }) as Manifest | null;
      if (m) docs.push(m);
    }
  }
  const renamed = new Map<string, string>();
  for (const g of k.configMapGenerator ?? []) {
    const data = Object.fromEntries(
      (g.literals ?? []).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const hash = createHash('sha256')
      .update(JSON.stringify({ kind: 'ConfigMap', name: g.name, data }))
      .digest('hex')
      .slice(0, 10);
    renamed.set(g.name, `${g.name}-${hash}`);
    docs.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${g.name}-${hash}` }, data });
  }
  for (const m of docs) {
    if (k.namespace && !CLUSTER_SCOPED.has(m.kind)) m.metadata = { ...m.metadata, namespace: k.namespace };
    walk(m, (obj, key) => {
      if ((key === 'configMapRef' || key === 'configMapKeyRef' || key === 'configMap') && renamed.has(obj[key]?.name))
        obj[key].name = renamed.get(obj[key].name);
      if (key === 'image' && typeof obj[key] === 'string') {
        const [name, tag] = obj[key].split(':');
        const img = k.images?.find((i) => i.name === name);
        if (img) obj[key] = `${img.newName ?? name}:${img.newTag ?? tag ?? 'latest'}`;
      }
    });
  }
  return docs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const out = args.indexOf('--out');
  const yaml = renderKustomization(args[0] ?? 'deploy/k8s')
    .map((m) => stringify(m, { version: '1.1' }))
    .join('---\n');
  if (out >= 0) writeFileSync(args[out + 1]!, yaml);
  else process.stdout.write(yaml);
}

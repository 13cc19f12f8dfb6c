/**
 * What test/deploy/start.test.ts (the services started as deploy/ configures them) and
 * test/deploy/validate.test.ts (the offline schema validators) cannot see: the calls the network
 * policies allow, what the Ingress exposes, where Prometheus scrapes, which container may read an
 * OEM private key and what the demo Job is given, the health checks, and that every variable deploy/ sets is
 * documented.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pkiPaths } from '../../kit/src/pki.js';
import { INTEGRATOR_PATHS } from '../../services/transaction/src/http/integrator-api.js';
import { REPO_ROOT } from '../support/deploy-emulation.js';
import { composeFile, composeMounts, renderedBase } from '../support/deploy-specs.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are free-form YAML
type Doc = Record<string, any>;

const SERVICES = {
  attestation: { grpc: 50051, http: 8081 },
  transaction: { grpc: 50052, http: 8082 },
  risk: { grpc: 50053, http: 8083 },
} as const;
const compose = composeFile();
const base = renderedBase();
const deployments = base.filter((d) => d.kind === 'Deployment');
const policies = base.filter((d) => d.kind === 'NetworkPolicy');
const podLabel = (d: Doc): string => d.spec.template.metadata.labels['app.kubernetes.io/name'];
const workloads = base.filter((d) => d.kind === 'Deployment' || d.kind === 'Job');

/** Does `selector` (a NetworkPolicy podSelector) select pods labelled app.kubernetes.io/name=`app`? */
function selects(selector: Doc, app: string): boolean {
  const labels = selector.matchLabels ?? {};
  if (Object.keys(labels).some((k) => k !== 'app.kubernetes.io/name' || labels[k] !== app)) return false;
  return (selector.matchExpressions ?? []).every(
    (e: Doc) => e.key === 'app.kubernetes.io/name' && e.operator === 'In' && e.values.includes(app),
  );
}

/** Ports `app` may send to pods of `peer` (egress) or receive from them (ingress), per the policies. */
function allowed(direction: 'egress' | 'ingress', app: string, peer: (p: Doc) => boolean): number[] {
  return policies
    .filter(
      (p) =>
        selects(p.spec.podSelector, app) && p.spec.policyTypes.includes(direction === 'egress' ? 'Egress' : 'Ingress'),
    )
    .flatMap((p) =>
      ((p.spec[direction] ?? []) as Doc[])
        .filter((r) => ((r[direction === 'egress' ? 'to' : 'from'] ?? []) as Doc[]).some(peer))
        .flatMap((r) => (r.ports ?? []).map((x: Doc) => x.port as number)),
    );
}

describe('deploy/k8s network policies', () => {
  const calls: [string, string, number][] = [
    ['transaction', 'risk', 50053],
    ['risk', 'mno', 8085],
    ['transaction', 'attestation', 50051],
    ['device-sim', 'attestation', 50051],
    ['device-sim', 'transaction', 50052],
  ];

  it('deny by default, then allow each call the stack makes on both ends, and nothing else between pods', () => {
    expect(policies.find((p) => p.metadata.name === 'default-deny-all')?.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
    const pods = ['attestation', 'transaction', 'risk', 'mno', 'device-sim'];
    const granted = pods.flatMap((from) =>
      pods.flatMap((to) =>
        allowed('egress', from, (peer) => peer.podSelector && selects(peer.podSelector, to))
          .filter((port) =>
            allowed('ingress', to, (peer) => peer.podSelector && selects(peer.podSelector, from)).includes(port),
          )
          .map((port) => [from, to, port] as [string, string, number]),
      ),
    );
    expect(granted.sort()).toEqual([...calls].sort());
  });

  it('let transaction reach integrator callbacks on 443 outside private ranges and the metadata address', () => {
    const rule = policies.find((p) => p.metadata.name === 'transaction-egress-callbacks')!.spec.egress[0];
    expect(rule.ports).toEqual([{ protocol: 'TCP', port: 443 }]);
    expect(rule.to[0].ipBlock.except).toEqual(
      expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']),
    );
  });

  it('let the ingress controller reach only the REST port and the monitoring namespace only the HTTP ports', () => {
    const fromNamespace = (ns: string) => (peer: Doc) =>
      peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === ns;
    for (const [svc, ports] of Object.entries(SERVICES)) {
      expect(allowed('ingress', svc, fromNamespace('ingress-nginx'))).toEqual(
        svc === 'transaction' ? [ports.http] : [],
      );
      expect(allowed('ingress', svc, fromNamespace('monitoring'))).toContain(ports.http);
      expect(allowed('ingress', svc, fromNamespace('monitoring'))).not.toContain(ports.grpc);
    }
  });
});

describe('deploy/k8s exposure and scraping', () => {
  it(
    'the Ingress routes the integrator API and the OpenAPI document ' +
      'to transaction, never /metrics or the operator journal check',
    () => {
      const paths = base
        .filter((d) => d.kind === 'Ingress')
        .flatMap((i) => i.spec.rules.flatMap((r: Doc) => r.http.paths));
      expect(paths.map((p: Doc) => p.path).sort()).toEqual([...INTEGRATOR_PATHS, '/openapi.json'].sort());
      expect(new Set(paths.map((p: Doc) => `${p.backend.service.name}:${p.backend.service.port.name}`))).toEqual(
        new Set(['transaction:http']),
      );
    },
  );

  it(
    'each service pod is annotated for scraping /metrics on its HTTP container port; the ' +
      'operator simulator, whose port also carries its keyless network controls, is not scraped',
    () => {
      const mno = deployments.find((d) => podLabel(d) === 'mno')!;
      expect(mno.spec.template.metadata.annotations).toBeUndefined();
      expect(allowed('ingress', 'mno', (peer) => peer.namespaceSelector !== undefined)).toEqual([]);
      for (const d of deployments.filter((x) => x !== mno)) {
        const ann = d.spec.template.metadata.annotations;
        const http = d.spec.template.spec.containers[0].ports.find((p: Doc) => p.name === 'http').containerPort;
        expect([ann['prometheus.io/scrape'], ann['prometheus.io/path'], Number(ann['prometheus.io/port'])]).toEqual([
          'true',
          '/metrics',
          http,
        ]);
      }
    },
  );

  it('probes /healthz and /readyz over HTTPS on the HTTP port', () => {
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0];
      expect([c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path, c.readinessProbe.httpGet.port]).toEqual([
        '/healthz',
        '/readyz',
        'http',
      ]);
      for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe])
        expect(probe.httpGet.scheme).toBe('HTTPS');
    }
  });

  it('only the demo Job (a simulated phone factory) mounts an OEM private key', () => {
    const mountsKey = (d: Doc) =>
      (d.spec.template.spec.volumes as Doc[]).some((v) => /"oem-[\w-]+\.key"/.test(JSON.stringify(v)));
    expect(workloads.filter(mountsKey).map(podLabel)).toEqual(['device-sim']);
  });

  it('gives the demo Job every file the simulated OEM and phones read from the state directory', () => {
    const job = workloads.find((d) => d.kind === 'Job' && podLabel(d) === 'device-sim')!;
    const pod = job.spec.template.spec;
    const stateDir = base.find((d) => d.kind === 'ConfigMap' && d.metadata.name.startsWith('dfs-config'))!.data
      .DFS_STATE_DIR as string;
    const mounted = (pod.containers[0].volumeMounts as Doc[]).flatMap((m) => {
      const v = (pod.volumes as Doc[]).find((x) => x.name === m.name)!;
      const sources: Doc[] = v.secret ? [v] : (v.projected?.sources ?? []);
      return sources.flatMap((s) => ((s.secret.items ?? []) as Doc[]).map((i) => join(m.mountPath, i.path)));
    });
    const p = pkiPaths(stateDir);
    const read = [
      p.ca,
      p.cert('bootstrap'),
      p.key('bootstrap'),
      p.cert('operator'),
      p.key('operator'),
      p.appSigning.cert,
      p.oemRoot,
      p.oemRootKey,
      p.oemEseCa.cert,
      p.oemEseCa.key,
      p.oemSoftwareCa.cert,
      p.oemSoftwareCa.key,
      p.oemBuild.key,
      p.oemBuild.pub,
    ];
    expect(read.filter((f) => !mounted.includes(f))).toEqual([]);
  });
});

describe('deploy/docker-compose.yml', () => {
  const services = compose.services as Record<string, Doc>;
  const mountsOf = (s: Doc): string[] => composeMounts(s).map((m) => m.volume);

  it('mounts the PKI whole only into certs; everyone else gets the files it reads, no other private key', () => {
    const pkiFiles = (s: Doc) =>
      composeMounts(s)
        .filter((m) => m.volume === 'dfs-pki')
        .map((m) => (m.readOnly ? (m.subpath ?? '(all)') : '(all, writable)'))
        .sort();
    const own = (svc: string) => ['ca.crt', `${svc}.crt`, `${svc}.key`].sort();
    const phone = ['app-signing.crt', 'bootstrap.crt', 'bootstrap.key', 'ca.crt', 'operator.crt', 'operator.key'];
    expect(Object.fromEntries(Object.entries(services).map(([n, s]) => [n, pkiFiles(s)]))).toEqual({
      mongo: [],
      'mongo-init': [],
      kafka: [],
      certs: ['(all, writable)'],
      attestation: [
        ...own('attestation'),
        'device-ca.crt',
        'device-ca.key',
        'device-trust.json',
        'oem-root.crt',
      ].sort(),
      mno: own('mno'),
      risk: own('risk'),
      transaction: own('transaction'),
      prometheus: ['ca.crt'],
      'device-sim': phone,
      load: phone,
    });
    for (const s of Object.values(services))
      for (const m of composeMounts(s).filter((x) => x.subpath))
        expect(m.path.endsWith(`/${m.subpath}`), `${m.path} <- ${m.subpath}`).toBe(true);
  });

  it('gives the OEM root volume only to certs and the simulated phones', () => {
    expect(
      Object.keys(services)
        .filter((n) => mountsOf(services[n]!).includes('dfs-oem'))
        .sort(),
    ).toEqual(['certs', 'device-sim', 'load']);
  });

  it('health-checks each service on its /readyz and publishes its HTTP port on loopback only', () => {
    for (const [svc, ports] of Object.entries({ ...SERVICES, mno: { http: 8085 } })) {
      const s = services[svc]!;
      expect(s.healthcheck.test.join(' ')).toContain(`https://127.0.0.1:${ports.http}/readyz`);
      expect(s.ports).toEqual([`127.0.0.1:${ports.http}:${ports.http}`]);
    }
  });

  it('points Prometheus at every service HTTP port, over HTTPS verified with the dev CA', () => {
    const prom = parse(readFileSync(join(REPO_ROOT, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8')) as Doc;
    for (const job of prom.scrape_configs as Doc[]) {
      expect([job.scheme, job.tls_config.ca_file]).toEqual(['https', '/etc/dfs-pki/ca.crt']);
      expect(mountsOf(services.prometheus!)).toContain('dfs-pki');
    }
    const targets = prom.scrape_configs.flatMap((j: Doc) => j.static_configs.flatMap((s: Doc) => s.targets));
    expect(targets.sort()).toEqual(
      Object.entries(SERVICES)
        .map(([svc, p]) => `${svc}:${p.http}`)
        .sort(),
    );
  });
});

describe('deploy/grafana/dfs-dashboard.json', () => {
  it('charts only metrics the services register', () => {
    const dashboard = readFileSync(join(REPO_ROOT, 'deploy', 'grafana', 'dfs-dashboard.json'), 'utf8');
    const charted = [
      ...new Set([...dashboard.matchAll(/\b(dfs_[a-z_]+?)(?:_bucket|_count|_sum)?\b/g)].map((m) => m[1]!)),
    ];
    const sources = [
      'kit/src/metrics.ts',
      'services/transaction/src/metrics.ts',
      'services/risk/src/metrics.ts',
      'services/attestation/src/metrics.ts',
    ]
      .map((f) => readFileSync(join(REPO_ROOT, f), 'utf8'))
      .join('\n');
    expect(charted.length).toBeGreaterThanOrEqual(10);
    expect(charted.filter((m) => !sources.includes(`'${m}'`))).toEqual([]);
  });
});

describe('deploy/README.md', () => {
  it('documents every variable the compose file and the Kubernetes base set', () => {
    const readme = readFileSync(join(REPO_ROOT, 'deploy', 'README.md'), 'utf8');
    const fromCompose = Object.values(compose.services as Record<string, Doc>)
      .filter((s) => String(s.image ?? '').includes('dfs-reference-stack'))
      .flatMap((s) => Object.keys(s.environment ?? {}));
    const fromK8s = workloads.flatMap((d) => [
      ...d.spec.template.spec.containers.flatMap((c: Doc) => (c.env ?? []).map((e: Doc) => e.name)),
      ...base.filter((c) => c.kind === 'ConfigMap').flatMap((c) => Object.keys(c.data)),
    ]);
    const vars = [...new Set([...fromCompose, ...fromK8s])];
    expect(vars.length).toBeGreaterThan(10);
    expect(vars.filter((v) => !readme.includes(`\`${v}\``))).toEqual([]);
  });
});

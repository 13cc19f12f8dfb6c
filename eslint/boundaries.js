import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Packages that are transport or storage: never imported by a service's domain/. */
const TRANSPORT_PACKAGES = /^(?:@grpc\/|express$|mongoose$|kafkajs$|(?:node:)?(?:http|https|http2|net)$)/;
/** Repository files that are transport or storage edges. */
const TRANSPORT_FILES = [
  /^services\/[^/]+\/src\/(?:grpc|http)\//,
  /^services\/[^/]+\/src\/store\/mongo/,
  /^kit\/src\/(?:grpc-client|grpc-server|kafka-bus|mongo|http)\./,
];

/** A service's own gRPC and HTTP edge folders: never imported by its events/ consumers or producers. */
const EDGE_FOLDERS = /^services\/[^/]+\/src\/(?:grpc|http)\//;

/**
 * The simulated OEM's release tooling (build keys, signed manifests): the FOTA
 * service, standing in for the OEM's update server, builds its releases with it.
 */
const OEM_BUILD_TOOLING = 'device-sim/src/firmware.js';

/** Where a repository path sits: contracts, kit, a service (by name), device-sim, cli, or elsewhere. */
function zoneOf(path) {
  const service = /^services\/([^/]+)\//.exec(path);
  if (service) return { zone: 'service', name: service[1] };
  const top = path.split('/')[0];
  return { zone: ['contracts', 'kit', 'device-sim', 'cli'].includes(top) ? top : 'other' };
}

/**
 * Why `from` (repository path) may not import `target` (a repository path, or a package name when
 * `isPackage`), or null when it may: contracts/ imports only contracts/ and packages; kit imports no
 * service, phone or cli; a service imports no other service, phone or cli; the phone imports no
 * service or cli; a service's domain/ imports no transport or storage (packages or edge folders); a
 * service's events/ imports no gRPC or HTTP edge (grpc/, http/).
 */
export function boundaryViolation(from, target, isPackage) {
  const src = zoneOf(from);
  const inDomain = src.zone === 'service' && /\/src\/domain\//.test(from);
  const inEvents = src.zone === 'service' && /\/src\/events\//.test(from);
  if (isPackage) return inDomain && TRANSPORT_PACKAGES.test(target) ? `domain/ imports no transport (${target})` : null;
  const dst = zoneOf(target);
  const to = (...zones) => zones.includes(dst.zone);
  if (src.zone === 'contracts' && !to('contracts')) return `contracts/ imports nothing but contracts/ (${target})`;
  if (src.zone === 'kit' && to('service', 'device-sim', 'cli'))
    return `kit imports no service, device-sim or cli (${target})`;
  if (src.zone === 'service' && to('service') && dst.name !== src.name) {
    return `services/${src.name} imports no other service (${target}); share through contracts/ or kit/`;
  }
  if (src.zone === 'service' && src.name === 'fota' && target === OEM_BUILD_TOOLING) return null;
  if (src.zone === 'service' && to('device-sim', 'cli')) return `a service imports no device-sim or cli (${target})`;
  if (src.zone === 'device-sim' && to('service', 'cli'))
    return `device-sim imports no service or cli (${target}); use contracts/`;
  if (inDomain && TRANSPORT_FILES.some((r) => r.test(target)))
    return `domain/ imports no transport or storage edge (${target})`;
  if (inEvents && EDGE_FOLDERS.test(target))
    return `events/ imports no gRPC or HTTP edge (${target}); use domain/ or kit/`;
  return null;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Module boundaries of the stack (docs/ARCHITECTURE.md)' },
    schema: [],
    messages: { boundary: '{{why}}' },
  },
  create(context) {
    const from = relative(ROOT, context.filename).split('\\').join('/');
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const spec = source.value;
      const isPackage = !spec.startsWith('.') && !spec.startsWith('/');
      const target = isPackage
        ? spec
        : relative(ROOT, resolve(dirname(context.filename), spec))
            .split('\\')
            .join('/');
      const why = boundaryViolation(from, target, isPackage);
      if (why) context.report({ node: source, messageId: 'boundary', data: { why } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

/** The stack's ESLint plugin: one rule, `dfs/boundaries`. */
export default { rules: { boundaries: rule } };

import { EXTERNAL_PARTIES, type EventParty } from '../../../contracts/events.js';

/** What the catalog says of one event type. */
export interface CatalogEntry {
  producers: readonly string[];
  consumers: readonly string[];
}

/** Who produces and who consumes each event type, as read from source files. */
export interface EventUse {
  produced: Map<string, Set<string>>;
  consumed: Map<string, Set<string>>;
}

/** The party a production file belongs to: its service, the phone, kit or cli. */
export function partyOf(path: string): string {
  const m = /^services\/([^/]+)\//.exec(path);
  return m ? m[1]! : path.split('/')[0]!;
}

/** The argument text of the call whose opening parenthesis is at `open`. */
function argumentsAt(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

/**
 * Reads the event types each file produces and consumes. A producer is a call of an event builder
 * (`buildEvent`, or a function named `…Event`, not a declaration or `new`) with the type as a literal
 * among its arguments; a consumer names its types in `handles(…)`.
 */
export function scanEvents(files: readonly { path: string; text: string }[], types: readonly string[]): EventUse {
  const known = new Set(types);
  const use: EventUse = { produced: new Map(), consumed: new Map() };
  const add = (map: Map<string, Set<string>>, type: string, party: string) => {
    if (!map.has(type)) map.set(type, new Set());
    map.get(type)!.add(party);
  };
  for (const f of files) {
    for (const [re, map] of [
      [/(?<!function |new |\.)\b\w*Event\(/g, use.produced],
      [/\bhandles\(/g, use.consumed],
    ] as const) {
      for (const call of f.text.matchAll(re)) {
        const args = argumentsAt(f.text, call.index + call[0].length - 1);
        for (const lit of args.matchAll(/'([a-z_]+\.[a-z_]+)'/g))
          if (known.has(lit[1]!)) add(map, lit[1]!, partyOf(f.path));
      }
    }
  }
  return use;
}

/**
 * Compares the catalog with what the source does: every type consumed in the stack has a producer
 * (unless pending), every produced type has a consumer, and the catalog names exactly the parties the
 * source shows. A pending entry whose producer exists is a finding too, so the list only shrinks.
 */
export function eventDrift(
  catalog: Record<string, CatalogEntry>,
  use: EventUse,
  pendingProducers: readonly string[],
): string[] {
  const problems: string[] = [];
  const sorted = (s?: Iterable<string>) => [...(s ?? [])].sort();
  for (const [type, entry] of Object.entries(catalog)) {
    const producers = sorted(use.produced.get(type));
    const consumers = sorted(use.consumed.get(type));
    const external = entry.consumers.filter((c) => EXTERNAL_PARTIES.includes(c as EventParty));
    const pending = pendingProducers.includes(type);
    if (producers.length === 0 && !pending)
      problems.push(`${type}: consumed by ${consumers.join(', ') || 'nobody'} but produced nowhere in production code`);
    if (producers.length > 0 && pending)
      problems.push(`${type}: produced by ${producers.join(', ')}; remove it from PENDING_PRODUCERS`);
    if (producers.length > 0 && consumers.length === 0 && external.length === 0)
      problems.push(`${type}: produced by ${producers.join(', ')} but consumed by nobody`);
    if (JSON.stringify(producers) !== JSON.stringify(sorted(entry.producers)))
      problems.push(
        `${type}: the catalog says producers [${sorted(entry.producers).join(', ')}], ` +
          `the source shows [${producers.join(', ')}]`,
      );
    const internal = sorted(entry.consumers.filter((c) => !external.includes(c)));
    if (JSON.stringify(consumers) !== JSON.stringify(internal))
      problems.push(
        `${type}: the catalog says consumers [${internal.join(', ')}], the source shows [${consumers.join(', ')}]`,
      );
  }
  for (const type of pendingProducers)
    if (!(type in catalog)) problems.push(`${type}: in PENDING_PRODUCERS but not in the catalog`);
  return problems;
}

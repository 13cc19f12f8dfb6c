import { z } from 'zod';
import { DfsError } from '../../../kit/src/errors.js';
import { errorCodeOf } from '../../../kit/src/grpc-client.js';
import { runLoad, type LoadEvent } from '../../load/run.js';
import type { SecondSample } from '../../load/stats.js';
import type { World } from '../../world.js';

/** The largest run the console starts: it shares the machine and the stack with everyone using them. */
export const LOAD_CAPS = { devices: 20, durationSec: 30, rate: 20 } as const;

/** What the operator may ask for; anything above the caps is INVALID_ARGUMENT. */
export const LoadParams = z
  .object({
    devices: z.number().int().min(1).max(LOAD_CAPS.devices),
    durationSec: z.number().int().min(1).max(LOAD_CAPS.durationSec),
    rate: z.number().int().min(1).max(LOAD_CAPS.rate),
  })
  .strict();
export type LoadParams = z.infer<typeof LoadParams>;

type End = Extract<LoadEvent, { kind: 'end' }>;

/** One console load run as the page shows it: its parameters, phase, seconds so far, and the end. */
export interface LoadRunView {
  id: number;
  params: LoadParams;
  state: 'running' | 'done' | 'failed';
  phase: Extract<LoadEvent, { kind: 'phase' }>['phase'] | null;
  devices: number;
  seconds: SecondSample[];
  end: Omit<End, 'kind'> | null;
  /** The stable code the run stopped with (state `failed`). */
  code: string | null;
}

/**
 * Bounded load runs against the console's stack, one at a time: a second start while one runs is
 * CONSOLE_RUN_IN_PROGRESS. Each run gets its own world (its phones and merchants) and publishes its
 * whole view at every phase, every second and at the end.
 */
export class LoadRuns {
  #current: LoadRunView | null = null;
  #running: Promise<void> | null = null;
  #next = 0;
  readonly #stop = new AbortController();

  constructor(
    private readonly newWorld: () => Promise<World>,
    private readonly publish: (view: LoadRunView) => void,
  ) {}

  /** The current or last run, or null. */
  get current(): LoadRunView | null {
    return this.#current;
  }

  /** Starts a run with checked parameters; returns at once with its view. */
  start(params: LoadParams): LoadRunView {
    if (this.#running) throw new DfsError('CONSOLE_RUN_IN_PROGRESS', 'a load run is already running');
    const view: LoadRunView = {
      id: ++this.#next,
      params,
      state: 'running',
      phase: null,
      devices: params.devices,
      seconds: [],
      end: null,
      code: null,
    };
    this.#current = view;
    this.publish(view);
    this.#running = this.#run(view).finally(() => {
      this.#running = null;
      this.publish(view);
    });
    return view;
  }

  /** Ends the running run's payment phase now and waits for its ledger check (console shutdown). */
  async drain(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  async #run(view: LoadRunView): Promise<void> {
    const onEvent = (e: LoadEvent) => {
      if (e.kind === 'phase') Object.assign(view, { phase: e.phase, devices: e.devices });
      else if (e.kind === 'second') view.seconds.push(e.sample);
      else view.end = { payments: e.payments, latencyMs: e.latencyMs, invariants: e.invariants };
      if (e.kind !== 'end') this.publish(view);
    };
    let world: World | undefined;
    try {
      world = await this.newWorld();
      await runLoad(world, {
        devices: view.params.devices,
        merchants: 3,
        rate: view.params.rate,
        durationSec: view.params.durationSec,
        fundMinor: 5_000_000,
        currency: 'KES',
        progress: () => {},
        onEvent,
        signal: this.#stop.signal,
      });
      view.state = 'done';
    } catch (err) {
      view.state = 'failed';
      view.code = errorCodeOf(err);
    } finally {
      world?.close();
    }
  }
}

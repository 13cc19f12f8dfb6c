/** GSMA `serviceStatus` of the heartbeat. */
export type ServiceStatus = 'available' | 'unavailable' | 'degraded';

/** A health signal: true while what it watches is healthy (a throw or rejection reads as unhealthy). */
export type HealthSignal = () => boolean | Promise<boolean>;

const healthy = (signal: HealthSignal): Promise<boolean> =>
  Promise.resolve()
    .then(signal)
    .then((ok) => ok === true)
    .catch(() => false);

/**
 * The GSMA heartbeat's service status: `unavailable` unless the service is ready (its own store
 * and bus answer), `degraded` when it is ready but one of the dependencies its payments and
 * callbacks need is not healthy (integrators can reach it, yet payments or callbacks would fail
 * or wait), `available` otherwise. The dependencies are asked only once the service is ready.
 */
export async function serviceStatus(
  ready: HealthSignal,
  dependencies: readonly HealthSignal[],
): Promise<ServiceStatus> {
  if (!(await healthy(ready))) return 'unavailable';
  const answers = await Promise.all(dependencies.map(healthy));
  return answers.every(Boolean) ? 'available' : 'degraded';
}

import type { BusEvent, EventBus } from './events.js';
import type { Metrics } from './metrics.js';
import { contextFrom, inSpan, SpanKind, traceHeaders } from './tracing.js';

/**
 * The bus as one service sees it: published events carry the active trace context in their headers
 * (an event that already has one keeps it), and each delivery runs in a consumer span continuing the
 * producer's trace, counted by outcome with the consumer's lag. The EventBus port is unchanged.
 */
export function observedBus(bus: EventBus, service: string, m: Metrics): EventBus {
  return {
    publish(topic, events) {
      const headers = traceHeaders();
      return bus.publish(
        topic,
        events.map((e) => (e.headers?.traceparent ? e : { ...e, headers: { ...e.headers, ...headers } })),
      );
    },
    subscribe(topic, group, handler, opts) {
      return bus.subscribe(
        topic,
        group,
        async (e: BusEvent) => {
          m.consumerLag.set({ topic, group }, Math.max(0, Date.now() - e.atMs) / 1000);
          try {
            await inSpan(
              service,
              `consume ${topic}`,
              {
                kind: SpanKind.CONSUMER,
                parent: contextFrom(e.headers),
                attributes: {
                  'messaging.destination.name': topic,
                  'messaging.consumer.group.name': group,
                  'messaging.message.id': e.id,
                  'dfs.event.type': e.type,
                },
              },
              () => handler(e),
            );
            m.consumed.inc({ topic, group, outcome: 'ok' });
          } catch (err) {
            m.consumed.inc({ topic, group, outcome: 'error' });
            throw err;
          }
        },
        opts,
      );
    },
    ready: () => bus.ready(),
    settled: (timeoutMs) => bus.settled(timeoutMs),
    close: () => bus.close(),
  };
}

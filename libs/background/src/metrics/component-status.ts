import type { InboundStatus, PartitionLag, RelayStatus, RetryingMessage } from '@parcours/messaging';
import type { ProjectionStatus } from '@parcours/projections';

export const COMPONENT_STATES = ['running', 'retrying', 'failed', 'upgrading', 'stopped'] as const;

/**
 * One thing that follows the log or a flow in the background, as operators
 * see it (GET /api/projections, /ready, the metrics): a projection, the Kafka
 * relay, or the partner flows' consumer.
 */
export interface ComponentStatus {
  name: string;
  kind: 'projection' | 'relay' | 'consumer';
  status: (typeof COMPONENT_STATES)[number];
  /** Position in the log (opaque). */
  position: string | null;
  /** Events of the log not processed yet (0 for the consumer, which does not read the log). */
  eventsBehind: number;
  /** Events processed (null for the consumer). */
  eventsProcessed: number | null;
  error: string | null;
  retries: number;
  updatedAt: string | null;
  /** The consumer: partner-flow messages not processed yet, null when the broker does not answer. */
  messagesBehind?: number | null;
  /** The consumer: messages being retried. */
  retrying?: RetryingMessage[];
  /** The consumer: messages not processed yet by topic and partition. */
  partitions?: PartitionLag[];
  /** The consumer: messages it dead-lettered since it started, by code. */
  deadLettered?: Record<string, number>;
  /** The consumer: messages the dead-letter topic holds; null when unknown. */
  deadLettersHeld?: number | null;
}

export const logComponent = (
  s: ProjectionStatus | RelayStatus,
  kind: 'projection' | 'relay',
): ComponentStatus => ({
  name: s.name,
  kind,
  status: s.status,
  position: s.position,
  eventsBehind: s.eventsBehind,
  eventsProcessed: s.eventsProcessed,
  error: s.error,
  retries: s.retries,
  updatedAt: s.updatedAt,
});

export const consumerComponent = (s: InboundStatus): ComponentStatus => ({
  name: s.name,
  kind: 'consumer',
  status: s.status,
  position: null,
  eventsBehind: 0,
  eventsProcessed: null,
  error: s.lastError,
  retries: Math.max(0, ...s.retrying.map((r) => r.attempts)),
  updatedAt: null,
  messagesBehind: s.lag,
  retrying: s.retrying,
  partitions: s.partitions,
  deadLettered: s.deadLettered,
  deadLettersHeld: s.deadLettersHeld,
});

/** The components this process runs, read live (the worker alone exposes them on its own metrics port). */
export async function liveComponents(
  runner: { status(): Promise<ProjectionStatus[]> },
  kafka?: { relay: { status(): Promise<RelayStatus> }; inbound: { status(): Promise<InboundStatus> } },
): Promise<ComponentStatus[]> {
  const [projections, relay, consumer] = await Promise.all([
    runner.status(),
    kafka?.relay.status(),
    kafka?.inbound.status(),
  ]);
  return [
    ...projections.map((p) => logComponent(p, 'projection')),
    ...(relay ? [logComponent(relay, 'relay')] : []),
    ...(consumer ? [consumerComponent(consumer)] : []),
  ];
}

import { HttpException } from '@nestjs/common';
import { WriteMetrics } from '@parcours/application';
import { RuleViolation } from '@parcours/domain';
import { ConcurrencyError, EventSchemaViolation } from '@parcours/event-store';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ComponentStatus, COMPONENT_STATES } from './component-status';

export const PREFIX = 'parcours_';

/**
 * The outcome label of a command: `accepted`, or the stable code of the
 * refusal (a rule code, FORBIDDEN, PARCOURS_NOT_FOUND, REVISION_MISMATCH...):
 * codes come from the code, never from the request, so no label carries an id or a name.
 */
export function outcomeOf(error: unknown): string {
  if (error instanceof RuleViolation) return error.code;
  if (error instanceof ConcurrencyError) return 'CONCURRENT_WRITE';
  if (error instanceof EventSchemaViolation) return 'EVENT_SCHEMA_VIOLATION';
  if (error instanceof HttpException) {
    const code = (error.getResponse() as { code?: unknown }).code;
    return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code)
      ? code
      : `HTTP_${error.getStatus()}`;
  }
  return 'ERROR';
}

/** What the status of the background work gives at scrape time; undefined when it cannot be read. */
export type ComponentsSource = () => Promise<ComponentStatus[]>;
export type AuditSource = () => { written: number; pending: { reads: number; failures: number } } | undefined;

/**
 * The metrics of one application instance, in a registry of its own (several
 * apps in one test process do not mix). Counters and histograms are fed by the
 * write path and the HTTP middleware; what the projections, the relay, the
 * consumer and the audit report is read when Prometheus scrapes.
 */
export class ParcoursMetrics implements WriteMetrics {
  readonly registry = new Registry();

  private readonly httpDuration = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'HTTP requests by route pattern (never the URL) and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly commands = new Counter({
    name: `${PREFIX}commands_total`,
    help: 'Commands on a parcours (HTTP and partner flows) by type and outcome: accepted, or the code of the refusal',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly appendDuration = new Histogram({
    name: `${PREFIX}event_store_append_duration_seconds`,
    help: 'Appends to a parcours stream, by outcome (ok, conflict, error)',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  /** One read of the background status per scrape, shared by every gauge that needs it. */
  private snapshot?: Promise<ComponentStatus[] | undefined>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  /** Runs a command and counts it by type and outcome. */
  async command<T>(type: string, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      this.commands.inc({ command: type, outcome: 'accepted' });
      return result;
    } catch (error) {
      this.commands.inc({ command: type, outcome: outcomeOf(error) });
      throw error;
    }
  }

  /** Times one append to the event store. */
  async append<T>(run: () => Promise<T>): Promise<T> {
    const stop = this.appendDuration.startTimer();
    try {
      const result = await run();
      stop({ outcome: 'ok' });
      return result;
    } catch (error) {
      stop({ outcome: error instanceof ConcurrencyError ? 'conflict' : 'error' });
      throw error;
    }
  }

  /** Gauges read from the projections, the relay and the consumer when Prometheus scrapes. */
  watchComponents(source: ComponentsSource, options: { kafka: boolean }): void {
    const read = () =>
      (this.snapshot ??= source()
        .catch(() => undefined)
        .finally(() => setImmediate(() => (this.snapshot = undefined))));
    const gauge = (
      name: string,
      help: string,
      labelNames: string[],
      fill: (g: Gauge<string>, all: ComponentStatus[] | undefined) => void,
    ) =>
      new Gauge({
        name: `${PREFIX}${name}`,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          const all = await read();
          this.reset();
          fill(this, all);
        },
      });
    const each = (kind: ComponentStatus['kind'], all: ComponentStatus[] | undefined) =>
      (all ?? []).filter((c) => c.kind === kind);
    const states = (g: Gauge<string>, labels: Record<string, string>, status: string) => {
      for (const s of COMPONENT_STATES) g.set({ ...labels, status: s }, s === status ? 1 : 0);
    };

    gauge(
      'background_status_readable',
      'The status of projections, relay and consumer could be read (0: the store did not answer)',
      [],
      (g, all) => g.set(all ? 1 : 0),
    );
    gauge(
      'projection_events_behind',
      'Events of the log a projection has not processed yet (its lag)',
      ['projection'],
      (g, all) => {
        for (const c of each('projection', all)) g.set({ projection: c.name }, c.eventsBehind);
      },
    );
    // The log position itself is opaque (adapter-specific): events processed is its measurable counterpart.
    gauge(
      'projection_events_processed',
      'Events a projection has processed since its last rebuild (its position, counted)',
      ['projection'],
      (g, all) => {
        for (const c of each('projection', all)) g.set({ projection: c.name }, c.eventsProcessed ?? 0);
      },
    );
    gauge(
      'projection_status',
      'State of a projection: 1 for the current one',
      ['projection', 'status'],
      (g, all) => {
        for (const c of each('projection', all)) states(g, { projection: c.name }, c.status);
      },
    );
    // Without Kafka there is no relay nor consumer: no series rather than zeros that would look healthy.
    if (!options.kafka) return;
    gauge(
      'relay_events_behind',
      'Events of the log the Kafka relay has not published yet (only with Kafka)',
      [],
      (g, all) => {
        for (const c of each('relay', all)) g.set(c.eventsBehind);
      },
    );
    gauge(
      'relay_events_processed',
      'Events of the log the Kafka relay has moved past (published, or not meant for partners)',
      [],
      (g, all) => {
        for (const c of each('relay', all)) g.set(c.eventsProcessed ?? 0);
      },
    );
    gauge('relay_status', 'State of the Kafka relay: 1 for the current one', ['status'], (g, all) => {
      for (const c of each('relay', all)) states(g, {}, c.status);
    });
    gauge(
      'consumer_messages_behind',
      'Partner-flow messages not yet committed, by topic and partition',
      ['topic', 'partition'],
      (g, all) => {
        for (const c of each('consumer', all))
          for (const p of c.partitions ?? [])
            g.set({ topic: p.topic, partition: String(p.partition) }, p.behind);
      },
    );
    gauge(
      'dead_letters_held',
      'Messages the dead-letter topic holds, replayed or not (until the topic retention drops them)',
      [],
      (g, all) => {
        // NaN when the broker does not tell: an unlabelled gauge would otherwise show a reassuring 0.
        for (const c of each('consumer', all)) g.set(c.deadLettersHeld ?? NaN);
      },
    );
    const counted = new Map<string, number>();
    new Counter({
      name: `${PREFIX}dead_lettered_total`,
      help: 'Partner-flow messages dead-lettered by this process, by rule or failure code',
      labelNames: ['code'],
      registers: [this.registry],
      async collect() {
        for (const c of each('consumer', await read()))
          for (const [code, n] of Object.entries(c.deadLettered ?? {})) {
            const delta = n - (counted.get(code) ?? 0);
            if (delta > 0) this.inc({ code }, delta);
            counted.set(code, n);
          }
      },
    });
    gauge(
      'consumer_retrying_attempts',
      'Attempts at the message a partition waits behind, by topic and partition',
      ['topic', 'partition'],
      (g, all) => {
        for (const c of each('consumer', all))
          for (const r of c.retrying ?? [])
            g.set({ topic: r.topic, partition: String(r.partition) }, r.attempts);
      },
    );
    gauge(
      'consumer_status',
      'State of the partner-flow consumer: 1 for the current one',
      ['status'],
      (g, all) => {
        for (const c of each('consumer', all)) states(g, {}, c.status);
      },
    );
  }

  /** The audit of reads: written (a counter kept by the audit trail), waiting, failed attempts in a row. */
  watchAudit(source: AuditSource): void {
    let counted = 0;
    new Counter({
      name: `${PREFIX}audit_reads_written_total`,
      help: 'Reads of personal data written to the audit trail',
      registers: [this.registry],
      collect() {
        const written = source()?.written ?? counted;
        if (written > counted) this.inc(written - counted);
        counted = written;
      },
    });
    new Gauge({
      name: `${PREFIX}audit_reads_pending`,
      help: 'Reads of personal data buffered, not yet written to the audit trail',
      registers: [this.registry],
      collect() {
        this.set(source()?.pending.reads ?? 0);
      },
    });
    new Gauge({
      name: `${PREFIX}audit_write_failures`,
      help: 'Failed attempts in a row at writing the audit trail (0 when it writes)',
      registers: [this.registry],
      collect() {
        this.set(source()?.pending.failures ?? 0);
      },
    });
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    this.registry.clear();
  }
}

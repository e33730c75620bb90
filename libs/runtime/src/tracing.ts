import {
  Attributes,
  context,
  Context,
  propagation,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { AppConfig } from '@parcours/config';

/**
 * OpenTelemetry traces, off unless started (PARCOURS_TRACING=otlp): a span per
 * HTTP request, per command and per append, continued into the projections
 * and the Kafka relay through the W3C `traceparent` the command puts in its
 * events' metadata. Spans carry identifiers (correlation id, event type,
 * route pattern, rule code), never a name, a body or an error's text.
 */
const TRACER = 'parcours';

let provider: TracerProvider | undefined;

export interface Tracing {
  /** Sends what is buffered, then stops tracing. */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing for this process. `immediate` exports each span as it ends (tests);
 * otherwise spans are batched, as in production.
 */
export function startTracing(exporter: SpanExporter, options: { immediate?: boolean } = {}): Tracing {
  if (provider) throw new Error('tracing is already started in this process');
  const processor = options.immediate
    ? new SimpleSpanProcessor({ exporter })
    : new BatchSpanProcessor({ exporter });
  const started = new TracerProvider({ spanProcessors: [processor] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(started);
  provider = started;
  return {
    async shutdown() {
      await started.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      provider = undefined;
    },
  };
}

/** Tracing as configured (PARCOURS_TRACING): started for the whole process, before the application is built. */
export function startConfiguredTracing(config: Pick<AppConfig, 'tracing'>): Tracing | undefined {
  return config.tracing === 'otlp' ? startTracing(new OTLPTraceExporter()) : undefined;
}

/** Sends the spans buffered (the application is stopping); nothing when tracing is off. */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush().catch(() => undefined);
}

/** The code of a refusal or failure, never its message (it may quote what a person wrote). */
function codeOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^[\w.-]{1,64}$/.test(code)
    ? code
    : ((error as object)?.constructor?.name ?? 'Error');
}

function failed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: codeOf(error) });
}

/** Runs `work` in a span of its own, child of the active one; just runs it when tracing is off. */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: () => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  if (!provider) return work();
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes, kind }, async (span) => {
    try {
      return await work();
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A span for work whose end is not a promise's (an HTTP answer): the caller ends it; undefined when tracing is off. */
export function startSpan(name: string, attributes: Attributes, kind: SpanKind): Span | undefined {
  return provider ? trace.getTracer(TRACER).startSpan(name, { attributes, kind }) : undefined;
}

/** Runs `work` with `span` as the active span (its children's parent). */
export function withSpan<T>(span: Span | undefined, work: () => T): T {
  return span ? context.with(trace.setSpan(context.active(), span), work) : work();
}

/** The W3C traceparent of the active span, to be carried in an event's metadata; undefined when tracing is off. */
export function activeTraceparent(): string | undefined {
  if (!provider) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

function parentOf(traceparent: unknown): Context | undefined {
  return typeof traceparent === 'string' ? propagation.extract(ROOT_CONTEXT, { traceparent }) : undefined;
}

interface TracedEvent {
  type: string;
  metadata: { traceparent?: unknown; correlationId?: unknown };
}

/**
 * Runs `work` (a projection's batch, a relay's publication) with one span for
 * each of its events that a traced command recorded, child of that command's
 * span: the trace goes on from the request to the read model and to Kafka.
 */
export async function inEventSpans<T>(
  name: string,
  events: readonly TracedEvent[],
  work: () => Promise<T>,
): Promise<T> {
  if (!provider) return work();
  const tracer = trace.getTracer(TRACER);
  const spans: Span[] = [];
  for (const e of events) {
    const parent = parentOf(e.metadata.traceparent);
    if (!parent) continue;
    const attributes: Attributes = { 'parcours.event_type': e.type };
    if (typeof e.metadata.correlationId === 'string')
      attributes['parcours.correlation_id'] = e.metadata.correlationId;
    spans.push(tracer.startSpan(name, { attributes, kind: SpanKind.CONSUMER }, parent));
  }
  try {
    return await work();
  } catch (error) {
    for (const span of spans) failed(span, error);
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}

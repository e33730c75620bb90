import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace';
import { createKafka } from '@parcours/messaging';
import { startTracing, Tracing } from '@parcours/runtime';
import {
  bearer,
  entryBody,
  projectionsCaughtUp,
  seedReferenceData,
  startApi,
  TestApi,
  tokens,
} from '../../../../test/support/api';
import { readTopic } from '../../../../test/support/kafka';
import { describeWithKafka, kafkaBroker, uniqueName } from '../../../../test/support/services';
import { PARCOURS_TOPIC } from '../../../../libs/messaging/src/outbound/integration-events';

/**
 * OpenTelemetry (PARCOURS_TRACING): a command's trace from the HTTP request to
 * the append, continued into the projections and the Kafka relay through the
 * `traceparent` its events carry. Started here with an in-memory exporter, as
 * main.ts starts it with OTLP.
 */
describeWithKafka('traces of a command, from the request to the projections and Kafka', () => {
  jest.setTimeout(120_000);
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let api: TestApi;

  beforeAll(async () => {
    tracing = startTracing(exporter, { immediate: true });
    api = await startApi('embedded', undefined, { KAFKA_BROKERS: kafkaBroker() });
    await seedReferenceData(api);
  });
  afterAll(async () => {
    await api?.close();
    await tracing?.shutdown();
  });

  const spansOf = (traceId: string) =>
    exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  it('one trace: request, command, append, then each projection and the relay, tagged with the correlation id', async () => {
    const correlationId = uniqueName('trace');
    const entry = await api.http
      .post('/api/parcours')
      .set(bearer(tokens.system()))
      .set('x-correlation-id', correlationId)
      .send(entryBody())
      .expect(201);
    const parcoursId = entry.body.id as string;
    await projectionsCaughtUp(api);
    const [published] = await readTopic(createKafka([kafkaBroker()], 'tracing-test'), PARCOURS_TOPIC, (all) =>
      all.some((m) => m.key === parcoursId),
    ).then((all) => all.filter((m) => m.key === parcoursId));

    const request = exporter
      .getFinishedSpans()
      .find((s) => s.kind === SpanKind.SERVER && s.attributes['parcours.correlation_id'] === correlationId)!;
    expect(request).toBeDefined();
    expect(request.name).toBe('POST /api/parcours');
    expect(request.attributes).toMatchObject({
      'http.route': '/api/parcours',
      'http.response.status_code': 201,
    });
    const trace = spansOf(request.spanContext().traceId);
    const command = trace.find((s) => s.name === 'command Enter')!;
    expect(parentOf(command)).toBe(request.spanContext().spanId);
    expect(command.attributes).toMatchObject({
      'parcours.command': 'Enter',
      'parcours.correlation_id': correlationId,
    });
    const append = trace.find((s) => s.name === 'event-store append')!;
    expect(parentOf(append)).toBe(command.spanContext().spanId);

    // The events carry the command's span: each projection and the relay continue the trace from it.
    const continued = trace.filter((s) => s.kind === SpanKind.CONSUMER);
    expect(continued.every((s) => parentOf(s) === command.spanContext().spanId)).toBe(true);
    expect(continued.every((s) => s.attributes['parcours.correlation_id'] === correlationId)).toBe(true);
    const names = new Set(continued.map((s) => s.name));
    expect(names).toContain('project parcours');
    expect(names).toContain('relay publish');
    // The message on Kafka carries the trace context for a partner's consumer.
    expect(published.headers.traceparent).toMatch(
      new RegExp(`^00-${request.spanContext().traceId}-[0-9a-f]{16}-01$`),
    );
  });

  it('a refused command: the span says the rule code, never the message (it may quote a person)', async () => {
    const correlationId = uniqueName('refused');
    const res = await api.http
      .post('/api/parcours')
      .set(bearer(tokens.system()))
      .set('x-correlation-id', correlationId)
      .send(entryBody({ enteredOn: '2025-01-01', demandOn: '2025-02-01' }));
    expect(res.status).toBe(422);
    const command = exporter
      .getFinishedSpans()
      .find((s) => s.name === 'command Enter' && s.attributes['parcours.correlation_id'] === correlationId)!;
    expect(command.status).toEqual({ code: SpanStatusCode.ERROR, message: res.body.code });
    const request = spansOf(command.spanContext().traceId).find((s) => s.kind === SpanKind.SERVER)!;
    expect(request.attributes['http.response.status_code']).toBe(422);
    // Ids stay out of every span name.
    expect(exporter.getFinishedSpans().filter((s) => /[0-9a-f]{8}-[0-9a-f]{4}/.test(s.name))).toEqual([]);
  });
});

import type { ComponentStatus } from './component-status';
import { ParcoursMetrics } from './parcours-metrics';

const consumer = (over: Partial<ComponentStatus>): ComponentStatus => ({
  name: 'kafka-inbound',
  kind: 'consumer',
  status: 'running',
  position: null,
  eventsBehind: 0,
  eventsProcessed: null,
  error: null,
  retries: 0,
  updatedAt: null,
  messagesBehind: 0,
  retrying: [],
  partitions: [],
  deadLettered: {},
  deadLettersHeld: 0,
  ...over,
});

/** The value of each sample of a metric, by its labels written `k=v,...`. */
async function values(metrics: ParcoursMetrics, name: string): Promise<Record<string, number>> {
  // One status read serves a whole scrape: the next scrape reads it again.
  await new Promise((resolve) => setImmediate(resolve));
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === `parcours_${name}`);
  return Object.fromEntries(
    (metric?.values ?? []).map((v) => [
      Object.entries(v.labels)
        .map(([k, l]) => `${k}=${l}`)
        .join(','),
      v.value,
    ]),
  );
}

describe('the partner flows in the metrics', () => {
  let status: ComponentStatus | undefined;
  const metrics = new ParcoursMetrics({ defaultMetrics: false });
  metrics.watchComponents(
    async () => {
      if (!status) throw new Error('the store does not answer');
      return [status];
    },
    { kafka: true },
  );

  it('gives the consumer lag by topic and partition', async () => {
    status = consumer({
      messagesBehind: 7,
      partitions: [
        { topic: 'caf-in', partition: 0, behind: 0 },
        { topic: 'caf-in', partition: 1, behind: 7 },
        { topic: 'ft-in', partition: 0, behind: 0 },
      ],
    });
    expect(await values(metrics, 'consumer_messages_behind')).toEqual({
      'topic=caf-in,partition=0': 0,
      'topic=caf-in,partition=1': 7,
      'topic=ft-in,partition=0': 0,
    });
    // The broker not answering: no series rather than zeros that look healthy.
    status = consumer({ messagesBehind: null, partitions: [], deadLettersHeld: null });
    expect(await values(metrics, 'consumer_messages_behind')).toEqual({});
    expect(await values(metrics, 'dead_letters_held')).toEqual({ '': NaN });
  });

  it('counts dead letters by code, never going back, and the letters the topic holds', async () => {
    status = consumer({ deadLettered: { INVALID_MESSAGE: 2 }, deadLettersHeld: 2 });
    expect(await values(metrics, 'dead_lettered_total')).toEqual({ 'code=INVALID_MESSAGE': 2 });
    status = consumer({ deadLettered: { INVALID_MESSAGE: 3, MALFORMED_JSON: 1 }, deadLettersHeld: 4 });
    expect(await values(metrics, 'dead_lettered_total')).toEqual({
      'code=INVALID_MESSAGE': 3,
      'code=MALFORMED_JSON': 1,
    });
    expect(await values(metrics, 'dead_letters_held')).toEqual({ '': 4 });
    // A status that cannot be read leaves the counts where they were.
    status = undefined;
    expect(await values(metrics, 'dead_lettered_total')).toEqual({
      'code=INVALID_MESSAGE': 3,
      'code=MALFORMED_JSON': 1,
    });
  });
});

import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { arbitrarySession, play } from '../../../domain/src/testing/random-sessions';
import { envelopeOf } from './integration-events';
import { PARCOURS_EVENT_TYPES, schemaFiles } from './schemas';

const dir = join(__dirname, '..', '..', 'schemas');

describe('integration event schemas', () => {
  it('are the files in libs/messaging/schemas (run npm run messaging:schemas after a change)', () => {
    const expected = schemaFiles();
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(Object.keys(expected).sort());
    for (const [name, schema] of Object.entries(expected)) {
      expect([name, JSON.parse(readFileSync(join(dir, name), 'utf8'))]).toEqual([name, schema]);
    }
  });

  it('accept every integration event the relay publishes, and nothing personal', () => {
    const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
    const validators = Object.fromEntries(
      PARCOURS_EVENT_TYPES.map((t) => [t, ajv.compile(schemaFiles()[`${t}.v1.json`])]),
    );
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbitrarySession, (steps) => {
        const parcoursId = randomUUID();
        const { events } = play(steps, parcoursId);
        events.forEach((e, revision) => {
          const envelope = envelopeOf({
            id: randomUUID(),
            streamId: `parcours-${parcoursId}`,
            revision,
            position: '1',
            type: e.type,
            data: e.data as never,
            metadata: { recordedAt: new Date().toISOString() },
          });
          if (!envelope) return;
          seen.add(envelope.type);
          const validate = validators[envelope.type];
          expect([envelope.type, validate(envelope) ? 'valid' : validate.errors]).toEqual([
            envelope.type,
            'valid',
          ]);
          const text = JSON.stringify(envelope);
          // The random sessions' person is "X Y", born 1980-01-01.
          expect(text).not.toMatch(/"(lastName|firstName|birthDate|nir|objectives|person)"/);
          expect(text).not.toContain('1980-01-01');
        });
      }),
      { numRuns: 200 },
    );
    expect(seen.size).toBeGreaterThan(15);
  });
});

import fc from 'fast-check';
import { arbitraryEventOf } from '../testing/schema-arbitrary';
import { PARCOURS_EVENT_SCHEMAS } from './event-schemas';
import { upcasterOf, upcastParcoursEvent, UpcastTable } from './upcast';

describe('upcasting stored events', () => {
  it("leaves today's shapes as they are (no older shape exists yet)", () => {
    fc.assert(
      fc.property(arbitraryEventOf(PARCOURS_EVENT_SCHEMAS), (e) => {
        expect(upcastParcoursEvent({ ...e, metadata: { recordedAt: '2025-01-01T00:00:00Z' } })).toEqual(e);
      }),
      { numRuns: 200 },
    );
    expect(upcastParcoursEvent({ type: 'constructor', data: {} })).toEqual({ type: 'constructor', data: {} });
  });

  // An example of what a step looks like, on a made-up history (test only): say `BalancedReviewHeld`
  // was first stored without `outcome`, and an early version wrote its date as `on`.
  const example: UpcastTable = {
    BalancedReviewHeld: [
      (data) =>
        'reviewedOn' in data
          ? data
          : { ...Object.fromEntries(Object.entries(data).filter(([k]) => k !== 'on')), reviewedOn: data.on },
      (data, metadata) =>
        'outcome' in data
          ? data
          : { ...data, outcome: metadata.command === 'RecordBalancedReview' ? 'continue' : 'exit_planned' },
    ],
  };
  const upcast = upcasterOf<{ type: string; data: Record<string, unknown> }>(example);

  it("brings an older shape to today's, step after step, from the data and the metadata", () => {
    const old = { on: '2025-03-01' };
    expect(
      upcast({ type: 'BalancedReviewHeld', data: old, metadata: { command: 'RecordBalancedReview' } }),
    ).toEqual({
      type: 'BalancedReviewHeld',
      data: { reviewedOn: '2025-03-01', outcome: 'continue' },
    });
    expect(upcast({ type: 'BalancedReviewHeld', data: { reviewedOn: '2025-03-01' } }).data).toEqual({
      reviewedOn: '2025-03-01',
      outcome: 'exit_planned',
    });
    // The stored data is not touched: the same recorded event may be read again.
    expect(old).toEqual({ on: '2025-03-01' });
  });

  it("is idempotent on today's shape and leaves other types alone", () => {
    const today = {
      type: 'BalancedReviewHeld',
      data: { reviewedOn: '2025-03-01', outcome: 'reorientation' },
    };
    expect(upcast(today)).toEqual(today);
    expect(upcast(upcast(today) as never)).toEqual(today);
    expect(upcast({ type: 'RsaExited', data: { exitedOn: '2025-03-01', reason: 'income' } })).toEqual({
      type: 'RsaExited',
      data: { exitedOn: '2025-03-01', reason: 'income' },
    });
  });
});

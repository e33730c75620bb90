import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { StoredEventChecker } from '@parcours/event-store';
import { addMonths } from '../shared/dates';
import { DEFAULT_PARAMETERS } from '../shared/parameters';
import { arbitrarySession, play, SESSION_PARCOURS_ID, TODAY } from '../testing/random-sessions';
import { ParcoursEvent } from './events';
import { contractEnd, rebuild } from './state';
import { PARCOURS_EVENT_SCHEMAS } from './event-schemas';
import { parcoursStreamId, STORED_EVENT_RULES } from './stored-events';

describe('parcours invariants over random command sessions', () => {
  const runs = { numRuns: 300 };

  it('decides only events of the stored shape: the store never refuses what decide accepts', () => {
    const checker = new StoredEventChecker(STORED_EVENT_RULES);
    // As the handler appends them; throws EventSchemaViolation for an event the store would refuse.
    const append = (events: ParcoursEvent[]) =>
      events.map(
        (e) =>
          checker.check(parcoursStreamId(SESSION_PARCOURS_ID), [
            { id: randomUUID(), type: e.type, data: e.data as unknown as Record<string, unknown> },
          ])[0].type,
      );
    fc.assert(
      fc.property(arbitrarySession, (steps) => void append(play(steps).events)),
      runs,
    );
    // The sessions reach every event type, so the property says something about each (a fixed sample: no flaky count).
    const seen = new Set(
      fc.sample(arbitrarySession, { numRuns: 2500, seed: 1 }).flatMap((steps) => append(play(steps).events)),
    );
    expect(Object.keys(PARCOURS_EVENT_SCHEMAS).filter((t) => !seen.has(t))).toEqual([]);
  });

  it('replaying the history, even through JSON as the store keeps it, rebuilds the same state', () => {
    fc.assert(
      fc.property(arbitrarySession, (steps) => {
        const { events, final } = play(steps);
        const stored = JSON.parse(JSON.stringify(events)) as ParcoursEvent[];
        expect(JSON.parse(JSON.stringify(rebuild(stored)))).toEqual(JSON.parse(JSON.stringify(final)));
      }),
      runs,
    );
  });

  it('never has two contracts binding on the same day', () => {
    fc.assert(
      fc.property(arbitrarySession, (steps) => {
        const contracts = Object.values(play(steps).final.contracts);
        for (const a of contracts) {
          for (const b of contracts) {
            if (a.contractId !== b.contractId)
              expect(a.startsOn > contractEnd(b) || b.startsOn > contractEnd(a)).toBe(true);
          }
        }
      }),
      runs,
    );
  });

  it('closes an appointment at most once, and decides a manquement at most once', () => {
    fc.assert(
      fc.property(arbitrarySession, (steps) => {
        const { events } = play(steps);
        const closes = events
          .filter((e) => ['AppointmentHeld', 'AppointmentMissed', 'AppointmentCancelled'].includes(e.type))
          .map((e) => (e.data as { appointmentId: string }).appointmentId);
        expect(new Set(closes).size).toBe(closes.length);
        const decisions = events
          .filter((e) => e.type === 'BreachDismissed' || e.type === 'SuspensionDecided')
          .map((e) => (e.data as { breachId: string }).breachId);
        expect(new Set(decisions).size).toBe(decisions.length);
      }),
      runs,
    );
  });

  it('records appointments, contracts, diagnostics and prescriptions only with an orientation and a référent', () => {
    fc.assert(
      fc.property(arbitrarySession, (steps) => {
        const { events, before } = play(steps);
        events.forEach((e, i) => {
          if (
            ['AppointmentScheduled', 'ContractSigned', 'ActionPrescribed', 'DiagnosticRecorded'].includes(
              e.type,
            )
          ) {
            expect(before[i].orientation).toBeDefined();
            expect(before[i].referentId).toBeDefined();
          }
          if (e.type === 'SuspensionDecided') {
            expect(before[i].breaches[e.data.breachId].informedOn).toBeDefined();
          }
        });
      }),
      runs,
    );
  });

  it('dates nothing in the future (but appointments) nor before the entry of its cycle', () => {
    fc.assert(
      fc.property(arbitrarySession, (steps) => {
        const { events, before } = play(steps);
        events.forEach((e, i) => {
          // Appointments, contract and suspension periods may lie ahead; entry dates precede entry by nature.
          const ahead = ['startsOn', 'endsOn', 'plannedEndOn', 'scheduledFor', 'demandOn', 'rightOpenedOn'];
          const dates = Object.entries(e.data).filter(
            ([k, v]) => typeof v === 'string' && /On$|^from$/.test(k) && !ahead.includes(k),
          );
          for (const [key, value] of dates) {
            expect(value <= TODAY).toBe(true);
            // A recours, or the end of an employment, may concern what happened in an earlier cycle.
            const mayPrecedeEntry = [
              'ParcoursEntered',
              'FranceTravailRegistered',
              'SanctionAppealed',
              'SanctionWithdrawn',
              'EmploymentEnded',
            ];
            if (!mayPrecedeEntry.includes(e.type))
              expect([key, value >= before[i].enteredOn!]).toEqual([key, true]);
          }
        });
      }),
      runs,
    );
  });

  it('accepts nothing but an end of accompaniment or a re-entry once the post-exit window has closed', () => {
    fc.assert(
      fc.property(arbitrarySession, (steps) => {
        const { events, before } = play(steps);
        // A recours against a sanction (L262-47) may come after the accompaniment: it is not part of it; nor is an erasure (DOMAIN.md §7).
        const recours = ['SanctionAppealed', 'SanctionWithdrawn', 'PersonErased'];
        events.forEach((e, i) => {
          const s = before[i];
          if (recours.includes(e.type)) return;
          if (s.status === 'closed') expect(e.type).toBe('ParcoursEntered');
          if (s.status !== 'exited' || e.type === 'ParcoursEntered') return;
          const limit = addMonths(s.exitedOn!, DEFAULT_PARAMETERS.accompanimentAfterExitMonths);
          if (TODAY > limit) expect(e.type).toBe('AccompanimentEnded');
          for (const [k, v] of Object.entries(e.data))
            if (/On$|^from$/.test(k) && k !== 'endsOn' && k !== 'startsOn' && k !== 'plannedEndOn')
              expect([k, v <= limit]).toEqual([k, true]);
        });
      }),
      runs,
    );
  });
});

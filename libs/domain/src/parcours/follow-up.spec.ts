import { followed, given, history, Refusal, refuses, testContext } from '../testing/parcours-specification';
import { ParcoursCommand } from './commands';
import { ParcoursEvent } from './events';

/**
 * What the law asks besides the steps (DOMAIN.md §2, §3): the joint review of
 * the social parcours, the accompagnement global, an accompaniment
 * interrupted without exit, and a transfer in from another département.
 */
const social = (): ParcoursEvent[] => [...followed(), history.contract('c-1', '2025-02-01', '2025-07-31')];
const orientedTo = (track: 'social' | 'employment', notifiedOn: string, id = 'o-2'): ParcoursEvent => ({
  type: 'Oriented',
  data: {
    orientationId: id,
    track,
    organisationId: 'org-ccas',
    organisationKind: 'ccas_cias',
    decidedOn: notifiedOn,
    notifiedOn,
  },
});

describe('joint review of a social-track contract (L262-31, D262-65-2-1)', () => {
  it('is awaited after a contract of the social parcours, and held after it', () => {
    given(social())
      .when({ type: 'HoldJointReview', reviewedOn: '2025-06-20', outcome: 'social_track_maintained' })
      .then([
        { type: 'JointReviewHeld', data: { reviewedOn: '2025-06-20', outcome: 'social_track_maintained' } },
      ]);
    given(social())
      .when({ type: 'HoldJointReview', reviewedOn: '2025-01-25', outcome: 'reorientation_proposed' })
      .thenViolation('JOINT_REVIEW_BEFORE_CONTRACT', 'reviewedOn');
  });

  it('is not awaited without a contract, nor in another parcours', () => {
    given(followed())
      .when({ type: 'HoldJointReview', reviewedOn: '2025-06-20', outcome: 'social_track_maintained' })
      .thenViolation('JOINT_REVIEW_NOT_AWAITED');
    const employment = [
      history.entered(),
      orientedTo('employment', '2025-01-20', 'o-1'),
      history.referent(),
      history.contract('c-1', '2025-02-01', '2025-07-31'),
    ];
    given(employment)
      .when({ type: 'HoldJointReview', reviewedOn: '2025-06-20', outcome: 'social_track_maintained' })
      .thenViolation('JOINT_REVIEW_NOT_AWAITED');
  });

  it('may be put off to twelve months once, while the six months run ("si la situation le justifie")', () => {
    given(social())
      .when({ type: 'ExtendJointReview', decidedOn: '2025-06-20' })
      .then([{ type: 'JointReviewExtended', data: { decidedOn: '2025-06-20' } }]);
    const extended: ParcoursEvent = { type: 'JointReviewExtended', data: { decidedOn: '2025-06-20' } };
    given([...social(), extended])
      .when({ type: 'ExtendJointReview', decidedOn: '2025-06-25' })
      .thenViolation('JOINT_REVIEW_ALREADY_EXTENDED');
    // Six months after 1 February end on 1 August: a report decided later comes too late.
    given(social())
      .when({ type: 'ExtendJointReview', decidedOn: '2025-08-02' }, testContext({ today: '2025-09-01' }))
      .thenViolation('JOINT_REVIEW_EXTENSION_TOO_LATE', 'decidedOn');
  });

  it(
    'ends with a réorientation out of the social parcours and with the exit, and ' +
      'counts again from a review that keeps the person there',
    () => {
      given([...social(), orientedTo('employment', '2025-03-01')])
        .when({ type: 'HoldJointReview', reviewedOn: '2025-06-20', outcome: 'social_track_maintained' })
        .thenViolation('JOINT_REVIEW_NOT_AWAITED');
      given([...social(), history.exited('2025-04-30')])
        .when({ type: 'HoldJointReview', reviewedOn: '2025-05-20', outcome: 'social_track_maintained' })
        .thenViolation('RSA_EXITED');
      const kept: ParcoursEvent = {
        type: 'JointReviewHeld',
        data: { reviewedOn: '2025-05-01', outcome: 'social_track_maintained' },
      };
      given([...social(), kept])
        .when({ type: 'HoldJointReview', reviewedOn: '2025-04-30', outcome: 'social_track_maintained' })
        .thenViolation('JOINT_REVIEW_BEFORE_CONTRACT');
      const proposed: ParcoursEvent = {
        type: 'JointReviewHeld',
        data: { reviewedOn: '2025-05-01', outcome: 'reorientation_proposed' },
      };
      given([...social(), proposed])
        .when({ type: 'HoldJointReview', reviewedOn: '2025-06-01', outcome: 'social_track_maintained' })
        .thenViolation('JOINT_REVIEW_NOT_AWAITED');
    },
  );
});

describe('accompagnement global (binôme France Travail and social worker, S000 annexe 2; CALPAE S002)', () => {
  const oriented: ParcoursEvent = { type: 'GlobalAccompanimentOriented', data: { orientedOn: '2025-02-01' } };
  const started: ParcoursEvent = {
    type: 'GlobalAccompanimentStarted',
    data: { startedOn: '2025-02-15', binomeId: 'binome-1' },
  };

  it('is oriented to, then started by a binôme, then ended, in that order', () => {
    given(followed())
      .when({ type: 'OrientToGlobalAccompaniment', orientedOn: '2025-02-01' })
      .then([oriented]);
    given([...followed(), oriented])
      .when({ type: 'StartGlobalAccompaniment', startedOn: '2025-02-15', binomeId: 'binome-1' })
      .then([started]);
    given([...followed(), oriented])
      .when({ type: 'StartGlobalAccompaniment', startedOn: '2025-01-31', binomeId: 'binome-1' })
      .thenViolation('GLOBAL_START_BEFORE_ORIENTATION', 'startedOn');
    given([...followed(), oriented, started])
      .when({ type: 'EndGlobalAccompaniment', endedOn: '2025-02-10' })
      .thenViolation('GLOBAL_END_BEFORE_START', 'endedOn');
    given([...followed(), oriented, started])
      .when({ type: 'EndGlobalAccompaniment', endedOn: '2025-06-10' })
      .then([{ type: 'GlobalAccompanimentEnded', data: { endedOn: '2025-06-10' } }]);
  });

  it.each<Refusal>([
    {
      name: 'an orientation of the parcours',
      history: [history.entered()],
      command: { type: 'OrientToGlobalAccompaniment', orientedOn: '2025-02-01' },
      code: 'ORIENTATION_REQUIRED',
    },
    {
      name: 'a date on or after the orientation of the parcours',
      history: followed(),
      command: { type: 'OrientToGlobalAccompaniment', orientedOn: '2025-01-10' },
      code: 'GLOBAL_BEFORE_ORIENTATION',
      field: 'orientedOn',
    },
    {
      name: 'one orientation to it at a time',
      history: [...followed(), oriented],
      command: { type: 'OrientToGlobalAccompaniment', orientedOn: '2025-03-01' },
      code: 'GLOBAL_ACCOMPANIMENT_ALREADY_OPEN',
    },
    {
      name: 'an orientation to it before its start',
      history: followed(),
      command: { type: 'StartGlobalAccompaniment', startedOn: '2025-02-15', binomeId: 'binome-1' },
      code: 'GLOBAL_ACCOMPANIMENT_NOT_ORIENTED',
    },
    {
      name: 'a new orientation to it before a second start',
      history: [...followed(), oriented, started],
      command: { type: 'StartGlobalAccompaniment', startedOn: '2025-02-20', binomeId: 'binome-2' },
      code: 'GLOBAL_ACCOMPANIMENT_NOT_ORIENTED',
    },
  ])('needs $name ($code)', refuses);
});

describe('an accompaniment interrupted without exit from the RSA (ruptures, DOMAIN.md §5.2)', () => {
  const interrupted: ParcoursEvent = {
    type: 'AccompanimentInterrupted',
    data: { interruptedOn: '2025-03-10', reason: 'person_unreachable' },
  };

  it('leaves the person without organisme référent: a new orientation, not a réorientation, follows, never before the interruption', () => {
    given(followed())
      .when({ type: 'InterruptAccompaniment', interruptedOn: '2025-03-10', reason: 'person_unreachable' })
      .then([interrupted]);
    const orient = (notifiedOn: string): ParcoursCommand => ({
      type: 'Orient',
      track: 'employment',
      organisationId: 'org-ccas',
      decidedOn: notifiedOn,
      notifiedOn,
    });
    // A plain orientation (no réorientation request), to the track and organisme asked.
    expect(
      given([...followed(), interrupted])
        .when(orient('2025-03-20'))
        .events(),
    ).toEqual([
      {
        type: 'Oriented',
        data: {
          orientationId: 'id-1',
          track: 'employment',
          organisationId: 'org-ccas',
          organisationKind: 'ccas_cias',
          decidedOn: '2025-03-20',
          notifiedOn: '2025-03-20',
        },
      },
    ]);
    given([...followed(), interrupted])
      .when(orient('2025-03-05'))
      .thenViolation('ORIENTATION_BEFORE_INTERRUPTION', 'notifiedOn');
    given([...followed(), interrupted])
      .when({
        type: 'ScheduleAppointment',
        scheduledOn: '2025-03-20',
        scheduledFor: '2025-03-25',
        kind: 'individual',
        channel: 'phone',
      })
      .thenViolation('ORIENTATION_REQUIRED');
  });

  it('is for a person still in the RSA and oriented; after an exit the accompaniment ends instead', () => {
    given([...followed(), history.exited('2025-03-01')])
      .when({ type: 'InterruptAccompaniment', interruptedOn: '2025-03-10', reason: 'other' })
      .thenViolation('RSA_EXITED');
    given([history.entered()])
      .when({ type: 'InterruptAccompaniment', interruptedOn: '2025-03-10', reason: 'other' })
      .thenViolation('ORIENTATION_REQUIRED');
    given(followed())
      .when({ type: 'InterruptAccompaniment', interruptedOn: '2025-01-15', reason: 'other' })
      .thenViolation('INTERRUPTION_BEFORE_ORIENTATION', 'interruptedOn');
  });
});

describe('a transfer in from another département (DOMAIN.md §2: transfers between départements)', () => {
  const arrival = (
    history: { step: 'orientation' | 'contract'; on: string; track?: 'social' }[],
  ): ParcoursCommand => ({
    type: 'Enter',
    person: { lastName: 'Martin', firstName: 'Léa', birthDate: '1990-04-12', sex: 'female' },
    household: { type: 'single', size: 1 },
    territory: 'ARRAGEOIS',
    demandOn: '2023-03-01',
    rightOpenedOn: '2023-03-15',
    enteredOn: '2025-05-02',
    transferredFrom: { departementCode: '59', history },
  });

  it('keeps the history it brings, the right opened elsewhere, and the arrival as the entry the legal clocks run from', () => {
    const [event] = given([])
      .when(
        arrival([
          { step: 'orientation', on: '2023-04-01', track: 'social' },
          { step: 'contract', on: '2023-05-01' },
        ]),
      )
      .events();
    expect(event).toMatchObject({
      type: 'ParcoursEntered',
      data: {
        cycle: 1,
        rightOpenedOn: '2023-03-15',
        enteredOn: '2025-05-02',
        transferredFrom: {
          departementCode: '59',
          history: [
            { step: 'orientation', on: '2023-04-01' },
            { step: 'contract', on: '2023-05-01' },
          ],
        },
      },
    });
  });

  it('refuses a step of the history after the arrival', () => {
    given([])
      .when(arrival([{ step: 'contract', on: '2025-05-03' }]))
      .thenViolation('TRANSFER_HISTORY_AFTER_ARRIVAL', 'transferredFrom.history.0.on');
  });
});

import { followed, given, history, Refusal, refuses, testContext } from '../testing/parcours-specification';
import { ParcoursCommand } from './commands';
import { ParcoursEvent } from './events';

const person = { lastName: 'Martin', firstName: 'Léa', birthDate: '1990-04-12', sex: 'female' as const };
const enter: ParcoursCommand = {
  type: 'Enter',
  person,
  household: { type: 'single', size: 1 },
  territory: 'ARRAGEOIS',
  demandOn: '2025-01-02',
  rightOpenedOn: '2025-01-03',
  enteredOn: '2025-01-06',
};

describe('entry and re-entry', () => {
  it('opens cycle 1 with the three entry dates', () => {
    given([]).when(enter).then([history.entered()]);
  });

  it('refuses a second entry into an existing parcours', () => {
    given([history.entered()]).when(enter).thenViolation('PARCOURS_ALREADY_EXISTS');
  });

  it('refuses entry dates out of order and in the future', () => {
    given([])
      .when({ ...enter, rightOpenedOn: '2025-01-01' })
      .thenViolation('ENTRY_DATES_OUT_OF_ORDER', 'rightOpenedOn');
    given([])
      .when({ ...enter, enteredOn: '2025-07-01' })
      .thenViolation('DATE_IN_FUTURE', 'enteredOn');
  });

  it('opens a new cycle after an exit, keeping the person and clearing the orientation', () => {
    const events = given([...followed(), history.exited('2025-03-31')])
      .when({ type: 'Reenter', demandOn: '2025-05-02', rightOpenedOn: '2025-05-05', enteredOn: '2025-05-06' })
      .events();
    expect(events).toEqual([
      history.entered('2025-05-06', { cycle: 2, demandOn: '2025-05-02', rightOpenedOn: '2025-05-05' }),
    ]);
    // After re-entry, the new cycle needs its own orientation.
    given([...followed(), history.exited('2025-03-31'), ...events])
      .when({
        type: 'ScheduleAppointment',
        scheduledFor: '2025-07-01',
        scheduledOn: '2025-06-01',
        kind: 'individual',
        channel: 'phone',
      })
      .thenViolation('ORIENTATION_REQUIRED');
  });

  it('refuses a re-entry while still in the RSA, or dated before the exit', () => {
    const reenter: ParcoursCommand = {
      type: 'Reenter',
      demandOn: '2025-05-02',
      rightOpenedOn: '2025-05-05',
      enteredOn: '2025-05-06',
    };
    given(followed()).when(reenter).thenViolation('PARCOURS_STILL_IN_RSA');
    given([...followed(), history.exited('2025-05-10')])
      .when(reenter)
      .thenViolation('REENTRY_BEFORE_EXIT', 'demandOn');
  });

  it('answers PARCOURS_NOT_FOUND for any command on a parcours that does not exist', () => {
    given([])
      .when({ type: 'ExitRsa', exitedOn: '2025-02-01', reason: 'income' })
      .thenViolation('PARCOURS_NOT_FOUND');
  });
});

describe('orientation and référent', () => {
  const orient: ParcoursCommand = {
    type: 'Orient',
    track: 'social',
    organisationId: 'org-ccas',
    decidedOn: '2025-01-20',
    notifiedOn: '2025-01-20',
  };

  it('orients to an organisme référent', () => {
    given([history.entered()])
      .when(orient)
      .then([
        {
          type: 'Oriented',
          data: {
            orientationId: 'id-1',
            track: 'social',
            organisationId: 'org-ccas',
            organisationKind: 'ccas_cias',
            decidedOn: '2025-01-20',
            notifiedOn: '2025-01-20',
          },
        },
      ]);
  });

  it.each<Refusal>([
    { name: 'before entry', history: [], command: orient, code: 'PARCOURS_NOT_FOUND' },
    {
      name: 'decided before the entry date',
      history: [history.entered()],
      command: { ...orient, decidedOn: '2025-01-05', notifiedOn: '2025-01-05' },
      code: 'DATE_BEFORE_ENTRY',
      field: 'decidedOn',
    },
    {
      name: 'in the future',
      history: [history.entered()],
      command: { ...orient, notifiedOn: '2025-07-02', decidedOn: '2025-07-01' },
      code: 'DATE_IN_FUTURE',
    },
    {
      name: 'notified before its decision',
      history: [history.entered()],
      command: { ...orient, notifiedOn: '2025-01-19' },
      code: 'NOTIFICATION_BEFORE_DECISION',
      field: 'notifiedOn',
    },
    {
      name: 'to an unknown organisme',
      history: [history.entered()],
      command: orient,
      ctx: testContext({ organisation: undefined }),
      code: 'ORGANISATION_UNKNOWN',
      field: 'organisationId',
    },
    {
      name: 'twice',
      history: [history.entered(), history.oriented()],
      command: orient,
      code: 'ALREADY_ORIENTED',
    },
  ])('refuses an orientation $name ($code)', refuses);

  const assign: ParcoursCommand = { type: 'AssignReferent', referentId: 'ref-1', assignedOn: '2025-01-22' };

  it('assigns a référent of the organisme, and changes it', () => {
    given([history.entered(), history.oriented()]).when(assign).then([history.referent()]);
    given(followed())
      .when(
        { ...assign, referentId: 'ref-2' },
        testContext({ referent: { referentId: 'ref-2', organisationId: 'org-ccas', active: true } }),
      )
      .then([
        {
          type: 'ReferentAssigned',
          data: {
            referentId: 'ref-2',
            organisationId: 'org-ccas',
            assignedOn: '2025-01-22',
            previousReferentId: 'ref-1',
          },
        },
      ]);
  });

  it.each<Refusal>([
    {
      name: 'without orientation',
      history: [history.entered()],
      command: assign,
      code: 'ORIENTATION_REQUIRED',
    },
    {
      name: 'of another organisme',
      history: [history.entered(), history.oriented()],
      command: assign,
      ctx: testContext({ referent: { referentId: 'ref-1', organisationId: 'org-ft', active: true } }),
      code: 'REFERENT_NOT_IN_ORGANISATION',
      field: 'referentId',
    },
    {
      name: 'inactive',
      history: [history.entered(), history.oriented()],
      command: assign,
      ctx: testContext({ referent: { referentId: 'ref-1', organisationId: 'org-ccas', active: false } }),
      code: 'REFERENT_INACTIVE',
    },
    {
      name: 'unknown',
      history: [history.entered(), history.oriented()],
      command: assign,
      ctx: testContext({ referent: undefined }),
      code: 'REFERENT_UNKNOWN',
    },
    { name: 'already in place', history: followed(), command: assign, code: 'REFERENT_ALREADY_ASSIGNED' },
    {
      name: 'assigned before the orientation',
      history: [history.entered(), history.oriented()],
      command: { ...assign, assignedOn: '2025-01-19' },
      code: 'ASSIGNMENT_BEFORE_ORIENTATION',
    },
  ])('refuses a référent $name ($code)', refuses);

  it('drops the référent when a réorientation changes the organisme', () => {
    const request: ParcoursEvent = {
      type: 'ReorientationRequested',
      data: { requestId: 'r-1', requestedOn: '2025-03-01', motive: 'situation_changed' },
    };
    const ft = { organisationId: 'org-ft', kind: 'france_travail' as const, active: true };
    const events = given([...followed(), request])
      .when(
        {
          type: 'DecideReorientation',
          requestId: 'r-1',
          decidedOn: '2025-03-10',
          accepted: true,
          track: 'employment',
          organisationId: 'org-ft',
        },
        testContext({ organisation: ft }),
      )
      .events();
    expect(events).toEqual([
      {
        type: 'Oriented',
        data: {
          orientationId: 'id-1',
          track: 'employment',
          organisationId: 'org-ft',
          organisationKind: 'france_travail',
          decidedOn: '2025-03-10',
          notifiedOn: '2025-03-10',
          reorientationRequestId: 'r-1',
        },
      },
    ]);
    given([...followed(), request, ...events])
      .when({
        type: 'ScheduleAppointment',
        scheduledFor: '2025-07-01',
        scheduledOn: '2025-06-01',
        kind: 'individual',
        channel: 'phone',
      })
      .thenViolation('REFERENT_REQUIRED');
  });
});

describe('appointments', () => {
  const schedule: ParcoursCommand = {
    type: 'ScheduleAppointment',
    scheduledFor: '2025-07-15',
    scheduledOn: '2025-06-30',
    kind: 'collective',
    channel: 'video',
  };

  it('schedules one in the future with the current référent', () => {
    given(followed())
      .when(schedule)
      .then([
        {
          type: 'AppointmentScheduled',
          data: {
            appointmentId: 'id-1',
            scheduledFor: '2025-07-15',
            scheduledOn: '2025-06-30',
            kind: 'collective',
            channel: 'video',
            referentId: 'ref-1',
          },
        },
      ]);
  });

  it('needs an orientation and a référent', () => {
    given([history.entered()]).when(schedule).thenViolation('ORIENTATION_REQUIRED');
    given([history.entered(), history.oriented()]).when(schedule).thenViolation('REFERENT_REQUIRED');
  });

  const base = [...followed(), history.appointment()];
  const held: ParcoursEvent = {
    type: 'AppointmentHeld',
    data: { appointmentId: 'a-1', heldOn: '2025-02-01' },
  };

  it('is held or missed', () => {
    given(base)
      .when({ type: 'RecordAppointmentHeld', appointmentId: 'a-1', heldOn: '2025-02-01' })
      .then([held]);
    given(base)
      .when({
        type: 'RecordAppointmentMissed',
        appointmentId: 'a-1',
        missedOn: '2025-02-01',
        legitimateReason: false,
      })
      .then([
        {
          type: 'AppointmentMissed',
          data: { appointmentId: 'a-1', missedOn: '2025-02-01', legitimateReason: false },
        },
      ]);
  });

  it.each<Refusal>([
    {
      name: 'missed once held',
      history: [...base, held],
      command: {
        type: 'RecordAppointmentMissed',
        appointmentId: 'a-1',
        missedOn: '2025-02-01',
        legitimateReason: true,
      },
      code: 'APPOINTMENT_ALREADY_CLOSED',
    },
    {
      name: 'cancelled once held',
      history: [...base, held],
      command: { type: 'CancelAppointment', appointmentId: 'a-1', cancelledOn: '2025-02-02' },
      code: 'APPOINTMENT_ALREADY_CLOSED',
    },
    {
      name: 'held without having been scheduled',
      history: base,
      command: { type: 'RecordAppointmentHeld', appointmentId: 'zzz', heldOn: '2025-02-01' },
      code: 'APPOINTMENT_NOT_FOUND',
    },
    {
      name: 'held in the future',
      history: base,
      command: { type: 'RecordAppointmentHeld', appointmentId: 'a-1', heldOn: '2025-07-01' },
      code: 'DATE_IN_FUTURE',
      field: 'heldOn',
    },
  ])('is not $name ($code)', refuses);
});

describe('diagnostic and freins', () => {
  it('records freins and lifts them once', () => {
    const diag: ParcoursEvent = {
      type: 'DiagnosticRecorded',
      data: { diagnosticId: 'd-1', diagnosedOn: '2025-02-01', barriers: ['mobility', 'housing'] },
    };
    given(followed())
      .when({ type: 'RecordDiagnostic', diagnosedOn: '2025-02-01', barriers: ['mobility', 'housing'] })
      .then([{ ...diag, data: { ...diag.data, diagnosticId: 'id-1' } }]);
    given([...followed(), diag])
      .when({ type: 'LiftBarrier', barrier: 'mobility', liftedOn: '2025-04-01' })
      .then([{ type: 'BarrierLifted', data: { barrier: 'mobility', liftedOn: '2025-04-01' } }]);
    given([
      ...followed(),
      diag,
      { type: 'BarrierLifted', data: { barrier: 'mobility', liftedOn: '2025-04-01' } },
    ])
      .when({ type: 'LiftBarrier', barrier: 'mobility', liftedOn: '2025-04-02' })
      .thenViolation('BARRIER_NOT_OPEN');
    given([...followed(), diag])
      .when({ type: 'LiftBarrier', barrier: 'health', liftedOn: '2025-04-01' })
      .thenViolation('BARRIER_NOT_OPEN');
    given([...followed(), diag])
      .when({ type: 'LiftBarrier', barrier: 'housing', liftedOn: '2025-01-31' })
      .thenViolation('LIFTED_BEFORE_RECORDED');
    given(followed())
      .when({ type: 'RecordDiagnostic', diagnosedOn: '2025-02-01', barriers: ['digital', 'digital'] })
      .thenViolation('BARRIER_LISTED_TWICE');
  });
});

describe("contrat d'engagement", () => {
  const sign: ParcoursCommand = {
    type: 'SignContract',
    kind: 'contrat_engagement',
    signedOn: '2025-02-01',
    startsOn: '2025-02-01',
    endsOn: '2025-07-31',
    weeklyHours: 15,
    objectives: ['mobility'],
  };

  it('signs a first contract, then a renewal after the bilan', () => {
    given(followed())
      .when(sign)
      .then([history.contract('id-1')]);
    const reviewed: ParcoursEvent = {
      type: 'ContractReviewed',
      data: { contractId: 'c-1', reviewedOn: '2025-06-15', outcome: 'renewal' },
    };
    given([...followed(), history.contract(), reviewed])
      .when({ ...sign, signedOn: '2025-06-16', startsOn: '2025-06-16', endsOn: '2025-12-15' })
      .then(
        [history.contract('id-1', '2025-06-16', '2025-12-15', true)].map((e) => ({
          ...e,
          data: { ...e.data, signedOn: '2025-06-16' },
        })) as ParcoursEvent[],
      );
  });

  it('keeps one open contract at a time', () => {
    given([...followed(), history.contract()])
      .when({ ...sign, signedOn: '2025-06-01', startsOn: '2025-06-01', endsOn: '2025-11-30' })
      .thenViolation('CONTRACT_ALREADY_OPEN', 'startsOn');
  });

  it.each<Refusal>([
    {
      name: 'an end before the start',
      history: followed(),
      command: { ...sign, endsOn: '2025-01-31' },
      code: 'CONTRACT_END_BEFORE_START',
      field: 'endsOn',
    },
    {
      name: 'a duration beyond the default maximum',
      history: followed(),
      command: { ...sign, endsOn: '2026-02-02' },
      code: 'CONTRACT_DURATION_OUT_OF_RANGE',
      field: 'endsOn',
    },
    {
      name: 'a duration beyond the maximum of the parameters',
      history: followed(),
      command: { ...sign, endsOn: '2025-07-31' },
      ctx: testContext({ parameters: { contractMaxMonths: 3 } }),
      code: 'CONTRACT_DURATION_OUT_OF_RANGE',
    },
    {
      name: 'hours above the default maximum',
      history: followed(),
      command: { ...sign, weeklyHours: 36 },
      code: 'WEEKLY_HOURS_OUT_OF_RANGE',
      field: 'weeklyHours',
    },
    {
      name: 'hours below the minimum of the parameters',
      history: followed(),
      command: { ...sign, weeklyHours: 6 },
      ctx: testContext({ parameters: { weeklyHoursMin: 7 } }),
      code: 'WEEKLY_HOURS_OUT_OF_RANGE',
    },
  ])('refuses $name ($code)', refuses);

  it('needs an orientation and a référent', () => {
    given([history.entered()]).when(sign).thenViolation('ORIENTATION_REQUIRED');
    given([history.entered(), history.oriented()]).when(sign).thenViolation('REFERENT_REQUIRED');
  });

  it('reviews a contract once, not before its start', () => {
    given([...followed(), history.contract()])
      .when({ type: 'ReviewContract', contractId: 'c-1', reviewedOn: '2025-06-15', outcome: 'exit' })
      .then([
        { type: 'ContractReviewed', data: { contractId: 'c-1', reviewedOn: '2025-06-15', outcome: 'exit' } },
      ]);
    given([
      ...followed(),
      history.contract(),
      { type: 'ContractReviewed', data: { contractId: 'c-1', reviewedOn: '2025-06-15', outcome: 'exit' } },
    ])
      .when({ type: 'ReviewContract', contractId: 'c-1', reviewedOn: '2025-06-16', outcome: 'exit' })
      .thenViolation('CONTRACT_ALREADY_REVIEWED');
    given([...followed(), history.contract()])
      .when({ type: 'ReviewContract', contractId: 'c-1', reviewedOn: '2025-01-31', outcome: 'exit' })
      .thenViolation('REVIEW_BEFORE_START');
    given(followed())
      .when({ type: 'ReviewContract', contractId: 'c-9', reviewedOn: '2025-06-15', outcome: 'exit' })
      .thenViolation('CONTRACT_NOT_FOUND');
  });
});

describe('équilibré review', () => {
  it('is recorded on a socio-professional parcours, not before its orientation', () => {
    const balanced = [
      history.entered(),
      {
        ...history.oriented(),
        data: { ...history.oriented().data, track: 'socio_professional' },
      } as ParcoursEvent,
      history.referent(),
    ];
    given(balanced)
      .when({ type: 'RecordBalancedReview', reviewedOn: '2025-06-01', outcome: 'continue' })
      .then([{ type: 'BalancedReviewHeld', data: { reviewedOn: '2025-06-01', outcome: 'continue' } }]);
    given(balanced)
      .when({ type: 'RecordBalancedReview', reviewedOn: '2025-01-19', outcome: 'continue' })
      .thenViolation('REVIEW_BEFORE_ORIENTATION');
    given(followed())
      .when({ type: 'RecordBalancedReview', reviewedOn: '2025-06-01', outcome: 'continue' })
      .thenViolation('BALANCED_REVIEW_REQUIRES_BALANCED_TRACK');
    given([history.entered()])
      .when({ type: 'RecordBalancedReview', reviewedOn: '2025-06-01', outcome: 'continue' })
      .thenViolation('ORIENTATION_REQUIRED');
  });
});

describe('insertion actions and employment', () => {
  const prescribed: ParcoursEvent = {
    type: 'ActionPrescribed',
    data: { prescriptionId: 'pr-1', actionId: 'act-1', dispositifCode: '3.3', prescribedOn: '2025-02-10' },
  };
  const entered: ParcoursEvent = {
    type: 'ActionEntered',
    data: { prescriptionId: 'pr-1', enteredOn: '2025-02-15' },
  };

  it('prescribes, enters and exits an action with an outcome', () => {
    given(followed())
      .when({ type: 'PrescribeAction', actionId: 'act-1', prescribedOn: '2025-02-10' })
      .then([{ ...prescribed, data: { ...prescribed.data, prescriptionId: 'id-1' } } as ParcoursEvent]);
    given([...followed(), prescribed])
      .when({ type: 'EnterAction', prescriptionId: 'pr-1', enteredOn: '2025-02-15' })
      .then([entered]);
    given([...followed(), prescribed, entered])
      .when({ type: 'ExitAction', prescriptionId: 'pr-1', exitedOn: '2025-05-15', outcome: 'training' })
      .then([
        {
          type: 'ActionExited',
          data: { prescriptionId: 'pr-1', exitedOn: '2025-05-15', outcome: 'training' },
        },
      ]);
  });

  it.each<Refusal>([
    {
      name: 'a prescription without a référent',
      history: [history.entered(), history.oriented()],
      command: { type: 'PrescribeAction', actionId: 'act-1', prescribedOn: '2025-02-10' },
      code: 'REFERENT_REQUIRED',
    },
    {
      name: 'a prescription of an unknown action',
      history: followed(),
      command: { type: 'PrescribeAction', actionId: 'zz', prescribedOn: '2025-02-10' },
      ctx: testContext({ action: undefined }),
      code: 'ACTION_UNKNOWN',
    },
    {
      name: 'an exit before any entry',
      history: [...followed(), prescribed],
      command: { type: 'ExitAction', prescriptionId: 'pr-1', exitedOn: '2025-05-15', outcome: 'training' },
      code: 'ACTION_NOT_ENTERED',
    },
    {
      name: 'an entry before the prescription',
      history: [...followed(), prescribed],
      command: { type: 'EnterAction', prescriptionId: 'pr-1', enteredOn: '2025-02-09' },
      code: 'ENTRY_BEFORE_PRESCRIPTION',
    },
    {
      name: 'a second entry',
      history: [...followed(), prescribed, entered],
      command: { type: 'EnterAction', prescriptionId: 'pr-1', enteredOn: '2025-02-16' },
      code: 'ACTION_ALREADY_ENTERED',
    },
    {
      name: 'an entry into a prescription that does not exist',
      history: followed(),
      command: { type: 'EnterAction', prescriptionId: 'pr-9', enteredOn: '2025-02-16' },
      code: 'PRESCRIPTION_NOT_FOUND',
    },
  ])('keeps the order prescription → entry → exit: refuses $name ($code)', refuses);

  it('records an employment start', () => {
    given([history.entered()])
      .when({ type: 'StartEmployment', startedOn: '2025-03-03', kind: 'permanent' })
      .then([
        {
          type: 'EmploymentStarted',
          data: { employmentId: 'id-1', startedOn: '2025-03-03', kind: 'permanent' },
        },
      ]);
  });
});

describe('réorientation', () => {
  const requested: ParcoursEvent = {
    type: 'ReorientationRequested',
    data: { requestId: 'r-1', requestedOn: '2025-03-01', motive: 'exhaustion' },
  };

  it('is requested with a motive, once at a time', () => {
    given(followed())
      .when({ type: 'RequestReorientation', requestedOn: '2025-03-01', motive: 'exhaustion' })
      .then([
        {
          ...requested,
          data: { ...requested.data, requestId: 'id-1', requestedTrack: undefined },
        } as ParcoursEvent,
      ]);
    given([...followed(), requested])
      .when({ type: 'RequestReorientation', requestedOn: '2025-03-02', motive: 'other' })
      .thenViolation('REORIENTATION_ALREADY_PENDING');
    given([history.entered()])
      .when({ type: 'RequestReorientation', requestedOn: '2025-03-01', motive: 'other' })
      .thenViolation('ORIENTATION_REQUIRED');
  });

  it('is decided after its request', () => {
    given([...followed(), requested])
      .when({ type: 'DecideReorientation', requestId: 'r-1', decidedOn: '2025-03-05', accepted: false })
      .then([{ type: 'ReorientationRefused', data: { requestId: 'r-1', decidedOn: '2025-03-05' } }]);
  });

  it.each<Refusal>([
    {
      name: 'before its request',
      history: [...followed(), requested],
      command: { type: 'DecideReorientation', requestId: 'r-1', decidedOn: '2025-02-28', accepted: false },
      code: 'DECISION_BEFORE_REQUEST',
    },
    {
      name: 'twice',
      history: [
        ...followed(),
        requested,
        { type: 'ReorientationRefused', data: { requestId: 'r-1', decidedOn: '2025-03-05' } },
      ],
      command: { type: 'DecideReorientation', requestId: 'r-1', decidedOn: '2025-03-06', accepted: false },
      code: 'REORIENTATION_ALREADY_DECIDED',
    },
    {
      name: 'without a request',
      history: followed(),
      command: { type: 'DecideReorientation', requestId: 'r-9', decidedOn: '2025-03-06', accepted: false },
      code: 'REORIENTATION_REQUEST_NOT_FOUND',
    },
    {
      name: 'accepted without a target track',
      history: [...followed(), requested],
      command: { type: 'DecideReorientation', requestId: 'r-1', decidedOn: '2025-03-05', accepted: true },
      code: 'REORIENTATION_TARGET_REQUIRED',
      field: 'track',
    },
  ])('is not decided $name ($code)', refuses);
});

describe('manquement and suspension-remobilisation', () => {
  const informed: ParcoursEvent = {
    type: 'BeneficiaryInformedOfBreach',
    data: { breachId: 'b-1', informedOn: '2025-03-03' },
  };
  const opinion: ParcoursEvent = {
    type: 'EpOpinionGiven',
    data: { breachId: 'b-1', givenOn: '2025-03-20', opinion: 'sanction' },
  };
  const suspend: ParcoursCommand = {
    type: 'DecideBreach',
    breachId: 'b-1',
    decidedOn: '2025-03-25',
    decision: 'suspension',
    sharePercent: 50,
    months: 2,
  };
  const procedure = (): ParcoursEvent[] => [...followed(), history.breach(), informed, opinion];

  it('reports a manquement only on an oriented parcours, not before it happened', () => {
    given([history.entered()])
      .when({
        type: 'ReportBreach',
        kind: 'unreachable',
        obligation: 'appointments',
        occurredOn: '2025-03-01',
        reportedOn: '2025-03-01',
      })
      .thenViolation('ORIENTATION_REQUIRED');
    given(followed())
      .when({
        type: 'ReportBreach',
        kind: 'unreachable',
        obligation: 'appointments',
        occurredOn: '2025-03-02',
        reportedOn: '2025-03-01',
      })
      .thenViolation('REPORT_BEFORE_BREACH');
  });

  it('decides a suspension after information, observations period and EP opinion', () => {
    given(procedure())
      .when(suspend)
      .then([
        {
          type: 'SuspensionDecided',
          data: {
            breachId: 'b-1',
            sanctionId: 'id-1',
            decidedOn: '2025-03-25',
            startsOn: '2025-03-25',
            endsOn: '2025-05-24',
            sharePercent: 50,
            months: 2,
            repeated: false,
          },
        },
      ]);
  });

  it('needs the beneficiary informed and the observation delay over (or observations received)', () => {
    given([...followed(), history.breach()])
      .when(suspend)
      .thenViolation('BENEFICIARY_NOT_INFORMED');
    // Informed on 3 March with 10 days: a decision on 12 March is too early, on 13 March it is not.
    given(procedure())
      .when({ ...suspend, decidedOn: '2025-03-12' })
      .thenViolation('OBSERVATION_PERIOD_RUNNING', 'decidedOn');
    given([...followed(), history.breach(), informed])
      .when({ ...suspend, decision: 'dismissed', decidedOn: '2025-03-13' })
      .then([{ type: 'BreachDismissed', data: { breachId: 'b-1', decidedOn: '2025-03-13' } }]);
    const observations: ParcoursEvent = {
      type: 'BreachObservationsReceived',
      data: { breachId: 'b-1', receivedOn: '2025-03-05' },
    };
    given([...followed(), history.breach(), informed, observations])
      .when({ ...suspend, decision: 'dismissed', decidedOn: '2025-03-06' })
      .then([{ type: 'BreachDismissed', data: { breachId: 'b-1', decidedOn: '2025-03-06' } }]);
  });

  it('needs the EP opinion before a suspension when the parameters say so', () => {
    given([...followed(), history.breach(), informed])
      .when(suspend)
      .thenViolation('EP_OPINION_REQUIRED');
    expect(
      given([...followed(), history.breach(), informed])
        .when(suspend, testContext({ parameters: { epOpinionRequired: false } }))
        .events()[0].type,
    ).toBe('SuspensionDecided');
  });

  it('applies the scale: share, household cap, first and repeated duration', () => {
    given(procedure())
      .when({ ...suspend, sharePercent: 20 })
      .thenViolation('SANCTION_SHARE_OUT_OF_SCALE', 'sharePercent');
    given(procedure())
      .when({ ...suspend, months: 3 })
      .thenViolation('SANCTION_DURATION_OUT_OF_SCALE', 'months');
    const couple = [
      history.entered('2025-01-06', { household: { type: 'couple', size: 2 } }),
      history.oriented(),
      history.referent(),
      history.breach(),
      informed,
      opinion,
    ];
    given(couple)
      .when({ ...suspend, sharePercent: 60 })
      .thenViolation('SANCTION_SHARE_ABOVE_HOUSEHOLD_CAP');
    const first: ParcoursEvent = {
      type: 'SuspensionDecided',
      data: {
        breachId: 'b-1',
        sanctionId: 's-1',
        decidedOn: '2025-03-25',
        startsOn: '2025-03-25',
        endsOn: '2025-05-24',
        sharePercent: 50,
        months: 2,
        repeated: false,
      },
    };
    const second = [
      history.breach('b-2', '2025-05-01'),
      { type: 'BeneficiaryInformedOfBreach', data: { breachId: 'b-2', informedOn: '2025-05-02' } },
      { type: 'EpOpinionGiven', data: { breachId: 'b-2', givenOn: '2025-05-20', opinion: 'sanction' } },
    ] as ParcoursEvent[];
    const events = given([...procedure(), first, ...second])
      .when({ ...suspend, breachId: 'b-2', decidedOn: '2025-05-25', months: 4 })
      .events();
    expect(events[0]).toMatchObject({
      type: 'SuspensionDecided',
      data: { repeated: true, months: 4, endsOn: '2025-09-24' },
    });
  });

  it('lifts a suspension on remobilisation during it, or makes it definitive', () => {
    const decided: ParcoursEvent = {
      type: 'SuspensionDecided',
      data: {
        breachId: 'b-1',
        sanctionId: 's-1',
        decidedOn: '2025-03-25',
        startsOn: '2025-03-25',
        endsOn: '2025-05-24',
        sharePercent: 50,
        months: 2,
        repeated: false,
      },
    };
    const lift = {
      type: 'LiftSuspension',
      sanctionId: 's-1',
      remobilisedOn: '2025-04-10',
      monthsToRepay: 1,
    } as const;
    given([...procedure(), decided])
      .when(lift)
      .then([
        {
          type: 'SuspensionLiftedByRemobilisation',
          data: { sanctionId: 's-1', remobilisedOn: '2025-04-10', monthsToRepay: 1 },
        },
      ]);
    given([...procedure(), decided])
      .when({ ...lift, remobilisedOn: '2025-05-25' })
      .thenViolation('REMOBILISATION_OUTSIDE_SUSPENSION');
    // R262-68-1: the reversement covers at most the months suspended.
    given([...procedure(), decided])
      .when({ ...lift, monthsToRepay: 3 })
      .thenViolation('REPAYMENT_OUT_OF_RANGE', 'monthsToRepay');
    const lifted: ParcoursEvent = {
      type: 'SuspensionLiftedByRemobilisation',
      data: { sanctionId: 's-1', remobilisedOn: '2025-04-10', monthsToRepay: 1 },
    };
    given([...procedure(), decided, lifted])
      .when({
        type: 'MakeSuspensionDefinitive',
        sanctionId: 's-1',
        decidedOn: '2025-06-01',
        kind: 'suppression',
      })
      .thenViolation('SANCTION_NOT_IN_PROGRESS');
    const suppressionOpinion: ParcoursEvent = {
      type: 'SuppressionEpOpinionGiven',
      data: { sanctionId: 's-1', givenOn: '2025-05-20', opinion: 'sanction' },
    };
    given([...procedure(), decided, suppressionOpinion])
      .when({
        type: 'MakeSuspensionDefinitive',
        sanctionId: 's-1',
        decidedOn: '2025-06-01',
        kind: 'radiation',
      })
      .then([
        {
          type: 'SuspensionMadeDefinitive',
          data: { sanctionId: 's-1', decidedOn: '2025-06-01', kind: 'radiation' },
        },
      ]);
    given(procedure())
      .when({ ...lift, sanctionId: 's-9' })
      .thenViolation('SANCTION_NOT_FOUND');
  });

  it('decides a manquement once', () => {
    given([...procedure(), { type: 'BreachDismissed', data: { breachId: 'b-1', decidedOn: '2025-03-25' } }])
      .when(suspend)
      .thenViolation('BREACH_ALREADY_DECIDED');
  });
});

describe('exit, end of accompaniment and transfer', () => {
  it('exits once', () => {
    given(followed())
      .when({ type: 'ExitRsa', exitedOn: '2025-04-30', reason: 'employment' })
      .then([history.exited()]);
    given([...followed(), history.exited()])
      .when({ type: 'ExitRsa', exitedOn: '2025-05-30', reason: 'employment' })
      .thenViolation('RSA_ALREADY_EXITED');
  });

  it('lets the accompaniment go on for 6 months after exit, then only its end', () => {
    const exitedOn = (date: string): ParcoursEvent[] => [
      history.entered('2024-06-03', { demandOn: '2024-06-01', rightOpenedOn: '2024-06-02' }),
      history.oriented('2024-06-20'),
      history.referent('ref-1', '2024-06-21'),
      history.exited(date),
    ];
    const schedule: ParcoursCommand = {
      type: 'ScheduleAppointment',
      scheduledFor: '2025-07-10',
      scheduledOn: '2025-06-30',
      kind: 'individual',
      channel: 'phone',
    };
    // Exit on 31 Dec 2024: the window runs to 30 June 2025, today in these tests.
    expect(given(exitedOn('2024-12-31')).when(schedule).events()).toHaveLength(1);
    // Exit on 29 Dec 2024: the window closed on 29 June 2025.
    given(exitedOn('2024-12-29')).when(schedule).thenViolation('ACCOMPANIMENT_WINDOW_CLOSED');
    given(exitedOn('2024-12-29'))
      .when({ type: 'EndAccompaniment', endedOn: '2025-06-30' })
      .thenViolation('ACCOMPANIMENT_END_TOO_LATE', 'endedOn');
    given(exitedOn('2024-12-29'))
      .when({ type: 'EndAccompaniment', endedOn: '2025-06-29' })
      .then([{ type: 'AccompanimentEnded', data: { endedOn: '2025-06-29' } }]);
  });

  it('ends the accompaniment only after an exit, and then accepts only a re-entry', () => {
    given(followed())
      .when({ type: 'EndAccompaniment', endedOn: '2025-05-01' })
      .thenViolation('ACCOMPANIMENT_END_REQUIRES_EXIT');
    const closed = [
      ...followed(),
      history.exited(),
      { type: 'AccompanimentEnded', data: { endedOn: '2025-05-15' } } as ParcoursEvent,
    ];
    given(closed)
      .when({ type: 'StartEmployment', startedOn: '2025-06-01', kind: 'permanent' })
      .thenViolation('PARCOURS_CLOSED');
    expect(
      given(closed)
        .when({
          type: 'Reenter',
          demandOn: '2025-06-02',
          rightOpenedOn: '2025-06-03',
          enteredOn: '2025-06-04',
        })
        .events()[0].type,
    ).toBe('ParcoursEntered');
  });

  it('freezes a parcours transferred to another département', () => {
    const transferred = [
      ...followed(),
      {
        type: 'TransferredToAnotherDepartement',
        data: { transferredOn: '2025-05-01', departementCode: '59' },
      } as ParcoursEvent,
    ];
    given(transferred)
      .when({ type: 'StartEmployment', startedOn: '2025-06-01', kind: 'permanent' })
      .thenViolation('PARCOURS_TRANSFERRED');
  });
});

describe('France Travail registration and exemptions', () => {
  it('accepts a registration from the demand date on', () => {
    given([history.entered()])
      .when({ type: 'RegisterWithFranceTravail', registeredOn: '2025-01-02' })
      .then([
        { type: 'FranceTravailRegistered', data: { registeredOn: '2025-01-02', franceTravailId: undefined } },
      ]);
    given([history.entered()])
      .when({ type: 'RegisterWithFranceTravail', registeredOn: '2025-01-01' })
      .thenViolation('DATE_BEFORE_ENTRY');
  });

  it('grants an exemption whose end follows its start', () => {
    given([history.entered()])
      .when({ type: 'GrantExemption', reason: 'health', from: '2025-02-01', to: '2025-01-31' })
      .thenViolation('EXEMPTION_END_BEFORE_START', 'to');
    given([history.entered()])
      .when({ type: 'GrantExemption', reason: 'health', from: '2025-02-01', to: '2025-08-01' })
      .then([
        {
          type: 'ExemptionGranted',
          data: { exemptionId: 'id-1', reason: 'health', from: '2025-02-01', to: '2025-08-01' },
        },
      ]);
  });
});

import { rule } from '../../shared/rule-violation';
import { lookup } from '../../shared/identifiers';
import { ParcoursEvent } from '../events';
import { ParcoursState } from '../state';
import { CommandOf, DecisionContext } from './context';
import {
  found,
  notBefore,
  one,
  pastDateInCycle,
  requireInRsa,
  requireOpen,
  requireOrientation,
} from './rules';

/** Who accompanies the person: the orientation (and reorientation) to an organisme, the référent unique, the global accompaniment. */

export function orient(s: ParcoursState, c: CommandOf<'Orient'>, ctx: DecisionContext): ParcoursEvent[] {
  requireOpen(s, ctx, c.notifiedOn);
  requireInRsa(s);
  rule(!s.orientation, 'ALREADY_ORIENTED', 'Le parcours est déjà orienté : demandez une réorientation.');
  pastDateInCycle(s, ctx, c.decidedOn, 'decidedOn');
  pastDateInCycle(s, ctx, c.notifiedOn, 'notifiedOn');
  notBefore(
    c.notifiedOn,
    s.interruptedOn,
    'ORIENTATION_BEFORE_INTERRUPTION',
    `La nouvelle orientation ne peut précéder la fin de l'accompagnement précédent (${s.interruptedOn}).`,
    'notifiedOn',
  );
  notBefore(
    c.notifiedOn,
    c.decidedOn,
    'NOTIFICATION_BEFORE_DECISION',
    "La notification ne peut précéder la décision d'orientation.",
    'notifiedOn',
  );
  const org = requireOrganisation(ctx);
  return one({
    type: 'Oriented',
    data: {
      orientationId: ctx.newId(),
      track: c.track,
      organisationId: org.organisationId,
      organisationKind: org.kind,
      decidedOn: c.decidedOn,
      notifiedOn: c.notifiedOn,
    },
  });
}

function requireOrganisation(
  ctx: DecisionContext,
  field = 'organisationId',
): NonNullable<DecisionContext['organisation']> {
  const org = ctx.organisation;
  rule(org, 'ORGANISATION_UNKNOWN', "Cet organisme référent n'existe pas.", field);
  rule(org.active, 'ORGANISATION_INACTIVE', "Cet organisme référent n'est plus actif.", field);
  return org;
}

export function assignReferent(
  s: ParcoursState,
  c: CommandOf<'AssignReferent'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.assignedOn);
  requireOrientation(s);
  pastDateInCycle(s, ctx, c.assignedOn, 'assignedOn');
  notBefore(
    c.assignedOn,
    s.orientation!.notifiedOn,
    'ASSIGNMENT_BEFORE_ORIENTATION',
    "Le référent ne peut être désigné avant l'orientation.",
    'assignedOn',
  );
  const referent = ctx.referent;
  rule(referent, 'REFERENT_UNKNOWN', "Ce référent n'existe pas.", 'referentId');
  rule(referent.active, 'REFERENT_INACTIVE', "Ce référent n'est plus actif.", 'referentId');
  rule(
    referent.organisationId === s.orientation!.organisationId,
    'REFERENT_NOT_IN_ORGANISATION',
    "Le référent doit appartenir à l'organisme référent de l'orientation.",
    'referentId',
  );
  rule(
    referent.referentId !== s.referentId,
    'REFERENT_ALREADY_ASSIGNED',
    'Ce référent est déjà le référent du parcours.',
    'referentId',
  );
  return one({
    type: 'ReferentAssigned',
    data: {
      referentId: referent.referentId,
      organisationId: referent.organisationId,
      assignedOn: c.assignedOn,
      previousReferentId: s.referentId,
    },
  });
}

export function requestReorientation(
  s: ParcoursState,
  c: CommandOf<'RequestReorientation'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.requestedOn);
  requireInRsa(s);
  requireOrientation(s);
  pastDateInCycle(s, ctx, c.requestedOn, 'requestedOn');
  rule(
    !Object.values(s.reorientationRequests).some((r) => !r.decided),
    'REORIENTATION_ALREADY_PENDING',
    'Une demande de réorientation attend déjà une décision.',
  );
  return one({
    type: 'ReorientationRequested',
    data: {
      requestId: ctx.newId(),
      requestedOn: c.requestedOn,
      motive: c.motive,
      requestedTrack: c.requestedTrack,
    },
  });
}

/** A refusal closes the request; an acceptance orients again, notified the day it is decided. */
export function decideReorientation(
  s: ParcoursState,
  c: CommandOf<'DecideReorientation'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.decidedOn);
  const request = found(
    lookup(s.reorientationRequests, c.requestId),
    'REORIENTATION_REQUEST_NOT_FOUND',
    "Cette demande de réorientation n'existe pas.",
  );
  rule(!request.decided, 'REORIENTATION_ALREADY_DECIDED', 'Cette demande de réorientation est déjà décidée.');
  pastDateInCycle(s, ctx, c.decidedOn, 'decidedOn');
  notBefore(
    c.decidedOn,
    request.requestedOn,
    'DECISION_BEFORE_REQUEST',
    'La décision ne peut précéder la demande.',
    'decidedOn',
  );
  if (!c.accepted)
    return one({ type: 'ReorientationRefused', data: { requestId: c.requestId, decidedOn: c.decidedOn } });
  rule(
    c.track,
    'REORIENTATION_TARGET_REQUIRED',
    'Une réorientation acceptée doit indiquer le parcours.',
    'track',
  );
  const org = requireOrganisation(ctx);
  return one({
    type: 'Oriented',
    data: {
      orientationId: ctx.newId(),
      track: c.track,
      organisationId: org.organisationId,
      organisationKind: org.kind,
      decidedOn: c.decidedOn,
      notifiedOn: c.decidedOn,
      reorientationRequestId: c.requestId,
    },
  });
}

export function orientToGlobalAccompaniment(
  s: ParcoursState,
  c: CommandOf<'OrientToGlobalAccompaniment'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.orientedOn);
  requireInRsa(s);
  requireOrientation(s);
  pastDateInCycle(s, ctx, c.orientedOn, 'orientedOn');
  notBefore(
    c.orientedOn,
    s.orientation!.notifiedOn,
    'GLOBAL_BEFORE_ORIENTATION',
    "L'orientation vers l'accompagnement global ne peut précéder l'orientation du parcours.",
    'orientedOn',
  );
  const g = s.globalAccompaniment;
  rule(
    !g || g.endedOn,
    'GLOBAL_ACCOMPANIMENT_ALREADY_OPEN',
    "Une orientation vers l'accompagnement global est déjà en cours.",
  );
  notBefore(
    c.orientedOn,
    g?.endedOn,
    'GLOBAL_BEFORE_PREVIOUS_END',
    "L'orientation ne peut précéder la fin de l'accompagnement global précédent.",
    'orientedOn',
  );
  return one({ type: 'GlobalAccompanimentOriented', data: { orientedOn: c.orientedOn } });
}

export function startGlobalAccompaniment(
  s: ParcoursState,
  c: CommandOf<'StartGlobalAccompaniment'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.startedOn);
  requireInRsa(s);
  const g = s.globalAccompaniment;
  rule(
    g && !g.endedOn && !g.startedOn,
    'GLOBAL_ACCOMPANIMENT_NOT_ORIENTED',
    "La personne n'est pas en attente d'un accompagnement global.",
  );
  pastDateInCycle(s, ctx, c.startedOn, 'startedOn');
  notBefore(
    c.startedOn,
    g.orientedOn,
    'GLOBAL_START_BEFORE_ORIENTATION',
    "Le démarrage ne peut précéder l'orientation vers l'accompagnement global.",
    'startedOn',
  );
  return one({ type: 'GlobalAccompanimentStarted', data: { startedOn: c.startedOn, binomeId: c.binomeId } });
}

export function endGlobalAccompaniment(
  s: ParcoursState,
  c: CommandOf<'EndGlobalAccompaniment'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.endedOn);
  const g = s.globalAccompaniment;
  rule(g && !g.endedOn, 'GLOBAL_ACCOMPANIMENT_NOT_OPEN', "Aucun accompagnement global n'est en cours.");
  pastDateInCycle(s, ctx, c.endedOn, 'endedOn');
  notBefore(
    c.endedOn,
    g.startedOn ?? g.orientedOn,
    'GLOBAL_END_BEFORE_START',
    "La fin ne peut précéder le début de l'accompagnement global.",
    'endedOn',
  );
  return one({ type: 'GlobalAccompanimentEnded', data: { endedOn: c.endedOn } });
}

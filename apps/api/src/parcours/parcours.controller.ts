import {
  Body,
  CallHandler,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  NestInterceptor,
  Param,
  Post,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader } from '@nestjs/swagger';
import { Identity } from '@parcours/auth';
import { Barrier, BARRIERS, ParcoursCommand, ParcoursCommandType } from '@parcours/domain';
import { latestTemplate } from '@parcours/notifications';
import type { Response } from 'express';
import { map, Observable } from 'rxjs';
import {
  COMMAND_ROLES,
  CommandHeaders,
  CommandResult,
  ExecuteParcoursCommand,
  Problem,
} from '@parcours/application';
import { parcoursInPath, PersonalData } from '../audit/personal-data';
import { AllowRoles, CurrentIdentity } from '../http/auth.guard';
import { Doc, DocumentRoles } from '../http/openapi';
import { CommandHeadersOf } from '../http/request-context';
import * as dto from './parcours.dto';
import { GetParcours, GetParcoursHistory } from './parcours.queries';

/** Refusals every command may answer, besides its own rules. */
const EVERY_COMMAND =
  'Comme toute commande : PARCOURS_NOT_FOUND (404), PERSON_ERASED, ' +
  'PARCOURS_TRANSFERRED, PARCOURS_CLOSED, DATE_IN_FUTURE ; 403 hors périmètre ; ' +
  'If-Match : 409 REVISION_MISMATCH ; Idempotency-Key : une requête rejouée reçoit ' +
  'la première réponse. La réponse 201 porte la nouvelle révision (corps et ETag).';

/** A command route: documented with the roles the policy gives its command (narrower than the controller's). */
const Command = (tag: string, type: ParcoursCommandType, summary: string, rules: string) =>
  Doc(tag, summary, `${rules}\n\n${EVERY_COMMAND}`, COMMAND_ROLES[type]);

/**
 * `ETag: "<revision>"` on every answer carrying a parcours revision (the
 * parcours, a command's result): what If-Match expects back, quotes included.
 */
@Injectable()
export class RevisionETag implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((result: unknown) => {
        const revision = (result as { revision?: unknown } | null)?.revision;
        if (Number.isInteger(revision) && !res.headersSent) res.setHeader('ETag', `"${String(revision)}"`);
        return result;
      }),
    );
  }
}

/**
 * The parcours of one person: each POST is a command, answered 201 with the
 * new revision and the ids it created. Rules refused: 422 with the rule's code.
 */
@DocumentRoles()
@ApiBearerAuth()
@ApiHeader({ name: 'If-Match', required: false, description: 'Révision attendue du parcours (409 sinon)' })
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'Une requête rejouée avec la même clé renvoie la première réponse',
})
@Controller('api/parcours')
@UseInterceptors(RevisionETag)
@AllowRoles('referent', 'slai', 'departement', 'system')
export class ParcoursController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  private run(
    id: string | undefined,
    command: ParcoursCommand,
    who: Identity,
    h: CommandHeaders,
  ): Promise<CommandResult> {
    return this.commands.execute(new ExecuteParcoursCommand(id, command, who, h));
  }

  @Command(
    'parcours',
    'Enter',
    "Ouvrir le parcours d'un allocataire entrant dans le RSA",
    "Crée le parcours à la transmission CAF (ou à l'arrivée d'une mutation, avec " +
      "transferredFrom). Dates dans l'ordre : demandOn ≤ rightOpenedOn ≤ enteredOn, " +
      'aucune dans le futur. Refus : PARCOURS_ALREADY_EXISTS, ENTRY_DATES_OUT_OF_ORDER, ' +
      'BIRTH_DATE_AFTER_ENTRY, TRANSFER_HISTORY_AFTER_ARRIVAL, DATE_IN_FUTURE. Répond ' +
      "l'identifiant du parcours et sa révision (aussi dans ETag).",
  )
  @Post()
  enter(@Body() b: dto.EntryDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(undefined, { type: 'Enter', ...b }, who, h);
  }

  @Doc(
    'parcours',
    "Lire l'état courant d'un parcours",
    "L'état tel que les règles le voient (orientation, référent, contrats, " +
      'sanctions, échéances…), sans le NIR (nirRecorded seulement), avec sa révision : ' +
      'l\'en-tête ETag ("<révision>") se renvoie tel quel dans If-Match. Lecture ' +
      'journalisée (audit). Refus : PARCOURS_NOT_FOUND (404), 403 hors périmètre.',
  )
  @Get(':id')
  @PersonalData(parcoursInPath('id'))
  get(@Param('id') id: string, @CurrentIdentity() who: Identity) {
    return this.queries.execute(new GetParcours(id, who));
  }

  @Doc(
    'parcours',
    "Lire l'historique des événements d'un parcours",
    "Chaque événement avec sa date métier, sa date d'enregistrement et son auteur, " +
      "dans l'ordre des révisions. Lecture journalisée (audit). Refus : " +
      'PARCOURS_NOT_FOUND (404), 403 hors périmètre.',
  )
  @Get(':id/history')
  @PersonalData(parcoursInPath('id'))
  history(@Param('id') id: string, @CurrentIdentity() who: Identity) {
    return this.queries.execute(new GetParcoursHistory(id, who));
  }

  @Command(
    'parcours',
    'Reenter',
    "Enregistrer le retour au RSA d'un allocataire sorti",
    'Ouvre un nouveau cycle ; les délais légaux repartent. Refus : PARCOURS_STILL_IN_RSA, REENTRY_BEFORE_EXIT, ENTRY_DATES_OUT_OF_ORDER.',
  )
  @Post(':id/reentry')
  reenter(
    @Param('id') id: string,
    @Body() b: dto.ReentryDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'Reenter', ...b }, who, h);
  }

  @Command(
    'parcours',
    'ChangeHousehold',
    'Enregistrer un changement de composition du foyer',
    'Flux CAF/MSA : type et taille du foyer, majoration pour isolement (plafond de la part suspendue). Refus : RSA_EXITED, DATE_IN_FUTURE.',
  )
  @Post(':id/household')
  changeHousehold(
    @Param('id') id: string,
    @Body() b: dto.HouseholdChangeDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'ChangeHousehold', ...b }, who, h);
  }

  @Command(
    'parcours',
    'RegisterWithFranceTravail',
    "Enregistrer l'inscription à France Travail",
    "Inscription comme demandeur d'emploi (loi 2023-1196). Refus : DATE_BEFORE_ENTRY, DATE_IN_FUTURE.",
  )
  @Post(':id/france-travail-registration')
  registerFt(
    @Param('id') id: string,
    @Body() b: dto.FranceTravailRegistrationDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'RegisterWithFranceTravail', ...b }, who, h);
  }

  @Command(
    'orientation',
    'Orient',
    'Orienter le parcours vers un parcours et un organisme référent',
    "Décision d'orientation (professionnelle, socio-professionnelle ou sociale) puis " +
      'sa notification. Refus : ALREADY_ORIENTED, NOTIFICATION_BEFORE_DECISION, ' +
      'ORIENTATION_BEFORE_INTERRUPTION, ORGANISATION_UNKNOWN, ORGANISATION_INACTIVE.',
  )
  @Post(':id/orientations')
  orient(
    @Param('id') id: string,
    @Body() b: dto.OrientationDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'Orient', ...b }, who, h);
  }

  @Command(
    'orientation',
    'AssignReferent',
    'Désigner le référent unique du parcours',
    "Le référent doit appartenir à l'organisme d'orientation. Refus : " +
      'ORIENTATION_REQUIRED, ASSIGNMENT_BEFORE_ORIENTATION, REFERENT_UNKNOWN, ' +
      'REFERENT_INACTIVE, REFERENT_NOT_IN_ORGANISATION, REFERENT_ALREADY_ASSIGNED.',
  )
  @Post(':id/referent')
  assignReferent(
    @Param('id') id: string,
    @Body() b: dto.ReferentAssignmentDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'AssignReferent', ...b }, who, h);
  }

  @Command(
    'rendez-vous',
    'ScheduleAppointment',
    'Fixer un rendez-vous',
    'Le rendez-vous peut être futur, dans la limite du paramétrage. Répond appointmentId. Refus : REFERENT_REQUIRED, DATE_TOO_FAR_AHEAD.',
  )
  @Post(':id/appointments')
  schedule(
    @Param('id') id: string,
    @Body() b: dto.AppointmentDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'ScheduleAppointment', ...b }, who, h);
  }

  @Command(
    'rendez-vous',
    'RecordContactDetails',
    'Enregistrer les coordonnées de la personne',
    'Adresse électronique, téléphone portable et adresse postale par lesquels partent invitations, convocations et ' +
      'relances ; un nouvel enregistrement remplace le précédent. Données personnelles : chiffrées avec la clé de la ' +
      'personne, effacées avec elle. Refus : CONTACT_REQUIRED.',
  )
  @Post(':id/contact-details')
  contactDetails(
    @Param('id') id: string,
    @Body() b: dto.ContactDetailsDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'RecordContactDetails', ...b }, who, h);
  }

  @Command(
    'rendez-vous',
    'SendInvitation',
    'Inviter la personne à un premier rendez-vous',
    "Après l'orientation, par courriel, SMS ou courrier ; relancée selon le paramétrage tant qu'aucun rendez-vous " +
      "n'est fixé. Répond invitationId. Refus : ORIENTATION_REQUIRED, INVITATION_BEFORE_ORIENTATION, " +
      'CHANNEL_REQUIRED, INVITATION_PENDING.',
  )
  @Post(':id/invitations')
  invite(
    @Param('id') id: string,
    @Body() b: dto.MessageDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    const templateVersion = latestTemplate('invitation').version;
    return this.run(id, { type: 'SendInvitation', ...b, templateVersion }, who, h);
  }

  @Command(
    'rendez-vous',
    'SendConvocation',
    'Convoquer la personne à un rendez-vous',
    'Fixe le rendez-vous et en avertit la personne ; seul un rendez-vous convoqué et manqué sans motif peut fonder ' +
      'un manquement (paramètre breachRequiresConvocation). Répond convocationId. Refus : APPOINTMENT_NOT_FOUND ' +
      '(404), APPOINTMENT_NOT_SCHEDULED, CONVOCATION_AFTER_APPOINTMENT, APPOINTMENT_ALREADY_CONVENED, CHANNEL_REQUIRED.',
  )
  @Post(':id/appointments/:aid/convocations')
  convene(
    @Param('id') id: string,
    @Param('aid') aid: string,
    @Body() b: dto.ConvocationDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    const templateVersion = latestTemplate('convocation').version;
    return this.run(id, { type: 'SendConvocation', appointmentId: aid, ...b, templateVersion }, who, h);
  }

  @Command(
    'rendez-vous',
    'SendReminder',
    'Relancer une invitation ou rappeler une convocation',
    'Le worker relance selon le paramétrage ; le référent peut aussi relancer. Répond reminderId. Refus : ' +
      'INVITATION_NOT_FOUND, CONVOCATION_NOT_FOUND (404), INVITATION_ANSWERED, APPOINTMENT_NOT_SCHEDULED, ' +
      'REMINDER_BEFORE_MESSAGE, TOO_MANY_REMINDERS, CHANNEL_REQUIRED.',
  )
  @Post(':id/reminders')
  remind(
    @Param('id') id: string,
    @Body() b: dto.ReminderDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    const templateVersion = latestTemplate(`${b.about}-reminder`).version;
    return this.run(id, { type: 'SendReminder', ...b, templateVersion }, who, h);
  }

  @Command(
    'rendez-vous',
    'ReportMessageDelivery',
    "Rendre compte de la remise d'un message",
    "Par le prestataire d'envoi (rôle system) : envoyé, remis, échoué ou rejeté, pour un canal du message. Refus : " +
      'MESSAGE_NOT_FOUND (404), CHANNEL_NOT_USED, DELIVERY_BEFORE_SENDING.',
  )
  @Post(':id/messages/:mid/deliveries')
  delivery(
    @Param('id') id: string,
    @Param('mid') mid: string,
    @Body() b: dto.DeliveryDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'ReportMessageDelivery', messageId: mid, ...b }, who, h);
  }

  @Command(
    'rendez-vous',
    'RecordAppointmentHeld',
    "Enregistrer qu'un rendez-vous a eu lieu",
    'Refus : APPOINTMENT_NOT_FOUND (404), APPOINTMENT_ALREADY_CLOSED, DATE_IN_FUTURE.',
  )
  @Post(':id/appointments/:aid/held')
  held(
    @Param('id') id: string,
    @Param('aid') aid: string,
    @Body() b: dto.AppointmentHeldDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'RecordAppointmentHeld', appointmentId: aid, ...b }, who, h);
  }

  @Command(
    'rendez-vous',
    'RecordAppointmentMissed',
    'Enregistrer une absence à un rendez-vous',
    'Une absence sans motif légitime peut fonder un manquement. Refus : APPOINTMENT_NOT_FOUND (404), APPOINTMENT_ALREADY_CLOSED.',
  )
  @Post(':id/appointments/:aid/missed')
  missed(
    @Param('id') id: string,
    @Param('aid') aid: string,
    @Body() b: dto.AppointmentMissedDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'RecordAppointmentMissed', appointmentId: aid, ...b }, who, h);
  }

  @Command(
    'rendez-vous',
    'CancelAppointment',
    'Annuler un rendez-vous',
    'Refus : APPOINTMENT_NOT_FOUND (404), APPOINTMENT_ALREADY_CLOSED.',
  )
  @Post(':id/appointments/:aid/cancelled')
  cancelled(
    @Param('id') id: string,
    @Param('aid') aid: string,
    @Body() b: dto.AppointmentCancelledDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'CancelAppointment', appointmentId: aid, ...b }, who, h);
  }

  @Command(
    'rendez-vous',
    'RecordDiagnostic',
    'Enregistrer le diagnostic et les freins constatés',
    'Chaque frein une seule fois. Refus : BARRIER_LISTED_TWICE, REFERENT_REQUIRED.',
  )
  @Post(':id/diagnostics')
  diagnostic(
    @Param('id') id: string,
    @Body() b: dto.DiagnosticDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'RecordDiagnostic', ...b }, who, h);
  }

  @Command(
    'rendez-vous',
    'LiftBarrier',
    'Lever un frein constaté au diagnostic',
    'Le code du frein est dans le chemin. Refus : BARRIER_NOT_OPEN, LIFTED_BEFORE_RECORDED.',
  )
  @Post(':id/barriers/:code/lifted')
  liftBarrier(
    @Param('id') id: string,
    @Param('code') code: string,
    @Body() b: dto.BarrierLiftedDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    if (!(BARRIERS as readonly string[]).includes(code)) {
      throw new Problem({
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: `Frein inconnu : ${BARRIERS.join(', ')}.`,
        field: 'code',
      });
    }
    return this.run(id, { type: 'LiftBarrier', barrier: code as Barrier, ...b }, who, h);
  }

  @Command(
    'contrats',
    'SignContract',
    "Signer un contrat d'engagement (CER, PPAE, PACEA, CEJ…)",
    'Durée et heures hebdomadaires selon les paramètres ; sous 15 heures, un motif de ' +
      'réduction ; aucune heure sans dispense en vigueur. Répond contractId. Refus : ' +
      'REFERENT_REQUIRED, CONTRACT_END_BEFORE_START, CONTRACT_DURATION_OUT_OF_RANGE, ' +
      'WEEKLY_HOURS_OUT_OF_RANGE, ACTIVITY_HOURS_NIL_WITHOUT_EXEMPTION, ' +
      'ACTIVITY_HOURS_REDUCTION_REASON_REQUIRED, CONTRACT_ALREADY_OPEN.',
  )
  @Post(':id/contracts')
  sign(
    @Param('id') id: string,
    @Body() b: dto.ContractDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'SignContract', ...b }, who, h);
  }

  @Command(
    'contrats',
    'ReviewContract',
    "Faire le bilan d'un contrat",
    'Refus : CONTRACT_NOT_FOUND (404), CONTRACT_ALREADY_REVIEWED, REVIEW_BEFORE_START.',
  )
  @Post(':id/contracts/:cid/review')
  review(
    @Param('id') id: string,
    @Param('cid') cid: string,
    @Body() b: dto.ContractReviewDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'ReviewContract', contractId: cid, ...b }, who, h);
  }

  @Command(
    'contrats',
    'SetActivityPlan',
    "Établir le plan d'activité d'un contrat",
    "Les activités (action d'insertion, formation, immersion, recherche d'emploi, démarches de santé ou de " +
      'logement) et leurs heures hebdomadaires, qui font les heures du contrat (loi 2023-1196). Un nouveau plan ' +
      'remplace le précédent. Refus : CONTRACT_NOT_FOUND (404), CONTRACT_CLOSED, PLAN_BEFORE_SIGNATURE, ' +
      'ACTIVITY_PLAN_DUPLICATE_KIND, ACTIVITY_HOURS_NOT_POSITIVE, ACTIVITY_PLAN_SUM_MISMATCH.',
  )
  @Post(':id/contracts/:cid/activity-plan')
  setActivityPlan(
    @Param('id') id: string,
    @Param('cid') cid: string,
    @Body() b: dto.ActivityPlanDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(
      id,
      {
        type: 'SetActivityPlan',
        contractId: cid,
        setOn: b.setOn,
        activities: b.activities.map((a) => ({ kind: a.kind, weeklyHours: a.weeklyHours })),
      },
      who,
      h,
    );
  }

  @Command(
    'contrats',
    'RecordActivityHours',
    "Déclarer les heures d'activité d'une semaine",
    'Les heures réalisées dans la semaine commençant le lundi weekOf ; une nouvelle déclaration de la même ' +
      'semaine la remplace. En dessous du plan, un motif écarte le manquement. Refus : CONTRACT_NOT_FOUND (404), ' +
      'CONTRACT_CLOSED, WEEK_MUST_START_ON_MONDAY, WEEK_NOT_ENDED, WEEK_OUTSIDE_CONTRACT, ' +
      'SHORTFALL_REASON_WITHOUT_SHORTFALL.',
  )
  @Post(':id/contracts/:cid/activity-hours')
  recordActivityHours(
    @Param('id') id: string,
    @Param('cid') cid: string,
    @Body() b: dto.ActivityHoursDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'RecordActivityHours', contractId: cid, source: 'referent', ...b }, who, h);
  }

  @Command(
    'contrats',
    'StartIntensiveAccompaniment',
    'Démarrer un accompagnement intensif',
    'Durée : paramètre intensiveMonths. Refus : INTENSIVE_ALREADY_RUNNING.',
  )
  @Post(':id/intensive-accompaniment')
  startIntensive(
    @Param('id') id: string,
    @Body() b: dto.IntensiveStartDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'StartIntensiveAccompaniment', ...b }, who, h);
  }

  @Command(
    'contrats',
    'EndIntensiveAccompaniment',
    "Terminer l'accompagnement intensif",
    'Refus : INTENSIVE_NOT_RUNNING, INTENSIVE_END_BEFORE_START.',
  )
  @Post(':id/intensive-accompaniment/end')
  endIntensive(
    @Param('id') id: string,
    @Body() b: dto.IntensiveEndDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'EndIntensiveAccompaniment', ...b }, who, h);
  }

  @Command(
    'orientation',
    'HoldJointReview',
    "Enregistrer l'examen par l'équipe pluridisciplinaire (L262-31)",
    "Examen de la situation d'un allocataire orienté vers le parcours social. Refus : " +
      'JOINT_REVIEW_NOT_AWAITED, JOINT_REVIEW_BEFORE_CONTRACT.',
  )
  @Post(':id/joint-review')
  jointReview(
    @Param('id') id: string,
    @Body() b: dto.JointReviewDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'HoldJointReview', ...b }, who, h);
  }

  @Command(
    'orientation',
    'ExtendJointReview',
    "Porter l'examen pluridisciplinaire à 12 mois",
    'Refus : JOINT_REVIEW_NOT_AWAITED, JOINT_REVIEW_ALREADY_EXTENDED, JOINT_REVIEW_BEFORE_CONTRACT, JOINT_REVIEW_EXTENSION_TOO_LATE.',
  )
  @Post(':id/joint-review/extension')
  extendJointReview(
    @Param('id') id: string,
    @Body() b: dto.JointReviewExtensionDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'ExtendJointReview', ...b }, who, h);
  }

  @Command(
    'orientation',
    'OrientToGlobalAccompaniment',
    "Orienter vers l'accompagnement global",
    'Refus : GLOBAL_BEFORE_ORIENTATION, GLOBAL_ACCOMPANIMENT_ALREADY_OPEN, GLOBAL_BEFORE_PREVIOUS_END.',
  )
  @Post(':id/global-accompaniment/orientation')
  orientToGlobal(
    @Param('id') id: string,
    @Body() b: dto.GlobalAccompanimentOrientationDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'OrientToGlobalAccompaniment', ...b }, who, h);
  }

  @Command(
    'orientation',
    'StartGlobalAccompaniment',
    "Démarrer l'accompagnement global avec son binôme",
    'Refus : GLOBAL_ACCOMPANIMENT_NOT_ORIENTED, GLOBAL_START_BEFORE_ORIENTATION.',
  )
  @Post(':id/global-accompaniment/start')
  startGlobal(
    @Param('id') id: string,
    @Body() b: dto.GlobalAccompanimentStartDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'StartGlobalAccompaniment', ...b }, who, h);
  }

  @Command(
    'orientation',
    'EndGlobalAccompaniment',
    "Terminer l'accompagnement global",
    'Refus : GLOBAL_ACCOMPANIMENT_NOT_OPEN, GLOBAL_END_BEFORE_START.',
  )
  @Post(':id/global-accompaniment/end')
  endGlobal(
    @Param('id') id: string,
    @Body() b: dto.GlobalAccompanimentEndDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'EndGlobalAccompaniment', ...b }, who, h);
  }

  @Command(
    'orientation',
    'InterruptAccompaniment',
    "Interrompre l'accompagnement",
    'Avec un motif de la liste. Refus : INTERRUPTION_BEFORE_ORIENTATION.',
  )
  @Post(':id/interruption')
  interrupt(
    @Param('id') id: string,
    @Body() b: dto.InterruptionDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'InterruptAccompaniment', ...b }, who, h);
  }

  @Command(
    'orientation',
    'RecordBalancedReview',
    'Enregistrer le bilan du parcours socio-professionnel',
    'Refus : BALANCED_REVIEW_REQUIRES_BALANCED_TRACK, REVIEW_BEFORE_ORIENTATION.',
  )
  @Post(':id/balanced-review')
  balancedReview(
    @Param('id') id: string,
    @Body() b: dto.BalancedReviewDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'RecordBalancedReview', ...b }, who, h);
  }

  @Command(
    'contrats',
    'PrescribeAction',
    "Prescrire une action d'insertion",
    "L'action doit figurer au référentiel. Répond prescriptionId. Refus : ACTION_UNKNOWN.",
  )
  @Post(':id/prescriptions')
  prescribe(
    @Param('id') id: string,
    @Body() b: dto.PrescriptionDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'PrescribeAction', ...b }, who, h);
  }

  @Command(
    'contrats',
    'EnterAction',
    "Enregistrer l'entrée dans une action prescrite",
    'Refus : PRESCRIPTION_NOT_FOUND (404), ACTION_ALREADY_ENTERED, ENTRY_BEFORE_PRESCRIPTION.',
  )
  @Post(':id/prescriptions/:pid/entry')
  enterAction(
    @Param('id') id: string,
    @Param('pid') pid: string,
    @Body() b: dto.ActionEntryDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'EnterAction', prescriptionId: pid, ...b }, who, h);
  }

  @Command(
    'contrats',
    'ExitAction',
    "Enregistrer la sortie d'une action et son résultat",
    'Refus : PRESCRIPTION_NOT_FOUND (404), ACTION_NOT_ENTERED, ACTION_ALREADY_EXITED, EXIT_BEFORE_ENTRY.',
  )
  @Post(':id/prescriptions/:pid/exit')
  exitAction(
    @Param('id') id: string,
    @Param('pid') pid: string,
    @Body() b: dto.ActionExitDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'ExitAction', prescriptionId: pid, ...b }, who, h);
  }

  @Command(
    'contrats',
    'StartEmployment',
    "Enregistrer une reprise d'emploi",
    'Répond employmentId. Refus : DATE_BEFORE_ENTRY, DATE_IN_FUTURE.',
  )
  @Post(':id/employment')
  employment(
    @Param('id') id: string,
    @Body() b: dto.EmploymentDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'StartEmployment', ...b }, who, h);
  }

  @Command(
    'contrats',
    'EndEmployment',
    "Enregistrer la fin d'un emploi",
    'Refus : EMPLOYMENT_NOT_FOUND (404), EMPLOYMENT_ALREADY_ENDED, EMPLOYMENT_END_BEFORE_START.',
  )
  @Post(':id/employment/:eid/end')
  endEmployment(
    @Param('id') id: string,
    @Param('eid') eid: string,
    @Body() b: dto.EmploymentEndDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'EndEmployment', employmentId: eid, ...b }, who, h);
  }

  @Command(
    'orientation',
    'RequestReorientation',
    'Demander une réorientation',
    'Une seule demande en attente à la fois. Répond requestId. Refus : REORIENTATION_ALREADY_PENDING.',
  )
  @Post(':id/reorientation-requests')
  requestReorientation(
    @Param('id') id: string,
    @Body() b: dto.ReorientationRequestDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'RequestReorientation', ...b }, who, h);
  }

  @Command(
    'orientation',
    'DecideReorientation',
    "Décider d'une demande de réorientation",
    "Acceptée : le nouveau parcours et l'organisme sont requis. Refus : " +
      'REORIENTATION_REQUEST_NOT_FOUND (404), REORIENTATION_ALREADY_DECIDED, ' +
      'DECISION_BEFORE_REQUEST, REORIENTATION_TARGET_REQUIRED.',
  )
  @Post(':id/reorientation-requests/:rid/decision')
  decideReorientation(
    @Param('id') id: string,
    @Param('rid') rid: string,
    @Body() b: dto.ReorientationDecisionDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'DecideReorientation', requestId: rid, ...b }, who, h);
  }

  @Command(
    'contrats',
    'GrantExemption',
    "Accorder une dispense d'heures d'activité",
    'Pour un motif de la liste, sur une période. Refus : EXEMPTION_END_BEFORE_START.',
  )
  @Post(':id/exemptions')
  exemption(
    @Param('id') id: string,
    @Body() b: dto.ExemptionDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'GrantExemption', ...b }, who, h);
  }

  @Command(
    'sanctions',
    'ReportBreach',
    'Signaler un manquement',
    "L'obligation doit être légale ou figurer au contrat en vigueur, et non " +
      'dispensée ; pour les heures d’activité, weeks cite les semaines déclarées en dessous du plan sans motif. ' +
      'Répond breachId. Refus : REPORT_BEFORE_BREACH, BREACH_OBLIGATION_NOT_IN_CONTRACT, ' +
      'BREACH_OBLIGATION_EXEMPTED, BREACH_WEEKS_ONLY_FOR_ACTIVITY_HOURS, BREACH_WEEK_NOT_SHORT, BREACH_WEEK_EXEMPTED, ' +
      'BREACH_CONVOCATION_REQUIRED, BREACH_CONVOCATION_NOT_MISSED, BREACH_CONVOCATION_ONLY_FOR_MISSED_APPOINTMENT.',
  )
  @Post(':id/breaches')
  reportBreach(
    @Param('id') id: string,
    @Body() b: dto.BreachDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'ReportBreach', ...b }, who, h);
  }

  @Command(
    'sanctions',
    'InformOfBreach',
    "Informer l'allocataire du manquement relevé",
    "Ouvre le délai d'observations. Refus : BREACH_NOT_FOUND (404), " +
      'BREACH_ALREADY_DECIDED, BREACH_ALREADY_INFORMED, INFORMED_BEFORE_REPORT.',
  )
  @Post(':id/breaches/:bid/information')
  informOfBreach(
    @Param('id') id: string,
    @Param('bid') bid: string,
    @Body() b: dto.BreachInformationDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'InformOfBreach', breachId: bid, ...b }, who, h);
  }

  @Command(
    'sanctions',
    'ReceiveObservations',
    "Enregistrer les observations de l'allocataire",
    'Refus : BREACH_NOT_FOUND (404), BENEFICIARY_NOT_INFORMED, STEP_BEFORE_INFORMATION, OBSERVATIONS_ALREADY_RECEIVED.',
  )
  @Post(':id/breaches/:bid/observations')
  observations(
    @Param('id') id: string,
    @Param('bid') bid: string,
    @Body() b: dto.BreachObservationsDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'ReceiveObservations', breachId: bid, ...b }, who, h);
  }

  @Command(
    'sanctions',
    'GiveEpOpinion',
    "Enregistrer l'avis de l'équipe pluridisciplinaire sur un manquement",
    "Après le délai d'observations. Refus : BREACH_NOT_FOUND (404), " +
      'BENEFICIARY_NOT_INFORMED, EP_OPINION_ALREADY_GIVEN, OBSERVATION_PERIOD_RUNNING.',
  )
  @Post(':id/breaches/:bid/ep-opinion')
  epOpinion(
    @Param('id') id: string,
    @Param('bid') bid: string,
    @Body() b: dto.EpOpinionDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'GiveEpOpinion', breachId: bid, ...b }, who, h);
  }

  @Command(
    'sanctions',
    'DecideBreach',
    "Décider d'une sanction (suspension) ou d'un classement",
    'Barème : part et durée selon le paramétrage, plafond pour un parent isolé ; avis ' +
      "de l'EP requis selon le cas. Répond sanctionId. Refus : BREACH_NOT_FOUND (404), " +
      'OBSERVATION_PERIOD_RUNNING, DECISION_BEFORE_OBSERVATIONS, ' +
      'DECISION_BEFORE_EP_OPINION, EP_OPINION_REQUIRED, SANCTION_SHARE_OUT_OF_SCALE, ' +
      'SANCTION_SHARE_ABOVE_HOUSEHOLD_CAP, SANCTION_DURATION_OUT_OF_SCALE, ' +
      'SUSPENSION_BEFORE_DECISION.',
  )
  @Post(':id/breaches/:bid/decision')
  decideBreach(
    @Param('id') id: string,
    @Param('bid') bid: string,
    @Body() b: dto.BreachDecisionDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'DecideBreach', breachId: bid, ...b }, who, h);
  }

  @Command(
    'sanctions',
    'LiftSuspension',
    'Lever une suspension après remobilisation',
    'Reversement des mois suspendus selon la décision. Refus : SANCTION_NOT_FOUND ' +
      '(404), SANCTION_NOT_IN_PROGRESS, REMOBILISATION_OUTSIDE_SUSPENSION, ' +
      'REPAYMENT_OUT_OF_RANGE.',
  )
  @Post(':id/sanctions/:sid/remobilisation')
  remobilisation(
    @Param('id') id: string,
    @Param('sid') sid: string,
    @Body() b: dto.RemobilisationDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'LiftSuspension', sanctionId: sid, ...b }, who, h);
  }

  @Command(
    'sanctions',
    'GiveSuppressionEpOpinion',
    "Enregistrer l'avis de l'EP avant une suppression",
    'Refus : SANCTION_NOT_FOUND (404), EP_OPINION_ALREADY_GIVEN, OPINION_BEFORE_SUSPENSION.',
  )
  @Post(':id/sanctions/:sid/ep-opinion')
  suppressionOpinion(
    @Param('id') id: string,
    @Param('sid') sid: string,
    @Body() b: dto.SuppressionEpOpinionDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'GiveSuppressionEpOpinion', sanctionId: sid, ...b }, who, h);
  }

  @Command(
    'sanctions',
    'AppealSanction',
    'Enregistrer un recours administratif préalable (L262-47)',
    'Refus : SANCTION_NOT_FOUND (404), SANCTION_WITHDRAWN, SANCTION_ALREADY_APPEALED, APPEAL_BEFORE_DECISION.',
  )
  @Post(':id/sanctions/:sid/appeal')
  appeal(
    @Param('id') id: string,
    @Param('sid') sid: string,
    @Body() b: dto.SanctionAppealDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'AppealSanction', sanctionId: sid, ...b }, who, h);
  }

  @Command(
    'sanctions',
    'WithdrawSanction',
    'Retirer ou annuler une sanction',
    "Retrait par l'administration ou annulation après recours. Refus : " +
      'SANCTION_NOT_FOUND (404), SANCTION_WITHDRAWN, WITHDRAWAL_BEFORE_DECISION.',
  )
  @Post(':id/sanctions/:sid/withdrawal')
  withdraw(
    @Param('id') id: string,
    @Param('sid') sid: string,
    @Body() b: dto.SanctionWithdrawalDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'WithdrawSanction', sanctionId: sid, ...b }, who, h);
  }

  @Command(
    'sanctions',
    'MakeSuspensionDefinitive',
    'Rendre une suspension définitive (suppression ou radiation)',
    "À la fin de la suspension, après avis de l'EP. Refus : SANCTION_NOT_FOUND (404), " +
      'SUPPRESSION_BEFORE_SUSPENSION_END, EP_OPINION_REQUIRED, ' +
      'DECISION_BEFORE_EP_OPINION.',
  )
  @Post(':id/sanctions/:sid/definitive')
  definitive(
    @Param('id') id: string,
    @Param('sid') sid: string,
    @Body() b: dto.DefinitiveSuspensionDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'MakeSuspensionDefinitive', sanctionId: sid, ...b }, who, h);
  }

  @Command(
    'parcours',
    'ExitRsa',
    'Enregistrer la sortie du RSA (fin de versement)',
    "L'accompagnement peut se poursuivre quelques mois après la sortie (paramètre). Refus : RSA_ALREADY_EXITED.",
  )
  @Post(':id/exit')
  exit(
    @Param('id') id: string,
    @Body() b: dto.ExitDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'ExitRsa', ...b }, who, h);
  }

  @Command(
    'parcours',
    'EndAccompaniment',
    "Clore l'accompagnement après la sortie du RSA",
    'Refus : ACCOMPANIMENT_END_REQUIRES_EXIT, END_BEFORE_EXIT, ACCOMPANIMENT_END_TOO_LATE.',
  )
  @Post(':id/accompaniment-end')
  endAccompaniment(
    @Param('id') id: string,
    @Body() b: dto.AccompanimentEndDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'EndAccompaniment', ...b }, who, h);
  }

  @Command(
    'parcours',
    'Transfer',
    'Transférer le parcours vers un autre département',
    'Le parcours est ensuite clos ici (PARCOURS_TRANSFERRED pour toute commande suivante).',
  )
  @Post(':id/transfer')
  transfer(
    @Param('id') id: string,
    @Body() b: dto.TransferDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ) {
    return this.run(id, { type: 'Transfer', ...b }, who, h);
  }
}

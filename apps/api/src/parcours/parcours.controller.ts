import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Identity } from '@parcours/auth';
import { Barrier, BARRIERS, ParcoursCommand } from '@parcours/domain';
import { parcoursInPath, PersonalData } from '../audit/personal-data';
import { AllowRoles, CurrentIdentity } from '../http/auth.guard';
import { Problem } from '../http/problem';
import { CommandHeaders, CommandHeadersOf } from '../http/request-context';
import { CommandResult, ExecuteParcoursCommand } from './execute-parcours-command';
import * as dto from './parcours.dto';
import { GetParcours, GetParcoursHistory } from './parcours.queries';

/**
 * The parcours of one person: each POST is a command, answered 201 with the
 * new revision and the ids it created. Rules refused: 422 with the rule's code.
 */
@ApiTags('parcours')
@ApiBearerAuth()
@ApiHeader({ name: 'If-Match', required: false, description: 'Révision attendue du parcours (409 sinon)' })
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Une requête rejouée avec la même clé renvoie la première réponse' })
@Controller('api/parcours')
@AllowRoles('referent', 'slai', 'departement', 'system')
export class ParcoursController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  private run(id: string | undefined, command: ParcoursCommand, who: Identity, h: CommandHeaders): Promise<CommandResult> {
    return this.commands.execute(new ExecuteParcoursCommand(id, command, who, h));
  }

  @Post()
  enter(@Body() b: dto.EntryDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(undefined, { type: 'Enter', ...b }, who, h);
  }

  @Get(':id')
  @PersonalData(parcoursInPath('id'))
  get(@Param('id') id: string, @CurrentIdentity() who: Identity) {
    return this.queries.execute(new GetParcours(id, who));
  }

  @Get(':id/history')
  @PersonalData(parcoursInPath('id'))
  history(@Param('id') id: string, @CurrentIdentity() who: Identity) {
    return this.queries.execute(new GetParcoursHistory(id, who));
  }

  @Post(':id/reentry')
  reenter(@Param('id') id: string, @Body() b: dto.ReentryDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'Reenter', ...b }, who, h);
  }

  @Post(':id/household')
  changeHousehold(@Param('id') id: string, @Body() b: dto.HouseholdChangeDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'ChangeHousehold', ...b }, who, h);
  }

  @Post(':id/france-travail-registration')
  registerFt(@Param('id') id: string, @Body() b: dto.FranceTravailRegistrationDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'RegisterWithFranceTravail', ...b }, who, h);
  }

  @Post(':id/orientations')
  orient(@Param('id') id: string, @Body() b: dto.OrientationDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'Orient', ...b }, who, h);
  }

  @Post(':id/referent')
  assignReferent(@Param('id') id: string, @Body() b: dto.ReferentAssignmentDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'AssignReferent', ...b }, who, h);
  }

  @Post(':id/appointments')
  schedule(@Param('id') id: string, @Body() b: dto.AppointmentDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'ScheduleAppointment', ...b }, who, h);
  }

  @Post(':id/appointments/:aid/held')
  held(@Param('id') id: string, @Param('aid') aid: string, @Body() b: dto.AppointmentHeldDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'RecordAppointmentHeld', appointmentId: aid, ...b }, who, h);
  }

  @Post(':id/appointments/:aid/missed')
  missed(@Param('id') id: string, @Param('aid') aid: string, @Body() b: dto.AppointmentMissedDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'RecordAppointmentMissed', appointmentId: aid, ...b }, who, h);
  }

  @Post(':id/appointments/:aid/cancelled')
  cancelled(@Param('id') id: string, @Param('aid') aid: string, @Body() b: dto.AppointmentCancelledDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'CancelAppointment', appointmentId: aid, ...b }, who, h);
  }

  @Post(':id/diagnostics')
  diagnostic(@Param('id') id: string, @Body() b: dto.DiagnosticDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'RecordDiagnostic', ...b }, who, h);
  }

  @Post(':id/barriers/:code/lifted')
  liftBarrier(@Param('id') id: string, @Param('code') code: string, @Body() b: dto.BarrierLiftedDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    if (!(BARRIERS as readonly string[]).includes(code)) {
      throw new Problem({ statusCode: 400, code: 'VALIDATION_FAILED', message: `Frein inconnu : ${BARRIERS.join(', ')}.`, field: 'code' });
    }
    return this.run(id, { type: 'LiftBarrier', barrier: code as Barrier, ...b }, who, h);
  }

  @Post(':id/contracts')
  sign(@Param('id') id: string, @Body() b: dto.ContractDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'SignContract', ...b }, who, h);
  }

  @Post(':id/contracts/:cid/review')
  review(@Param('id') id: string, @Param('cid') cid: string, @Body() b: dto.ContractReviewDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'ReviewContract', contractId: cid, ...b }, who, h);
  }

  @Post(':id/intensive-accompaniment')
  startIntensive(@Param('id') id: string, @Body() b: dto.IntensiveStartDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'StartIntensiveAccompaniment', ...b }, who, h);
  }

  @Post(':id/intensive-accompaniment/end')
  endIntensive(@Param('id') id: string, @Body() b: dto.IntensiveEndDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'EndIntensiveAccompaniment', ...b }, who, h);
  }

  @Post(':id/joint-review')
  jointReview(@Param('id') id: string, @Body() b: dto.JointReviewDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'HoldJointReview', ...b }, who, h);
  }

  @Post(':id/joint-review/extension')
  extendJointReview(@Param('id') id: string, @Body() b: dto.JointReviewExtensionDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'ExtendJointReview', ...b }, who, h);
  }

  @Post(':id/global-accompaniment/orientation')
  orientToGlobal(@Param('id') id: string, @Body() b: dto.GlobalAccompanimentOrientationDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'OrientToGlobalAccompaniment', ...b }, who, h);
  }

  @Post(':id/global-accompaniment/start')
  startGlobal(@Param('id') id: string, @Body() b: dto.GlobalAccompanimentStartDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'StartGlobalAccompaniment', ...b }, who, h);
  }

  @Post(':id/global-accompaniment/end')
  endGlobal(@Param('id') id: string, @Body() b: dto.GlobalAccompanimentEndDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'EndGlobalAccompaniment', ...b }, who, h);
  }

  @Post(':id/interruption')
  interrupt(@Param('id') id: string, @Body() b: dto.InterruptionDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'InterruptAccompaniment', ...b }, who, h);
  }

  @Post(':id/balanced-review')
  balancedReview(@Param('id') id: string, @Body() b: dto.BalancedReviewDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'RecordBalancedReview', ...b }, who, h);
  }

  @Post(':id/prescriptions')
  prescribe(@Param('id') id: string, @Body() b: dto.PrescriptionDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'PrescribeAction', ...b }, who, h);
  }

  @Post(':id/prescriptions/:pid/entry')
  enterAction(@Param('id') id: string, @Param('pid') pid: string, @Body() b: dto.ActionEntryDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'EnterAction', prescriptionId: pid, ...b }, who, h);
  }

  @Post(':id/prescriptions/:pid/exit')
  exitAction(@Param('id') id: string, @Param('pid') pid: string, @Body() b: dto.ActionExitDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'ExitAction', prescriptionId: pid, ...b }, who, h);
  }

  @Post(':id/employment')
  employment(@Param('id') id: string, @Body() b: dto.EmploymentDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'StartEmployment', ...b }, who, h);
  }

  @Post(':id/employment/:eid/end')
  endEmployment(@Param('id') id: string, @Param('eid') eid: string, @Body() b: dto.EmploymentEndDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'EndEmployment', employmentId: eid, ...b }, who, h);
  }

  @Post(':id/reorientation-requests')
  requestReorientation(@Param('id') id: string, @Body() b: dto.ReorientationRequestDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'RequestReorientation', ...b }, who, h);
  }

  @Post(':id/reorientation-requests/:rid/decision')
  decideReorientation(@Param('id') id: string, @Param('rid') rid: string, @Body() b: dto.ReorientationDecisionDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'DecideReorientation', requestId: rid, ...b }, who, h);
  }

  @Post(':id/exemptions')
  exemption(@Param('id') id: string, @Body() b: dto.ExemptionDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'GrantExemption', ...b }, who, h);
  }

  @Post(':id/breaches')
  reportBreach(@Param('id') id: string, @Body() b: dto.BreachDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'ReportBreach', ...b }, who, h);
  }

  @Post(':id/breaches/:bid/information')
  informOfBreach(@Param('id') id: string, @Param('bid') bid: string, @Body() b: dto.BreachInformationDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'InformOfBreach', breachId: bid, ...b }, who, h);
  }

  @Post(':id/breaches/:bid/observations')
  observations(@Param('id') id: string, @Param('bid') bid: string, @Body() b: dto.BreachObservationsDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'ReceiveObservations', breachId: bid, ...b }, who, h);
  }

  @Post(':id/breaches/:bid/ep-opinion')
  epOpinion(@Param('id') id: string, @Param('bid') bid: string, @Body() b: dto.EpOpinionDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'GiveEpOpinion', breachId: bid, ...b }, who, h);
  }

  @Post(':id/breaches/:bid/decision')
  decideBreach(@Param('id') id: string, @Param('bid') bid: string, @Body() b: dto.BreachDecisionDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'DecideBreach', breachId: bid, ...b }, who, h);
  }

  @Post(':id/sanctions/:sid/remobilisation')
  remobilisation(@Param('id') id: string, @Param('sid') sid: string, @Body() b: dto.RemobilisationDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'LiftSuspension', sanctionId: sid, ...b }, who, h);
  }

  @Post(':id/sanctions/:sid/ep-opinion')
  suppressionOpinion(@Param('id') id: string, @Param('sid') sid: string, @Body() b: dto.SuppressionEpOpinionDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'GiveSuppressionEpOpinion', sanctionId: sid, ...b }, who, h);
  }

  @Post(':id/sanctions/:sid/appeal')
  appeal(@Param('id') id: string, @Param('sid') sid: string, @Body() b: dto.SanctionAppealDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'AppealSanction', sanctionId: sid, ...b }, who, h);
  }

  @Post(':id/sanctions/:sid/withdrawal')
  withdraw(@Param('id') id: string, @Param('sid') sid: string, @Body() b: dto.SanctionWithdrawalDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'WithdrawSanction', sanctionId: sid, ...b }, who, h);
  }

  @Post(':id/sanctions/:sid/definitive')
  definitive(@Param('id') id: string, @Param('sid') sid: string, @Body() b: dto.DefinitiveSuspensionDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'MakeSuspensionDefinitive', sanctionId: sid, ...b }, who, h);
  }

  @Post(':id/exit')
  exit(@Param('id') id: string, @Body() b: dto.ExitDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'ExitRsa', ...b }, who, h);
  }

  @Post(':id/accompaniment-end')
  endAccompaniment(@Param('id') id: string, @Body() b: dto.AccompanimentEndDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'EndAccompaniment', ...b }, who, h);
  }

  @Post(':id/transfer')
  transfer(@Param('id') id: string, @Body() b: dto.TransferDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders) {
    return this.run(id, { type: 'Transfer', ...b }, who, h);
  }
}

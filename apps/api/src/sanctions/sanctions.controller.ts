import { Controller, Get, Inject, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { mayRead, ParcoursRepository, Problem, ReferenceCatalog } from '@parcours/application';
import { Identity } from '@parcours/auth';
import { BusinessDate, ParcoursEvent, parametersAt, upcastParcoursEvent } from '@parcours/domain';
import type { SqlClient } from '@parcours/event-store';
import {
  checkProcedure,
  emptyProcedures,
  evolveProcedures,
  procedureCompliant,
  queryProcedureCompliance,
  StepRecord,
} from '@parcours/projections';
import { SQL } from '@parcours/runtime';
import type { Response } from 'express';
import { parcoursInPath, PersonalData } from '../audit/personal-data';
import { AllowRoles, CurrentIdentity } from '../http/auth.guard';
import { CodeField, DateField } from '../http/fields';
import { Doc, DocumentRoles } from '../http/openapi';
import { textPdf } from '../persons/pdf';
import { checkPeriod } from '../read/report-checks';

export class SanctionFileQuery {
  @CodeField(['json', 'pdf'], false, 'Format : json (par défaut) ou pdf') format?: 'json' | 'pdf';
}

export class ComplianceQuery {
  @DateField(true, 'Début de période des décisions (incluse)', '2025-01-01') from!: string;
  @DateField(true, 'Fin de période des décisions (incluse)', '2025-12-31') to!: string;
  @CodeField(['departement', 'territory', 'organisation'], false) groupBy?:
    'departement' | 'territory' | 'organisation';
}

/** The events of the parcours that the file cites beside the procedure: the contract, the convocation and its deliveries. */
function context(events: ParcoursEvent[], occurredOn: BusinessDate, convocationId: string | undefined) {
  const contract = events
    .filter((e): e is Extract<ParcoursEvent, { type: 'ContractSigned' }> => e.type === 'ContractSigned')
    .filter((e) => e.data.startsOn <= occurredOn && occurredOn <= e.data.endsOn)
    .at(-1)?.data;
  const convocation = events.find(
    (e): e is Extract<ParcoursEvent, { type: 'ConvocationSent' }> =>
      e.type === 'ConvocationSent' && e.data.convocationId === convocationId,
  )?.data;
  const deliveries = events
    .filter(
      (e): e is Extract<ParcoursEvent, { type: 'MessageDeliveryReported' }> =>
        e.type === 'MessageDeliveryReported' && !!convocationId && e.data.messageId === convocationId,
    )
    .map((e) => ({ channel: e.data.channel, outcome: e.data.outcome, reportedOn: e.data.reportedOn }));
  return { contract, convocation, deliveries };
}

/**
 * The sanction's legal file, and the procedural compliance of sanctions: a
 * suspension cuts a person's income and can be contested before the
 * administrative tribunal; the Département shows that every step came in the
 * legal order and within its delays.
 */
@DocumentRoles()
@ApiBearerAuth()
@Controller('api')
export class SanctionsController {
  constructor(
    private readonly repository: ParcoursRepository,
    private readonly catalog: ReferenceCatalog,
    @Inject(SQL) private readonly sql: SqlClient,
  ) {}

  private async parametersOn() {
    const versions = (await this.catalog.current()).parameterVersions;
    return (date: BusinessDate) => parametersAt(versions, date);
  }

  @Doc(
    'sanctions',
    'Produire le dossier juridique d’une sanction',
    'Chaque étape de la procédure (manquement à une obligation du contrat en vigueur, convocation et sa remise, ' +
      'information, délai et observations, avis de l’EP, décision et son taux, remobilisation et reversement, ' +
      'suppression, recours, retrait ou annulation) avec sa date métier, sa date d’enregistrement, son auteur, la ' +
      'règle qu’elle satisfait et son article (L262-37, R262-68 et suivants, L262-47 CASF). En JSON ou en PDF ' +
      '(`format=pdf`). Les données de la personne n’y figurent plus après son effacement. Lecture journalisée ' +
      '(audit). Refus : PARCOURS_NOT_FOUND, SANCTION_NOT_FOUND (404).',
  )
  @Get('parcours/:id/sanctions/:sanctionId/file')
  @AllowRoles('departement', 'slai')
  @PersonalData(parcoursInPath())
  async file(
    @Param('id') id: string,
    @Param('sanctionId') sanctionId: string,
    @Query() q: SanctionFileQuery,
    @CurrentIdentity() who: Identity,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { state, events } = await this.repository.load(id);
    if (state.status === 'none') throw Problem.notFound('PARCOURS_NOT_FOUND', "Ce parcours n'existe pas.");
    if (!mayRead(who, state)) throw Problem.forbidden();
    // Upcast once: the procedure's fold and the file's context read the same events.
    const typed = events.map((e) => upcastParcoursEvent(e) as ParcoursEvent);
    const doc = emptyProcedures();
    typed.forEach((e, i) => evolveProcedures(doc, e, events[i].metadata));
    const record = doc.breaches.find((b) => b.sanctionId === sanctionId);
    if (!record)
      throw Problem.notFound('SANCTION_NOT_FOUND', "Cette sanction n'existe pas dans ce parcours.");
    const steps = checkProcedure(record, await this.parametersOn());
    const { contract, convocation, deliveries } = context(typed, record.occurredOn, record.convocationId);
    const person = state.erased
      ? { erased: true as const }
      : {
          lastName: state.person?.lastName,
          firstName: state.person?.firstName,
          birthDate: state.person?.birthDate,
        };
    const file = {
      parcoursId: id,
      sanctionId,
      breachId: record.breachId,
      person,
      territory: record.territory,
      organisationId: record.organisationId,
      breach: {
        kind: record.kind,
        obligation: record.obligation,
        occurredOn: record.occurredOn,
        ...(record.weeks ? { weeks: record.weeks } : {}),
        /** The contract in force on the day of the manquement, and whether the obligation is one of its objectives. */
        contract: contract
          ? {
              contractId: contract.contractId,
              signedOn: contract.signedOn,
              startsOn: contract.startsOn,
              endsOn: contract.endsOn,
              objectives: contract.objectives,
              obligationInContract: contract.objectives.includes(record.obligation),
            }
          : null,
      },
      convocation: convocation
        ? {
            convocationId: convocation.convocationId,
            sentOn: convocation.sentOn,
            channels: convocation.channels,
            ...(convocation.time ? { time: convocation.time } : {}),
            deliveries,
          }
        : null,
      steps,
      compliant: procedureCompliant(steps),
    };
    if (q.format !== 'pdf') return file;
    res.setHeader('Content-Disposition', `attachment; filename="dossier-sanction-${sanctionId}.pdf"`);
    return new StreamableFile(textPdf(fileLines(file)), { type: 'application/pdf' });
  }

  @Doc(
    'sanctions',
    'Mesurer la conformité des procédures de sanction',
    'Pour les suspensions décidées dans la période, par territoire ou organisme : part dont chaque étape est venue ' +
      'dans l’ordre légal et dans son délai, médiane des jours du manquement à la décision, part des décisions ' +
      'contestées et, parmi elles, part retirées ou annulées. Un SLAI ne voit que son territoire. Refus : ' +
      'PERIOD_END_BEFORE_START (422).',
  )
  @Get('sanctions/compliance')
  @AllowRoles('departement', 'slai')
  async compliance(@CurrentIdentity() who: Identity, @Query() q: ComplianceQuery) {
    checkPeriod(q.from, q.to);
    const groups = await queryProcedureCompliance(
      this.sql,
      { from: q.from, to: q.to },
      await this.parametersOn(),
      {
        groupBy: q.groupBy,
        territory: who.role === 'slai' ? who.territory : undefined,
      },
    );
    return { from: q.from, to: q.to, groupBy: q.groupBy ?? 'departement', groups };
  }
}

const recordLine = (r: StepRecord) =>
  `date ${r.on}, enregistrée le ${r.recordedAt ?? '?'} par ${r.actor ?? '?'} (${r.role ?? '?'})`;

/** The legal file as the lines of a letter. */
function fileLines(f: {
  parcoursId: string;
  sanctionId: string;
  person: { erased: true } | { lastName?: string; firstName?: string; birthDate?: string };
  territory: string;
  organisationId: string | null;
  breach: {
    kind: string;
    obligation: string;
    occurredOn: string;
    contract: { contractId: string; signedOn: string } | null;
  };
  convocation: {
    convocationId: string;
    sentOn: string;
    deliveries: { channel: string; outcome: string; reportedOn: string }[];
  } | null;
  steps: ReturnType<typeof checkProcedure>;
  compliant: boolean;
}): string[] {
  const who =
    'erased' in f.person
      ? 'Personne : données effacées'
      : `Personne : ${f.person.firstName} ${f.person.lastName}, née le ${f.person.birthDate}`;
  return [
    'Dossier de procédure de sanction (suspension-remobilisation)',
    `Parcours ${f.parcoursId} — sanction ${f.sanctionId}`,
    who,
    `Territoire ${f.territory} — organisme référent ${f.organisationId ?? 'aucun'}`,
    '',
    `Obligation : ${f.breach.obligation} (${f.breach.kind}), manquement du ${f.breach.occurredOn}`,
    f.breach.contract
      ? `Contrat en vigueur : ${f.breach.contract.contractId}, signé le ${f.breach.contract.signedOn}`
      : 'Aucun contrat en vigueur : obligation légale',
    ...(f.convocation
      ? [
          `Convocation ${f.convocation.convocationId} envoyée le ${f.convocation.sentOn}`,
          ...f.convocation.deliveries.map((d) => `  remise ${d.channel} : ${d.outcome} (${d.reportedOn})`),
        ]
      : []),
    '',
    'Étapes :',
    ...f.steps.flatMap((s) => [
      `${s.satisfied ? '[conforme]' : '[NON CONFORME]'} ${s.label}`,
      `  ${s.record ? recordLine(s.record) : 'étape de délai'}`,
      `  Règle : ${s.rule} — ${s.article}`,
    ]),
    '',
    f.compliant
      ? 'Procédure conforme : chaque étape dans l’ordre légal et dans son délai.'
      : 'Procédure NON conforme.',
  ];
}

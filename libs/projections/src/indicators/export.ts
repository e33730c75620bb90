import { createHmac } from 'node:crypto';
import { BusinessDate } from '@parcours/domain';
import { CycleFacts } from '../parcours-view/view';
import { DefinitionVersion, FAMILIES, Family, INDICATORS } from './definitions';
import { IndicatorReport } from './compute';
import {
  accompaniedDuring,
  ageBand,
  ageOn,
  firstAppointment,
  firstContract,
  firstOrientation,
  Period,
} from './facts';

/**
 * Files for the État: one table per national family of indicators, and the
 * pseudonymised individual extract. CSV files start with "#" lines describing
 * each column and the definitions' version (pandas: comment="#"; R: comment.char="#").
 */

export interface ExportFile {
  name: string;
  content: string;
}

const INDICATOR_COLUMNS: [string, string][] = [
  ['family', "famille d'indicateurs"],
  ['code', "code stable de l'indicateur"],
  [
    'definition_version',
    'version de la définition selon laquelle le chiffre de la ligne est calculé (voir les définitions en tête du fichier)',
  ],
  ['label', 'libellé'],
  ['unit', 'unité : count, share (0–1), days, hours, per_person_month'],
  ['group_by', 'niveau : departement, territory, organisation, referent'],
  ['group', 'valeur du niveau (all pour le département)'],
  [
    'breakdown',
    'détail (vide pour la ligne principale ; pour la même mesure selon une autre ' +
      'version en vigueur dans la période : definition_version:N, parameters_version:N, ' +
      'ou les deux séparés par ;)',
  ],
  ['numerator', 'numérateur'],
  ['denominator', 'dénominateur'],
  ['value', 'valeur'],
  ['period_from', 'début de période (inclus)'],
  ['period_to', 'fin de période (incluse)'],
  ['as_of', 'données connues à cette date (vide : à la date de l’extraction)'],
  ['parameters', 'paramètres utilisés (JSON)'],
];

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' ? String(Math.round(value * 1e6) / 1e6) : String(value);
  return /[",\n#]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header: string[], description: string[], rows: unknown[][]): string {
  return (
    [
      ...description.map((d) => `# ${d}`),
      header.join(','),
      ...rows.map((r) => r.map(csvCell).join(',')),
    ].join('\n') + '\n'
  );
}

function indicatorRows(report: IndicatorReport, family: Family): unknown[][] {
  const rows: unknown[][] = [];
  const familyCodes = new Set(INDICATORS.filter((d) => d.family === family).map((d) => d.code));
  for (const g of report.groups) {
    for (const i of g.indicators.filter((x) => familyCodes.has(x.code))) {
      const head = (version: number) => [
        family,
        i.code,
        version,
        versionOf(i.code, version).label,
        i.unit,
        report.groupBy,
        g.group,
      ];
      const tail = (parameters: Record<string, unknown>) => [
        report.from,
        report.to,
        report.asOf ?? '',
        JSON.stringify(parameters),
      ];
      rows.push([...head(i.version), '', i.numerator, i.denominator, i.value, ...tail(i.parameters)]);
      for (const [key, n] of Object.entries(i.breakdown ?? {}))
        rows.push([...head(i.version), key, n, null, n, ...tail(i.parameters)]);
      for (const o of i.otherVersions ?? []) {
        // The row says what differs from the main figure; its definition_version column names the definition it is computed under.
        const differs = [
          ...(o.definitionVersion !== i.version ? [`definition_version:${o.definitionVersion}`] : []),
          ...(o.parametersVersion !== report.parametersVersion
            ? [`parameters_version:${o.parametersVersion}`]
            : []),
        ];
        rows.push([
          ...head(o.definitionVersion),
          differs.join(';'),
          o.numerator,
          o.denominator,
          o.value,
          ...tail(o.parameters),
        ]);
      }
    }
  }
  return rows;
}

function versionOf(code: string, version: number): DefinitionVersion {
  return INDICATORS.find((d) => d.code === code)!.versions.find((v) => v.version === version)!;
}

/** The definition versions the report's figures of a family are computed under, main and side by side. */
function versionsUsed(report: IndicatorReport, family: Family) {
  const used = new Map<string, { code: string; v: DefinitionVersion }>();
  const familyCodes = new Set(INDICATORS.filter((d) => d.family === family).map((d) => d.code));
  for (const i of report.groups.flatMap((g) => g.indicators).filter((x) => familyCodes.has(x.code))) {
    for (const version of [i.version, ...(i.otherVersions ?? []).map((o) => o.definitionVersion)])
      used.set(`${i.code}@${version}`, { code: i.code, v: versionOf(i.code, version) });
  }
  return [...used.values()].sort((a, b) => a.code.localeCompare(b.code) || a.v.version - b.v.version);
}

export function exportIndicators(report: IndicatorReport, format: 'csv' | 'json'): ExportFile[] {
  return (Object.keys(FAMILIES) as Family[]).map((family) => {
    const rows = indicatorRows(report, family);
    const name = `indicators-${family}-${report.from}-${report.to}.${format}`;
    if (format === 'json') {
      const keys = INDICATOR_COLUMNS.map(([k]) => k);
      return {
        name,
        content: JSON.stringify(
          {
            family,
            title: FAMILIES[family],
            definitionsVersion: report.definitionsVersion,
            parametersVersion: report.parametersVersion,
            columns: Object.fromEntries(INDICATOR_COLUMNS),
            definitions: versionsUsed(report, family).map(({ code, v }) => ({
              code,
              version: v.version,
              effectiveFrom: v.effectiveFrom,
              label: v.label,
              unit: v.unit,
              definition: v.definition,
              change: v.change ?? null,
              parameters: v.parameters,
            })),
            rows: rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i] ?? null]))),
          },
          null,
          2,
        ),
      };
    }
    const description = [
      `${FAMILIES[family]} — du ${report.from} au ${report.to}${report.asOf ? `, données connues au ${report.asOf}` : ''}`,
      `version des définitions : ${report.definitionsVersion} (chaque ligne nomme la sienne, colonne definition_version) ; version des ` +
        `paramètres : ${report.parametersVersion}`,
      ...INDICATOR_COLUMNS.map(([k, d]) => `${k} : ${d}`),
      ...versionsUsed(report, family).map(
        ({ code, v }) =>
          `définition ${code} version ${v.version} (périodes finissant à partir du ${v.effectiveFrom}) : ${v.definition}`,
      ),
    ];
    return {
      name,
      content: csv(
        INDICATOR_COLUMNS.map(([k]) => k),
        description,
        rows,
      ),
    };
  });
}

/** Keyed hash: stable across extracts, irreversible without the Département's key. */
export function pseudonym(parcoursId: string, key: string): string {
  return createHmac('sha256', key).update(parcoursId).digest('hex').slice(0, 32);
}

const EXTRACT_COLUMNS: [string, string][] = [
  [
    'pseudo_id',
    'identifiant pseudonymisé (HMAC-SHA256 avec la clé du Département), stable d’un extrait à l’autre',
  ],
  ['cycle', 'numéro du cycle (entrée → sortie)'],
  ['age_band', 'tranche d’âge à la fin de la période'],
  ['sex', 'sexe'],
  ['household_type', 'type de foyer'],
  ['territory', 'territoire'],
  ['track', 'parcours de la première orientation du cycle'],
  ['demand_on', 'date de la demande de RSA'],
  ['entered_on', "date d'entrée (transmission CAF)"],
  ['first_orientation_on', 'date de notification de la première orientation'],
  ['first_organisation_kind', "type d'organisme de la première orientation"],
  ['first_appointment_on', 'date du premier rendez-vous fixé après l’orientation'],
  ['first_contract_on', 'date de signature du premier contrat'],
  ['reorientations', 'nombre de réorientations'],
  ['reorientation_dates', 'dates des réorientations (séparées par ;)'],
  ['suspensions', 'nombre de suspensions décidées'],
  ['exited_on', 'date de fin de versement'],
];

/**
 * One row per parcours cycle accompanied or entered in the period. No name,
 * no NIR, no free text, no date of birth: an age band only.
 */
export function pseudonymisedExtract(
  facts: CycleFacts[],
  period: Period,
  key: string,
  monthsAfterExit: number,
  format: 'csv' | 'json',
  asOf?: BusinessDate,
): ExportFile {
  const rows = facts
    .filter(
      (c) =>
        accompaniedDuring(c, period, monthsAfterExit) ||
        (c.enteredOn >= period.from && c.enteredOn <= period.to),
    )
    .map((c) => {
      const o = firstOrientation(c);
      const reorientations = c.orientations.filter((x) => x.reorientation);
      return [
        pseudonym(c.parcoursId, key),
        c.cycle,
        ageBand(ageOn(c.birthDate, period.to)),
        c.sex,
        c.householdType,
        c.territory,
        o?.track ?? '',
        c.demandOn,
        c.enteredOn,
        o?.notifiedOn ?? '',
        o?.organisationKind ?? '',
        firstAppointment(c)?.scheduledFor ?? '',
        firstContract(c)?.signedOn ?? '',
        reorientations.length,
        reorientations.map((x) => x.notifiedOn).join(';'),
        c.suspensions.length,
        c.exitedOn ?? '',
      ];
    })
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1]));
  const name = `extract-${period.from}-${period.to}.${format}`;
  if (format === 'json') {
    const keys = EXTRACT_COLUMNS.map(([k]) => k);
    return {
      name,
      content: JSON.stringify(
        {
          from: period.from,
          to: period.to,
          asOf: asOf ?? null,
          columns: Object.fromEntries(EXTRACT_COLUMNS),
          rows: rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i]]))),
        },
        null,
        2,
      ),
    };
  }
  const description = [
    `Extrait individuel pseudonymisé — du ${period.from} au ${period.to}${asOf ? `, données connues au ${asOf}` : ''}`,
    ...EXTRACT_COLUMNS.map(([k, d]) => `${k} : ${d}`),
  ];
  return {
    name,
    content: csv(
      EXTRACT_COLUMNS.map(([k]) => k),
      description,
      rows,
    ),
  };
}

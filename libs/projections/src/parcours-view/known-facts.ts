import { BusinessDate, parisDate } from '@parcours/domain';
import type { SqlQueryable } from '@parcours/event-store';
import type { TableNames } from '../engine/projection';
import { firstAppointment, firstContract, firstOrientation } from '../indicators/facts';
import type { CycleFacts } from './cycle-facts';
import { DatedFact, datedFacts } from './dated-facts';
import { EcheanceRow, echeanceRowsOf } from './portfolio';
import type { ParcoursView } from './view';

/**
 * The facts of each cycle as they were known over time (bitemporal read
 * model): a row per version of a cycle's facts, known from the day the events
 * that made it were recorded (Europe/Paris) until the day a later record
 * changed it (`known_to`, exclusive; null while current). "As known at D" is
 * then a filter, `known_from <= D < known_to`, not a replay of the log.
 *
 * A parcours's events are recorded in order, so an event is known from the
 * latest recording day of its stream so far (a record can never be known
 * before the ones that precede it in its stream).
 */

const dayCache = new Map<string, BusinessDate>();
/** The Paris day of a recording instant; UTC instants cached by the hour (the offset changes only on the hour). */
export function recordedDay(recordedAt: string): BusinessDate {
  if (!recordedAt.endsWith('Z')) return parisDate(new Date(recordedAt));
  const hour = recordedAt.slice(0, 13);
  let day = dayCache.get(hour);
  if (day === undefined) {
    day = parisDate(new Date(recordedAt));
    if (dayCache.size > 100_000) dayCache.clear();
    dayCache.set(hour, day);
  }
  return day;
}

export interface FactVersionRow {
  parcours_id: string;
  cycle: number;
  known_from: BusinessDate;
  known_to: BusinessDate | null;
  territory: string;
  organisation_id: string | null;
  referent_id: string | null;
  /** The facts as JSON text, as they are stored (the view goes on changing in place: text is a copy). */
  facts: string;
}

/**
 * The dates of a cycle that do not depend on a period, as columns of
 * rm_cycle_dates (a row per version of the cycle's facts, as rm_cycle_facts,
 * without the facts), so that indicators can be counted where the data are (SQL) rather
 * than in the process. Computed here by the very functions the indicators'
 * Node definitions use, so both read the same first orientation, first
 * appointment and first contract.
 */
export interface CycleColumns {
  demand_on: BusinessDate;
  entered_on: BusinessDate;
  exited_on: BusinessDate | null;
  transferred_on: BusinessDate | null;
  registered_on: BusinessDate | null;
  first_oriented_on: BusinessDate | null;
  first_track: string | null;
  first_organisation_kind: string | null;
  first_appointment_for: BusinessDate | null;
  first_contract_signed_on: BusinessDate | null;
  first_contract_weekly_hours: number | null;
  /** Any contract of the cycle, renewals included. */
  has_contract: boolean;
  /** The first appointment held on or after the first orientation. */
  first_held_on: BusinessDate | null;
  accompaniment_ended_on: BusinessDate | null;
  sex: string;
  birth_date: BusinessDate;
  household_type: string;
}

export function cycleColumns(c: CycleFacts): CycleColumns {
  const o = firstOrientation(c);
  const held = o
    ? c.appointments
        .map((a) => a.heldOn)
        .filter((d): d is BusinessDate => d !== undefined && d >= o.notifiedOn)
        .sort()[0]
    : undefined;
  return {
    demand_on: c.demandOn,
    entered_on: c.enteredOn,
    exited_on: c.exitedOn ?? null,
    transferred_on: c.transferredOn ?? null,
    registered_on: c.franceTravailRegisteredOn ?? null,
    first_oriented_on: o?.notifiedOn ?? null,
    first_track: o?.track ?? null,
    first_organisation_kind: o?.organisationKind ?? null,
    first_appointment_for: firstAppointment(c)?.scheduledFor ?? null,
    first_contract_signed_on: firstContract(c)?.signedOn ?? null,
    first_contract_weekly_hours: firstContract(c)?.weeklyHours ?? null,
    has_contract: c.contracts.length > 0,
    first_held_on: held ?? null,
    accompaniment_ended_on: c.accompanimentEndedOn ?? null,
    sex: c.sex,
    birth_date: c.birthDate,
    household_type: c.householdType,
  };
}

/** A row as known from a day until another (exclusive; null while current). */
type Versioned<Row> = Row & { known_from: BusinessDate; known_to: BusinessDate | null };

/** A row known now: its text (to see it change), its identifying columns, and its version when not yet written. */
interface OpenRow<Row> {
  text: string;
  ref: Record<string, unknown>;
  row?: Versioned<Row>;
}

/**
 * Rows with versions of their own (the dated facts of a cycle, the échéances of a parcours), by group and key:
 * at each snapshot an unchanged row keeps its version, a changed or gone one is closed on the day, a new one
 * opened. Written as: stored versions no longer current closed (dropped when opened that very day), new ones
 * added, those opened and closed within the same day left out.
 */
class RowVersions<Row extends object> {
  private readonly open = new Map<string, Map<string, OpenRow<Row>>>();
  private readonly closed: Record<string, unknown>[] = [];
  private readonly opened: Versioned<Row>[] = [];

  /** `ref`: the columns naming a row in its table, with their SQL types. */
  constructor(
    private readonly table: string,
    private readonly ref: Record<string, string>,
    private readonly keyOf: (row: Row) => string,
  ) {}

  private known(row: Row): OpenRow<Row> {
    const values = row as Record<string, unknown>;
    return {
      text: JSON.stringify(row),
      ref: Object.fromEntries(Object.keys(this.ref).map((c) => [c, values[c]])),
    };
  }

  /** The rows of a group as stored before the batch. */
  seed(group: string, rows: Row[]): void {
    this.open.set(group, new Map(rows.map((r) => [this.keyOf(r), this.known(r)])));
  }

  /** The rows of a group as known from `day`. */
  snapshot(group: string, rows: Row[], day: BusinessDate): void {
    const open = this.open.get(group) ?? new Map<string, OpenRow<Row>>();
    this.open.set(group, open);
    const now = new Map(rows.map((r) => [this.keyOf(r), r]));
    for (const [key, known] of open) {
      const r = now.get(key);
      if (r && JSON.stringify(r) === known.text) {
        now.delete(key);
        continue;
      }
      open.delete(key);
      if (!known.row) this.closed.push({ ...known.ref, known_to: day });
      else known.row.known_to = day; // a row opened the same day is empty then, and not written
    }
    for (const [key, r] of now) {
      const row: Versioned<Row> = { ...r, known_from: day, known_to: null };
      this.opened.push(row);
      open.set(key, { ...this.known(r), row });
    }
  }

  async write(tx: SqlQueryable, t: TableNames): Promise<void> {
    const table = t(this.table);
    if (this.closed.length) {
      const columns = Object.entries(this.ref).map(([c, type]) => `${c} ${type}`);
      const input = `json_to_recordset($1::json) as x(${columns.join(', ')}, known_to date)`;
      const same = Object.keys(this.ref)
        .map((c) => `f.${c} = x.${c}`)
        .join(' and ');
      const closed = JSON.stringify(this.closed);
      await tx.query(
        `delete from ${table} f using ${input} where ${same} and f.known_to is null and f.known_from = x.known_to`,
        [closed],
      );
      await tx.query(
        `update ${table} f set known_to = x.known_to from ${input} where ${same} and f.known_to is null`,
        [closed],
      );
    }
    const rows = this.opened.filter((r) => r.known_to !== r.known_from);
    if (rows.length)
      await tx.query(`insert into ${table} select * from json_populate_recordset(null::${table}, $1::json)`, [
        JSON.stringify(rows),
      ]);
  }
}

/** A dated fact of a cycle, with the cycle it belongs to. */
type CycleDatedFact = DatedFact & { parcours_id: string; cycle: number };

const cycleDatedFacts = (parcoursId: string, c: CycleFacts): CycleDatedFact[] =>
  datedFacts(c).map((f) => ({ parcours_id: parcoursId, cycle: c.cycle, ...f }));

/**
 * Collects, while a batch is folded, the versions of the cycles' facts at the
 * end of each recording day, keeping only those that differ from the version
 * before.
 */
export class FactVersions {
  /** Last emitted (or stored) text of each cycle, by `parcoursId:cycle`. */
  private readonly last = new Map<string, string>();
  private readonly versions = new Map<string, (FactVersionRow & CycleColumns)[]>();
  /**
   * The dated facts of each cycle, by `parcoursId:cycle` then `kind:fact_key`: an unchanged one keeps its row
   * from one version of the cycle to the next.
   */
  private readonly facts = new RowVersions<CycleDatedFact>(
    'rm_cycle_dated_facts',
    { parcours_id: 'text', cycle: 'int', kind: 'text', fact_key: 'text' },
    (f) => `${f.kind}:${f.fact_key}`,
  );
  /** The échéances of each parcours, by id. */
  private readonly echeances = new RowVersions<EcheanceRow>(
    'rm_echeance_versions',
    { id: 'text' },
    (e) => e.id,
  );

  /**
   * `stored`: the views as the read model held them before the batch. Their
   * text keeps the fold's key order (the view is stored as json), so a cycle
   * compares with its next state as plain JSON text.
   */
  constructor(stored: Iterable<ParcoursView>) {
    for (const v of stored) {
      this.echeances.seed(v.parcoursId, echeanceRowsOf(v));
      for (const c of v.cycles) {
        const key = `${v.parcoursId}:${c.cycle}`;
        this.last.set(key, JSON.stringify(c));
        this.facts.seed(key, cycleDatedFacts(v.parcoursId, c));
      }
    }
  }

  /** Records the state of a view as known at the end of `day`. */
  snapshot(v: ParcoursView, day: BusinessDate): void {
    this.echeances.snapshot(v.parcoursId, echeanceRowsOf(v), day);
    for (const c of v.cycles) {
      const key = `${v.parcoursId}:${c.cycle}`;
      const text = JSON.stringify(c);
      if (this.last.get(key) === text) continue;
      this.last.set(key, text);
      this.facts.snapshot(key, cycleDatedFacts(v.parcoursId, c), day);
      const list = this.versions.get(key) ?? [];
      const row: FactVersionRow & CycleColumns = {
        parcours_id: v.parcoursId,
        cycle: c.cycle,
        known_from: day,
        known_to: null,
        territory: c.territory,
        organisation_id: c.orientations[c.orientations.length - 1]?.organisationId ?? null,
        referent_id: c.referentId ?? null,
        facts: text,
        ...cycleColumns(c),
      };
      const previous = list[list.length - 1];
      if (previous?.known_from === day) list[list.length - 1] = row;
      else {
        if (previous) previous.known_to = day;
        list.push(row);
      }
      this.versions.set(key, list);
    }
  }

  /** Writes the versions: the open row of a cycle is closed (or replaced when of the same day), the new ones added. */
  async write(tx: SqlQueryable, t: TableNames): Promise<void> {
    await this.echeances.write(tx, t);
    if (this.versions.size === 0) return;
    await this.facts.write(tx, t);
    const firsts = JSON.stringify(
      [...this.versions.values()].map((list) => ({
        parcours_id: list[0].parcours_id,
        cycle: list[0].cycle,
        known_from: list[0].known_from,
      })),
    );
    const input = `jsonb_to_recordset($1::jsonb) as x(parcours_id text, cycle int, known_from date)`;
    // The same versions in both tables: the facts, and their dates alone (a narrow table the SQL indicators scan).
    for (const table of [t('rm_cycle_facts'), t('rm_cycle_dates')]) {
      await tx.query(
        `delete from ${table} f using ${input}
          where f.parcours_id = x.parcours_id and f.cycle = x.cycle and f.known_to is null and f.known_from = x.known_from`,
        [firsts],
      );
      await tx.query(
        `update ${table} f set known_to = x.known_from from ${input}
          where f.parcours_id = x.parcours_id and f.cycle = x.cycle and f.known_to is null`,
        [firsts],
      );
    }
    const rows = [...this.versions.values()].flat();
    const insert = (table: string, payload: string) =>
      tx.query(`insert into ${table} select * from json_populate_recordset(null::${table}, $1::json)`, [
        payload,
      ]);
    // The facts are spliced in as the JSON text they already are, not parsed and written again.
    await insert(
      t('rm_cycle_facts'),
      `[${rows.map(({ facts, ...row }) => `${JSON.stringify(row).slice(0, -1)},"facts":${facts}}`).join(',')}]`,
    );
    await insert(t('rm_cycle_dates'), JSON.stringify(rows.map(({ facts: _facts, ...row }) => row)));
  }
}

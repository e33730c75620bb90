import { BusinessDate, maxDate, PARCOURS_STREAM_PREFIX } from '@parcours/domain';
import type { RecordedEvent, SqlQueryable } from '@parcours/event-store';
import { Projection, TableNames } from '../engine/projection';
import { foldRecorded, parcoursIdOf } from './fold';
import { ParameterBook } from './echeance-book';
import { FactVersions, recordedDay } from './known-facts';
import { portfolioLine } from './portfolio';
import { ParcoursView } from './view';

export { portfolioLine, type PortfolioRow } from './portfolio';

/**
 * One projection, four read models: the folded view of each parcours, and
 * from it the portfolio lines, the échéances and the facts of each cycle that
 * the indicators read. They come from the same fold, so they are rebuilt and
 * swapped together and never disagree.
 */
export const PARCOURS_TABLES = [
  'rm_parcours_view',
  'rm_portfolio',
  'rm_echeances',
  'rm_cycle_facts',
  'rm_cycle_dates',
  'rm_cycle_dated_facts',
  'rm_parameter_book',
];

export const PARCOURS_PREFIX = PARCOURS_STREAM_PREFIX;

export const parcoursProjection: Projection = {
  name: 'parcours',
  // 1: échéances keep the key that opened them; the portfolio has intensive_until.
  // 2: the cycles' facts are bitemporal (known_from, known_to); the parameter book records when each version was known.
  // 3: the facts are stored as json (text): the indicators read them back as they were written, without the
  //    conversion from jsonb that took most of a département's load time.
  // 4: the portfolio has activity_short_weeks (weeks below the contract's hours without a reason).
  // 5: the versions of the cycles' facts have their period-independent dates in rm_cycle_dates (known-facts.ts,
  //    CycleColumns), which the indicators computed in SQL read.
  // 6: the cycles' dated facts (orientations, appointments, contracts…), a bitemporal row each, in
  //    rm_cycle_dated_facts (dated-facts.ts); rm_cycle_dates has the end of accompaniment, sex, birth and household.
  version: 6,
  tables: PARCOURS_TABLES,
  schema: (t: TableNames) => [
    // doc is json, not jsonb: its text is kept as written, keys in the fold's order, so that a cycle read
    // back compares with its next state as plain JSON text (see known-facts.ts).
    // known_on: the latest recording day of the parcours's events folded so far (see known-facts.ts).
    `create table if not exists ${t('rm_parcours_view')} (parcours_id text primary key, doc json not null, known_on date)`,
    `create table if not exists ${t('rm_portfolio')} (
       parcours_id text primary key, territory text not null, organisation_id text, referent_id text,
       last_name text not null, first_name text not null, track text, status text not null, cycle int not null,
       entered_on date not null, oriented_on date, contract_id text, contract_ends_on date, contract_status text not null,
       last_held_on date, next_appointment_on date, open_breaches int not null, sanction_in_progress boolean not null,
       open_barriers jsonb not null, intensive_until date, activity_short_weeks int not null default 0)`,
    `create index if not exists ${t('rm_portfolio')}_referent on ${t('rm_portfolio')} (referent_id)`,
    `create index if not exists ${t('rm_portfolio')}_territory on ${t('rm_portfolio')} (territory)`,
    `create table if not exists ${t('rm_echeances')} (
       id text primary key, parcours_id text not null, kind text not null, cycle int not null,
       territory text not null, organisation_id text, referent_id text,
       starts_on date not null, due_on date not null, warn_from date not null, met_on date, cancelled_on date,
       parameters_version int not null)`,
    `create index if not exists ${t('rm_echeances')}_parcours on ${t('rm_echeances')} (parcours_id)`,
    `create index if not exists ${t('rm_echeances')}_open on ${t('rm_echeances')} (due_on) where met_on is null and cancelled_on is null`,
    // Échéances late on a date (met or cancelled later, or not at all) are found by their due date.
    `create index if not exists ${t('rm_echeances')}_due on ${t('rm_echeances')} (due_on, id)`,
    // A territoire's (and a référent's) late échéances, for supervision.
    `create index if not exists ${t('rm_echeances')}_territory on ${t('rm_echeances')} (territory, referent_id, due_on)`,
    `create table if not exists ${t('rm_cycle_facts')} (
       parcours_id text not null, cycle int not null, known_from date not null, known_to date,
       territory text not null, organisation_id text, referent_id text, facts json not null,
       primary key (parcours_id, cycle, known_from))`,
    `create index if not exists ${t('rm_cycle_facts')}_current on ${t('rm_cycle_facts')} (territory) where known_to is null`,
    `create index if not exists ${t('rm_cycle_facts')}_known on ${t('rm_cycle_facts')} (known_from, known_to)`,
    // The same versions, their period-independent dates only (known-facts.ts, CycleColumns): what the SQL
    // indicators scan, narrow so that a pass over a département's cycles reads little.
    `create table if not exists ${t('rm_cycle_dates')} (
       parcours_id text not null, cycle int not null, known_from date not null, known_to date,
       territory text not null, organisation_id text, referent_id text,
       demand_on date not null, entered_on date not null, exited_on date, transferred_on date,
       registered_on date, first_oriented_on date, first_track text, first_organisation_kind text,
       first_appointment_for date, first_contract_signed_on date, first_contract_weekly_hours numeric,
       has_contract boolean not null, first_held_on date,
       accompaniment_ended_on date, sex text not null, birth_date date not null, household_type text not null,
       primary key (parcours_id, cycle, known_from))`,
    `create index if not exists ${t('rm_cycle_dates')}_known on ${t('rm_cycle_dates')} (known_from, known_to)`,
    // A row per dated fact of a cycle (dated-facts.ts), known from a day until another like the cycle's rows,
    // but kept from one version of the cycle to the next while the fact is unchanged.
    `create table if not exists ${t('rm_cycle_dated_facts')} (
       parcours_id text not null, cycle int not null, kind text not null, fact_key text not null,
       known_from date not null, known_to date, on_date date not null, ordinal int,
       track text, organisation_kind text, previous_track text, reorientation boolean, after_orientations int,
       held_on date, missed_on date, ends_on date, weekly_hours numeric, plan_set_on date, hours numeric,
       answered_on date, entered_on date, dispositif text, positive boolean, started_on date, ended_on date,
       lifted_on date, definitive_on date, withdrawn_on date, binome_id text,
       primary key (parcours_id, cycle, kind, fact_key, known_from))`,
    `create index if not exists ${t('rm_cycle_dated_facts')}_kind on ${t('rm_cycle_dated_facts')} (kind, on_date)`,
    `create table if not exists ${t('rm_parameter_book')} (id int primary key, doc jsonb not null)`,
  ],

  async apply(tx: SqlQueryable, events: RecordedEvent[], t: TableNames): Promise<void> {
    const [bookRow] = await tx.query<{ doc: ParameterBook }>(
      `select doc from ${t('rm_parameter_book')} where id = 1`,
    );
    const book: ParameterBook = bookRow?.doc ?? { versions: [] };
    let bookChanged = false;
    const ids = [
      ...new Set(events.map((e) => parcoursIdOf(e.streamId)).filter((id): id is string => id !== undefined)),
    ];
    const views = new Map<string, ParcoursView | undefined>();
    const knownOn = new Map<string, BusinessDate>();
    if (ids.length) {
      const rows = await tx.query<{ parcours_id: string; doc: ParcoursView; known_on: BusinessDate | null }>(
        `select parcours_id, doc, known_on::text from ${t('rm_parcours_view')} where parcours_id = any($1::text[])`,
        [ids],
      );
      for (const r of rows) {
        views.set(r.parcours_id, r.doc);
        if (r.known_on) knownOn.set(r.parcours_id, r.known_on);
      }
    }
    const versions = new FactVersions(definedViews(views));
    for (const e of events) {
      const id = parcoursIdOf(e.streamId);
      const known = id === undefined ? undefined : knownOn.get(id);
      const day = maxDate(recordedDay(e.metadata.recordedAt), known ?? '0000-01-01');
      // A new recording day: the state so far is what was known at the end of the previous one.
      const before = id === undefined ? undefined : views.get(id);
      if (before && known && day > known) versions.snapshot(before, known);
      if (foldRecorded(views, book, e) === 'parameters') bookChanged = true;
      if (id !== undefined) knownOn.set(id, day);
    }
    for (const [id, v] of views) if (v) versions.snapshot(v, knownOn.get(id)!);
    if (bookChanged) {
      await tx.query(
        `insert into ${t('rm_parameter_book')} (id, doc) values (1, $1) on conflict (id) do update set doc = excluded.doc`,
        [book],
      );
    }
    const written = [...views.entries()].filter(
      (entry): entry is [string, ParcoursView] => entry[1] !== undefined,
    );
    if (written.length === 0) return;
    const touched = written.map(([id]) => id);
    await tx.query(
      `insert into ${t('rm_parcours_view')} (parcours_id, doc, known_on)
       select x.id, x.doc, x.known_on from json_to_recordset($1::json) as x(id text, doc json, known_on date)
       on conflict (parcours_id) do update set doc = excluded.doc, known_on = excluded.known_on`,
      [JSON.stringify(written.map(([id, doc]) => ({ id, doc, known_on: knownOn.get(id) ?? null })))],
    );
    for (const table of ['rm_portfolio', 'rm_echeances']) {
      await tx.query(`delete from ${t(table)} where parcours_id = any($1::text[])`, [touched]);
    }
    const lines = written.map(([, v]) => portfolioLine(v));
    await tx.query(
      `insert into ${t('rm_portfolio')} select * from json_populate_recordset(null::${t('rm_portfolio')}, $1::json)`,
      [JSON.stringify(lines)],
    );
    const echeances = written.flatMap(([, v], i) => {
      const line = lines[i];
      return v.echeances.map((e) => ({
        id: e.id,
        parcours_id: v.parcoursId,
        kind: e.kind,
        cycle: e.cycle,
        territory: v.territory,
        organisation_id: line.organisation_id,
        referent_id: line.referent_id,
        starts_on: e.startsOn,
        due_on: e.dueOn,
        warn_from: e.warnFrom,
        met_on: e.metOn ?? null,
        cancelled_on: e.cancelledOn ?? null,
        parameters_version: e.parametersVersion,
      }));
    });
    if (echeances.length) {
      await tx.query(
        `insert into ${t('rm_echeances')} select * from json_populate_recordset(null::${t('rm_echeances')}, $1::json)`,
        [JSON.stringify(echeances)],
      );
    }
    await versions.write(tx, t);
  },
};

const definedViews = (views: Map<string, ParcoursView | undefined>): ParcoursView[] =>
  [...views.values()].filter((v): v is ParcoursView => v !== undefined);

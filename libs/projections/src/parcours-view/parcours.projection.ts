import { BusinessDate, maxDate, PARCOURS_STREAM_PREFIX } from '@parcours/domain';
import type { RecordedEvent, SqlQueryable } from '@parcours/event-store';
import { Projection, RebuildFold, TableNames } from '../engine/projection';
import { foldRecorded, parcoursIdOf } from './fold';
import { ParameterBook } from './echeance-book';
import { FactVersions, recordedDay } from './known-facts';
import { echeanceRowsOf, portfolioLine } from './portfolio';
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
  'rm_echeance_versions',
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
  // 7: the échéances are bitemporal too: rm_echeance_versions, a row per version of an échéance (known-facts.ts).
  version: 7,
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
    // The échéances as known over time: a row per version of each, known from a day until a later record
    // changed it (known_to, exclusive; null while current). "As known at" reads these.
    `create table if not exists ${t('rm_echeance_versions')} (
       id text not null, parcours_id text not null, kind text not null, cycle int not null,
       territory text not null, organisation_id text, referent_id text,
       starts_on date not null, due_on date not null, warn_from date not null, met_on date, cancelled_on date,
       parameters_version int not null, known_from date not null, known_to date,
       primary key (id, known_from))`,
    `create index if not exists ${t('rm_echeance_versions')}_known on ${t('rm_echeance_versions')} (known_from, known_to)`,
    `create index if not exists ${t('rm_echeance_versions')}_due on ${t('rm_echeance_versions')} (due_on, id)`,
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
    const book = await readBook(tx, t);
    const stored = await readViews(tx, t, parcoursIds(events));
    await (await foldBatch(events, stored, book, t, 'by parcours')).write(tx);
  },

  rebuildFold(t: TableNames, batchEvents: number): RebuildFold {
    // A batch's parcours are read before the batch before has committed: they must all be found here
    // (what that batch wrote is not in the table yet), so the memory holds the parcours of a batch at least.
    const memory = new ViewMemory(2 * batchEvents);
    let book: ParameterBook | undefined;
    return {
      async prepare(read, events) {
        book ??= await readBook(read, t);
        const ids = parcoursIds(events);
        const stored = memory.take(ids);
        const missing = ids.filter((id) => !stored.has(id));
        for (const [id, view] of await readViews(read, t, missing)) stored.set(id, view);
        // Secondary indexes are built after the load: a view's échéances are found by their ids.
        const batch = await foldBatch(events, stored, book, t, 'by id');
        memory.keep(batch.views);
        return (tx) => batch.write(tx);
      },
    };
  },
};

/** A view as rm_parcours_view holds it: its JSON text, and the latest recording day of its events folded. */
interface StoredView {
  text: string;
  knownOn: BusinessDate | null;
}

/** A batch folded: its writes, ready to send, and the views as they stand after it. */
interface FoldedBatch {
  views: Map<string, StoredView>;
  write(tx: SqlQueryable): Promise<void>;
}

const parcoursIds = (events: RecordedEvent[]): string[] => [
  ...new Set(events.map((e) => parcoursIdOf(e.streamId)).filter((id): id is string => id !== undefined)),
];

async function readBook(read: SqlQueryable, t: TableNames): Promise<ParameterBook> {
  const [row] = await read.query<{ doc: ParameterBook }>(
    `select doc from ${t('rm_parameter_book')} where id = 1`,
  );
  return row?.doc ?? { versions: [] };
}

async function readViews(read: SqlQueryable, t: TableNames, ids: string[]): Promise<Map<string, StoredView>> {
  const views = new Map<string, StoredView>();
  if (ids.length === 0) return views;
  const rows = await read.query<{ parcours_id: string; doc: string; known_on: BusinessDate | null }>(
    `select parcours_id, doc::text as doc, known_on::text from ${t('rm_parcours_view')} where parcours_id = any($1::text[])`,
    [ids],
  );
  for (const r of rows) views.set(r.parcours_id, { text: r.doc, knownOn: r.known_on });
  return views;
}

/** Events folded between two pauses of a batch's fold: a few milliseconds of work. */
const YIELD_EVERY = 200;
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Folds a batch into the stored views of its parcours and the parameter book (changed in place), and
 * serialises what it writes at once: the objects may go on changing with the next batch before these
 * writes are sent.
 */
async function foldBatch(
  events: RecordedEvent[],
  stored: Map<string, StoredView>,
  book: ParameterBook,
  t: TableNames,
  /**
   * How the échéances of a stored view are deleted before it is written again: by parcours (index on
   * rm_echeances.parcours_id), or by their ids, those of the stored view, which were written with it.
   */
  findEcheances: 'by parcours' | 'by id',
): Promise<FoldedBatch> {
  let bookChanged = false;
  const views = new Map<string, ParcoursView | undefined>();
  const knownOn = new Map<string, BusinessDate>();
  // Parsed from their text, as the table gives them back: a view in memory and one read back fold alike.
  for (const [id, s] of stored) {
    views.set(id, JSON.parse(s.text) as ParcoursView);
    if (s.knownOn) knownOn.set(id, s.knownOn);
  }
  const storedEcheances = definedViews(views).flatMap((v) => v.echeances.map((e) => e.id));
  const versions = new FactVersions(definedViews(views));
  for (const [i, e] of events.entries()) {
    // Now and then, the answers of a batch being written are let in, so that its next statement goes.
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToIo();
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
  await yieldToIo();
  const bookText = bookChanged ? JSON.stringify(book) : undefined;
  const written = [...views.entries()].filter(
    (entry): entry is [string, ParcoursView] => entry[1] !== undefined,
  );
  const after = new Map(
    written.map(([id, v]) => [id, { text: JSON.stringify(v), knownOn: knownOn.get(id) ?? null }]),
  );
  const viewRows = `[${[...after]
    .map(([id, s]) => `{"id":${JSON.stringify(id)},"doc":${s.text},"known_on":${JSON.stringify(s.knownOn)}}`)
    .join(',')}]`;
  // A parcours without a stored view has no portfolio line nor échéances yet: they are written with it.
  const replaced = [...stored.keys()];
  const lines = written.map(([, v]) => portfolioLine(v));
  const echeances = written.flatMap(([, v], i) => echeanceRowsOf(v, lines[i]));
  const lineRows = JSON.stringify(lines);
  const echeanceRows = echeances.length ? JSON.stringify(echeances) : undefined;
  return {
    views: after,
    async write(tx) {
      if (bookText !== undefined) {
        await tx.query(
          `insert into ${t('rm_parameter_book')} (id, doc) values (1, $1) on conflict (id) do update set doc = excluded.doc`,
          [bookText],
        );
      }
      if (written.length === 0) return;
      await tx.query(
        `insert into ${t('rm_parcours_view')} (parcours_id, doc, known_on)
         select x.id, x.doc, x.known_on from json_to_recordset($1::json) as x(id text, doc json, known_on date)
         on conflict (parcours_id) do update set doc = excluded.doc, known_on = excluded.known_on`,
        [viewRows],
      );
      if (replaced.length) {
        await tx.query(`delete from ${t('rm_portfolio')} where parcours_id = any($1::text[])`, [replaced]);
        if (findEcheances === 'by parcours')
          await tx.query(`delete from ${t('rm_echeances')} where parcours_id = any($1::text[])`, [replaced]);
        else await tx.query(`delete from ${t('rm_echeances')} where id = any($1::text[])`, [storedEcheances]);
      }
      await tx.query(
        `insert into ${t('rm_portfolio')} select * from json_populate_recordset(null::${t('rm_portfolio')}, $1::json)`,
        [lineRows],
      );
      if (echeanceRows !== undefined) {
        await tx.query(
          `insert into ${t('rm_echeances')} select * from json_populate_recordset(null::${t('rm_echeances')}, $1::json)`,
          [echeanceRows],
        );
      }
      await versions.write(tx, t);
    },
  };
}

/**
 * The views of the parcours a rebuild met last, as stored, up to a number of them: most parcours's
 * events are close together in the log, so their next batch finds them here rather than in the table.
 */
class ViewMemory {
  private readonly views = new Map<string, StoredView>();

  constructor(private readonly size: number) {}

  /** The views held of these parcours. */
  take(ids: string[]): Map<string, StoredView> {
    const found = new Map<string, StoredView>();
    for (const id of ids) {
      const view = this.views.get(id);
      if (view) found.set(id, view);
    }
    return found;
  }

  /** Keeps these views as the latest met, forgetting the least recently met beyond the size. */
  keep(views: Map<string, StoredView>): void {
    for (const [id, view] of views) {
      this.views.delete(id);
      this.views.set(id, view);
    }
    for (const id of this.views.keys()) {
      if (this.views.size <= this.size) break;
      this.views.delete(id);
    }
  }
}

const definedViews = (views: Map<string, ParcoursView | undefined>): ParcoursView[] =>
  [...views.values()].filter((v): v is ParcoursView => v !== undefined);

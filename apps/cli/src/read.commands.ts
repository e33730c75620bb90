import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '@parcours/config';
import { isBusinessDate, parametersAt, parisDate } from '@parcours/domain';
import { openStores } from '@parcours/event-store';
import { schemaCheckedStores } from '@parcours/runtime';
import {
  computeIndicators,
  createProjectionRunner,
  exportIndicators,
  factsAsOf,
  GROUP_BYS,
  GroupBy,
  loadFacts,
  PROJECTIONS,
  pseudonymisedExtract,
} from '@parcours/projections';
import { apiFiles, apiJson, ApiTarget, apiTarget } from './api-client';
import { UsageError } from './args';

export const READ_USAGE = `indicators export --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json] [--as-of YYYY-MM-DD] [--group-by departement|territory|organisation|referent] [--out DIR]
  Writes the national tables (CALPAE, réseau pour l'emploi, CIE actions, équilibré, DREES OARSA), one file per family.
indicators extract --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json] [--as-of YYYY-MM-DD] [--out DIR]
  Writes the pseudonymised individual extract (needs PARCOURS_PSEUDONYMISATION_KEY where the store is opened).
projections status
  Position, lag and error of each projection.
projections rebuild parcours
  Rebuilds the read models from the first event into new tables, then swaps them in.
projections resume parcours
  Clears a projection's failure so that it resumes from its checkpoint (after a fix).

  These commands open the store themselves, or go through a running server with
  --api URL --token TOKEN (or PARCOURS_API_URL, PARCOURS_API_TOKEN; a Département token).
  On the embedded store the server holds the data directory: use --api while it runs.`;

type Period = { from: string; to: string; asOf?: string; format: 'csv' | 'json'; out: string };

type ReadCommand =
  | { kind: 'export' | 'extract'; period: Period; groupBy: GroupBy }
  | { kind: 'status' }
  | { kind: 'rebuild' | 'resume'; name: string };

function period(options: Record<string, string>, now: Date): Period {
  const { from, to } = options;
  const asOf = options['as-of'];
  if (!isBusinessDate(from) || !isBusinessDate(to)) throw new UsageError('--from and --to must be dates YYYY-MM-DD');
  if (from > to) throw new UsageError('--from must not be after --to');
  if (asOf !== undefined && !isBusinessDate(asOf)) throw new UsageError('--as-of must be a date YYYY-MM-DD');
  if (asOf && asOf > parisDate(now)) throw new UsageError('--as-of cannot be in the future');
  const format = (options.format ?? 'csv') as 'csv' | 'json';
  if (!['csv', 'json'].includes(format)) throw new UsageError('--format must be csv or json');
  return { from, to, asOf, format, out: options.out ?? '.' };
}

/** Checks the words and options before anything is opened or sent. */
function parse(words: string[], options: Record<string, string>, now: Date): ReadCommand {
  const [group, action, name] = words;
  if (group === 'indicators' && (action === 'export' || action === 'extract') && words.length === 2) {
    const groupBy = (options['group-by'] ?? 'departement') as GroupBy;
    if (!GROUP_BYS.includes(groupBy)) throw new UsageError(`--group-by must be one of ${GROUP_BYS.join(', ')}`);
    return { kind: action, period: period(options, now), groupBy };
  }
  if (group === 'projections' && action === 'status' && words.length === 2) return { kind: 'status' };
  if (group === 'projections' && (action === 'rebuild' || action === 'resume') && words.length === 3) {
    // Through the API the server knows its own names (resume also takes the relay, `kafka-relay`).
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(name)) throw new UsageError(`unknown projection "${name}" (known: ${PROJECTIONS.map((p) => p.name).join(', ')})`);
    return { kind: action, name };
  }
  throw new UsageError(`unknown command: ${words.join(' ')}`);
}

function write(out: string, files: { name: string; content: string }[]): string[] {
  mkdirSync(out, { recursive: true });
  return files.map((f) => {
    const path = join(out, f.name);
    writeFileSync(path, f.content);
    return path;
  });
}

export async function readCommand(
  words: string[],
  options: Record<string, string>,
  config: AppConfig,
  env: NodeJS.ProcessEnv = process.env,
  now = new Date(),
): Promise<string> {
  const command = parse(words, options, now);
  const api = apiTarget(options, env);
  return api ? throughApi(command, api) : direct(command, config);
}

/** Through a running server, which does the work on its own store. */
async function throughApi(command: ReadCommand, api: ApiTarget): Promise<string> {
  switch (command.kind) {
    case 'status':
      return JSON.stringify((await apiJson(api, 'GET', 'api/projections')).body, null, 2);
    case 'resume':
      return JSON.stringify((await apiJson(api, 'POST', `api/projections/${encodeURIComponent(command.name)}/resume`)).body, null, 2);
    case 'rebuild': {
      const { status, body } = await apiJson<{ name?: string; events?: number; status?: string }>(api, 'POST', `api/projections/${encodeURIComponent(command.name)}/rebuild`);
      if (status === 202) return `projection ${command.name}: the server is rebuilding it (follow with projections status)\n${JSON.stringify(body)}`;
      if (typeof body?.events === 'number') return `projection ${command.name} rebuilt from ${body.events} events and swapped in`;
      return JSON.stringify(body, null, 2);
    }
    case 'export':
    case 'extract': {
      const p = command.period;
      const query = { from: p.from, to: p.to, format: p.format, asOf: p.asOf, groupBy: command.kind === 'export' ? command.groupBy : undefined };
      return write(p.out, await apiFiles(api, `api/indicators/${command.kind}`, query)).join('\n');
    }
  }
}

/** On the store itself; on the embedded store this fails with DataDirectoryLockedError while a server holds it. */
async function direct(command: ReadCommand, config: AppConfig): Promise<string> {
  if (command.kind === 'extract' && !config.pseudonymisationKey) throw new UsageError('PARCOURS_PSEUDONYMISATION_KEY is required for the extract');
  if ((command.kind === 'rebuild' || command.kind === 'resume') && !PROJECTIONS.some((p) => p.name === command.name)) {
    throw new UsageError(`unknown projection "${command.name}" (known: ${PROJECTIONS.map((p) => p.name).join(', ')})`);
  }
  // Sealed personal data is opened on the way, as in the API and the worker.
  const stores = schemaCheckedStores(await openStores(config));
  try {
    const runner = createProjectionRunner(stores.eventStore, stores.sql, { batchSize: config.projectionBatchSize });
    await runner.migrate();
    switch (command.kind) {
      case 'status':
        return JSON.stringify(await runner.status(), null, 2);
      case 'resume':
        await runner.resume(command.name);
        return JSON.stringify((await runner.status()).find((s) => s.name === command.name), null, 2);
      case 'rebuild':
        return `projection ${command.name} rebuilt from ${await runner.rebuild(command.name)} events and swapped in`;
      case 'export':
      case 'extract': {
        const p = command.period;
        // Figures from read models brought up to date first (safe beside a worker on PostgreSQL: checkpoints are locked).
        if (!p.asOf) await runner.catchUp('parcours');
        const snapshot = p.asOf ? await factsAsOf(stores.eventStore, p.asOf) : await loadFacts(stores.sql);
        const files =
          command.kind === 'export'
            ? exportIndicators(computeIndicators(snapshot, p, command.groupBy, undefined, p.asOf), p.format)
            : [
                pseudonymisedExtract(
                  snapshot.facts,
                  p,
                  config.pseudonymisationKey!,
                  parametersAt(snapshot.book.versions, p.to).accompanimentAfterExitMonths,
                  p.format,
                  p.asOf,
                ),
              ];
        return write(p.out, files).join('\n');
      }
    }
  } finally {
    await stores.close();
  }
}

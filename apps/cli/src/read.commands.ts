import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '@parcours/config';
import { isBusinessDate, parametersAt, parisDate } from '@parcours/domain';
import { openStores } from '@parcours/event-store';
import {
  computeIndicators,
  createProjectionRunner,
  exportIndicators,
  factsAsOf,
  GROUP_BYS,
  GroupBy,
  loadFacts,
  pseudonymisedExtract,
} from '@parcours/projections';
import { UsageError } from './args';

export const READ_USAGE = `indicators export --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json] [--as-of YYYY-MM-DD] [--group-by departement|territory|organisation|referent] [--out DIR]
  Writes the national tables (CALPAE, réseau pour l'emploi, CIE actions, équilibré, DREES OARSA), one file per family.
indicators extract --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json] [--as-of YYYY-MM-DD] [--out DIR]
  Writes the pseudonymised individual extract (needs PARCOURS_PSEUDONYMISATION_KEY).
projections status
  Position, lag and error of each projection.
projections rebuild parcours
  Rebuilds the read models from the first event into new tables, then swaps them in.`;

function period(options: Record<string, string>) {
  const { from, to } = options;
  const asOf = options['as-of'];
  if (!isBusinessDate(from) || !isBusinessDate(to)) throw new UsageError('--from and --to must be dates YYYY-MM-DD');
  if (from > to) throw new UsageError('--from must not be after --to');
  if (asOf !== undefined && !isBusinessDate(asOf)) throw new UsageError('--as-of must be a date YYYY-MM-DD');
  const format = (options.format ?? 'csv') as 'csv' | 'json';
  if (!['csv', 'json'].includes(format)) throw new UsageError('--format must be csv or json');
  return { from, to, asOf, format, out: options.out ?? '.' };
}

function write(out: string, files: { name: string; content: string }[]): string[] {
  mkdirSync(out, { recursive: true });
  return files.map((f) => {
    const path = join(out, f.name);
    writeFileSync(path, f.content);
    return path;
  });
}

export async function readCommand(words: string[], options: Record<string, string>, config: AppConfig, now = new Date()): Promise<string> {
  const [group, action, name] = words;
  if (group === 'indicators' && (action === 'export' || action === 'extract')) {
    const p = period(options);
    if (p.asOf && p.asOf > parisDate(now)) throw new UsageError('--as-of cannot be in the future');
    const groupBy = (options['group-by'] ?? 'departement') as GroupBy;
    if (!GROUP_BYS.includes(groupBy)) throw new UsageError(`--group-by must be one of ${GROUP_BYS.join(', ')}`);
    if (action === 'extract' && !config.pseudonymisationKey) throw new UsageError('PARCOURS_PSEUDONYMISATION_KEY is required for the extract');
    const stores = await openStores(config);
    try {
      if (!p.asOf) {
        // Figures from read models brought up to date first (safe beside a running worker: checkpoints are locked).
        const runner = createProjectionRunner(stores.eventStore, stores.sql, { batchSize: config.projectionBatchSize });
        await runner.migrate();
        await runner.catchUp('parcours');
      }
      const snapshot = p.asOf ? await factsAsOf(stores.eventStore, p.asOf) : await loadFacts(stores.sql);
      const files =
        action === 'export'
          ? exportIndicators(computeIndicators(snapshot, p, groupBy, undefined, p.asOf), p.format)
          : [pseudonymisedExtract(snapshot.facts, p, config.pseudonymisationKey!, parametersAt(snapshot.book.versions, p.to).accompanimentAfterExitMonths, p.format, p.asOf)];
      return write(p.out, files).join('\n');
    } finally {
      await stores.close();
    }
  }
  if (group === 'projections' && (action === 'status' || action === 'rebuild')) {
    const stores = await openStores(config);
    try {
      const runner = createProjectionRunner(stores.eventStore, stores.sql, { batchSize: config.projectionBatchSize });
      await runner.migrate();
      if (action === 'rebuild') {
        if (!runner.projections.some((x) => x.name === name)) throw new UsageError(`unknown projection "${name}" (known: ${runner.projections.map((x) => x.name).join(', ')})`);
        const n = await runner.rebuild(name);
        return `projection ${name} rebuilt from ${n} events and swapped in`;
      }
      return JSON.stringify(await runner.status(), null, 2);
    } finally {
      await stores.close();
    }
  }
  throw new UsageError(`unknown command: ${words.join(' ')}`);
}

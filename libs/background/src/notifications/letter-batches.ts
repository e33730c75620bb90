import type { ParcoursRepository } from '@parcours/application';
import type { BusinessDate } from '@parcours/domain';
import type { SqlClient } from '@parcours/event-store';
import type { LetterBatch, LetterBatchFile } from '@parcours/notifications';

/**
 * Writes the batch of every day before `today` whose letters still wait in
 * the spool (yesterday's, and any day the worker missed), after taking out
 * the letters of persons erased since they were spooled: what is not printed
 * yet is not printed. A batch already written is left as it is (its letters
 * may be at the printer).
 */
export async function writeLetterBatches(
  letters: LetterBatch,
  sql: SqlClient,
  parcours: Pick<ParcoursRepository, 'load'>,
  today: BusinessDate,
): Promise<LetterBatchFile[]> {
  const written: LetterBatchFile[] = [];
  for (const day of await letters.pendingDays(today)) {
    const ids = await letters.spooled(day);
    const rows = await sql.query<{ provider_message_id: string; parcours_id: string }>(
      `select provider_message_id, parcours_id from notification_outbox
       where channel = 'letter' and provider_message_id = any($1::text[])`,
      [ids.map((id) => `letters-${day}/${id}`)],
    );
    for (const row of rows) {
      if ((await parcours.load(row.parcours_id)).state.erased)
        await letters.withdraw(day, row.provider_message_id.slice(`letters-${day}/`.length));
    }
    try {
      const batch = await letters.writeBatch(day);
      if (batch) written.push(batch);
    } catch (error) {
      // Written by another worker, or at an earlier run.
      if (!/already exists/.test((error as Error).message)) throw error;
    }
  }
  return written;
}

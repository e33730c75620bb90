import type { AppConfig } from '@parcours/config';
import { openStores, sealExistingEvents } from '@parcours/event-store';
import { personalDataStoreOf, schemaCheckedStores } from '@parcours/runtime';
import { UsageError } from './args';

export const PRIVACY_USAGE = `  privacy seal-existing            seal, in place, the personal fields of events written in clear (SQL stores; resumable)`;

/** Commands on personal data run on the store itself (stop the server of an embedded store first). */
export async function privacyCommand(words: string[], config: AppConfig): Promise<string> {
  if (words[1] !== 'seal-existing') throw new UsageError(`unknown privacy command "${words[1] ?? ''}"`);
  if (config.store !== 'embedded' && config.store !== 'postgres') throw new UsageError('seal-existing works on the SQL stores (embedded, postgres)');
  const stores = schemaCheckedStores(await openStores(config));
  try {
    const { sealed, read } = await sealExistingEvents(stores.sql, personalDataStoreOf(stores));
    return `${sealed} events sealed of ${read} read in clear`;
  } finally {
    await stores.close();
  }
}

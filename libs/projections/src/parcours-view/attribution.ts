import { ParcoursEvent } from '@parcours/domain';

/**
 * Who a parcours's records count for: its territoire, and the organisme in
 * charge — that of the latest orientation of its cycle, none before the first
 * (a re-entry starts a cycle with none). Shared by the read models that
 * attribute each event (record lateness, sanction procedures).
 */
export interface Attribution {
  territory: string;
  organisationId: string | null;
}

/** The attribution once `event` is applied; undefined until the parcours's entry. */
export function attributionAfter(
  event: ParcoursEvent,
  before: Attribution | undefined,
): Attribution | undefined {
  if (event.type === 'ParcoursEntered') return { territory: event.data.territory, organisationId: null };
  if (event.type === 'Oriented' && before) return { ...before, organisationId: event.data.organisationId };
  return before;
}

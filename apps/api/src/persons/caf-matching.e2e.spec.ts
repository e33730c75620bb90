import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import type { Stores } from '@parcours/event-store';
import {
  applyInbound,
  CAF_TOPIC,
  CommandGateway,
  InboundMessage,
  parcoursIdOfCafPerson,
} from '@parcours/messaging';
import { SqlPersonDirectory } from '@parcours/projections';
import { deterministicUuid, STORES } from '@parcours/runtime';
import { ExecuteParcoursCommand } from '@parcours/application';
import { bearer, projectionsCaughtUp, startApi, TestApi, tokens } from '../../../../test/support/api';

/**
 * One person, one parcours (DOMAIN.md §7): a CAF entry is matched by NIR
 * first, then by the CAF key it was linked to; a namesake born the same day is
 * flagged for a human, never merged. Ids come from an HMAC, not a plain hash.
 */
describe('matching a CAF entry to a person', () => {
  let api: TestApi;
  let gateway: CommandGateway;
  let directory: SqlPersonDirectory;
  let sql: Stores['sql'];

  beforeAll(async () => {
    api = await startApi('embedded');
    const commands = api.app.get(CommandBus);
    gateway = {
      execute: (id, command, identity, headers) =>
        commands.execute(new ExecuteParcoursCommand(id, command, identity, headers)),
    };
    sql = api.app.get<Stores>(STORES).sql;
    directory = new SqlPersonDirectory(sql);
  });
  afterAll(async () => {
    await api.close();
  });

  const entry = (
    person: { cafNumber: string; rank: number; nir?: string; lastName?: string; birthDate?: string },
    enteredOn: string,
  ): InboundMessage => ({
    topic: CAF_TOPIC,
    messageId: randomUUID(),
    type: 'entry',
    person: { lastName: 'Carpentier', firstName: 'Inès', birthDate: '1993-09-21', sex: 'female', ...person },
    household: { type: 'single', size: 1 },
    territory: 'ARRAGEOIS',
    demandOn: enteredOn,
    rightOpenedOn: enteredOn,
    enteredOn,
  });
  const apply = async (m: InboundMessage) => {
    await applyInbound(m, gateway, directory);
    await projectionsCaughtUp(api);
  };
  const cycles = async (id: string) =>
    (
      await api.http.get(`/api/parcours/${id}/history`).set(bearer(tokens.departement())).expect(200)
    ).body.filter((e: { type: string }) => e.type === 'ParcoursEntered').length;

  it('names a new person with an HMAC of the CAF key, which nobody can recompute from a numéro allocataire', async () => {
    await apply(entry({ cafNumber: 'A100', rank: 1, nir: '293097512345678' }, '2025-01-10'));
    const id = parcoursIdOfCafPerson({ cafNumber: 'A100', rank: 1 });
    expect(id).not.toBe(deterministicUuid('caf-person', 'A100', '1'));
    expect(
      parcoursIdOfCafPerson({ cafNumber: 'A100', rank: 1 }, 'another-key-of-at-least-thirty-two-chars'),
    ).not.toBe(id);
    expect(await cycles(id)).toBe(1);
  });

  it('keeps one parcours for a person who comes back under another foyer: matched by NIR, then followed by the new CAF key', async () => {
    const id = parcoursIdOfCafPerson({ cafNumber: 'A100', rank: 1 });
    await apply({
      topic: CAF_TOPIC,
      messageId: randomUUID(),
      type: 'exit',
      person: { cafNumber: 'A100', rank: 1 },
      exitedOn: '2025-02-28',
      reason: 'income',
    });
    // A new foyer (numéro allocataire B200, rank 2), the same NIR: a re-entry of the same parcours.
    await apply(entry({ cafNumber: 'B200', rank: 2, nir: '293097512345678' }, '2025-04-01'));
    expect(await cycles(id)).toBe(2);
    expect(await cycles(parcoursIdOfCafPerson({ cafNumber: 'B200', rank: 2 })).catch(() => 0)).toBe(0);
    // Later messages of the new foyer reach the same parcours through the link of their CAF key.
    await apply({
      topic: CAF_TOPIC,
      messageId: randomUUID(),
      type: 'exit',
      person: { cafNumber: 'B200', rank: 2 },
      exitedOn: '2025-05-31',
      reason: 'income',
    });
    const history = (
      await api.http.get(`/api/parcours/${id}/history`).set(bearer(tokens.departement())).expect(200)
    ).body;
    expect(history.filter((e: { type: string }) => e.type === 'RsaExited')).toHaveLength(2);
  });

  it('creates a new parcours for a namesake born the same day without NIR, and flags the pair for a human to confirm', async () => {
    await apply(entry({ cafNumber: 'C300', rank: 1, lastName: 'CARPENTIER' }, '2025-06-02'));
    const namesake = parcoursIdOfCafPerson({ cafNumber: 'C300', rank: 1 });
    expect(await cycles(namesake)).toBe(1);
    const flagged = await sql.query<{ parcours_id: string; candidate_id: string }>(
      'select parcours_id, candidate_id from possible_duplicates',
    );
    expect(flagged).toEqual([
      { parcours_id: namesake, candidate_id: parcoursIdOfCafPerson({ cafNumber: 'A100', rank: 1 }) },
    ]);
    // The Département sees the pair to confirm; nobody else.
    const listed = await api.http
      .get('/api/persons/possible-duplicates')
      .set(bearer(tokens.departement()))
      .expect(200);
    expect(listed.body).toMatchObject({
      total: 1,
      items: [
        {
          parcoursId: namesake,
          candidateId: parcoursIdOfCafPerson({ cafNumber: 'A100', rank: 1 }),
          lastName: 'CARPENTIER',
        },
      ],
    });
    await api.http.get('/api/persons/possible-duplicates').set(bearer(tokens.slai())).expect(403);
  });
});

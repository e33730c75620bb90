import type { Stores } from '@parcours/event-store';
import { STORES } from '@parcours/runtime';
import {
  bearer,
  entryBody,
  projectionsCaughtUp,
  seedReferenceData,
  startApi,
  StoreUnderTest,
  TestApi,
  tokens,
} from '../../../../test/support/api';

const stores: StoreUnderTest[] = process.env.PARCOURS_TEST_POSTGRES_MISSING
  ? ['embedded']
  : ['embedded', 'postgres'];

/**
 * Finding a person (DOMAIN.md §7): by name with or without accents, by NIR,
 * by CAF number, within the caller's scope only, on keyed hashes (no name or
 * NIR in clear in any index).
 */
describe.each(stores)('searching a person on the %s store', (store) => {
  let api: TestApi;
  let followed: string;
  let elsewhere: string;
  let erased: string;
  const post = (path: string, auth: Record<string, string>, body: object) =>
    api.http.post(path).set(auth).send(body);
  const search = (query: string, auth = bearer(tokens.departement())) =>
    api.http.get(`/api/persons?${query}`).set(auth);
  const ids = (res: { body: { items: { parcoursId: string }[] } }) =>
    res.body.items.map((i) => i.parcoursId).sort();

  beforeAll(async () => {
    api = await startApi(store);
    await seedReferenceData(api);
    const enter = async (person: object, household: object, territory: string) =>
      (
        await post(
          '/api/parcours',
          bearer(tokens.system()),
          entryBody({ person, household, territory }),
        ).expect(201)
      ).body.id as string;
    followed = await enter(
      {
        lastName: 'Lefèvre-Saint Éloi',
        firstName: 'Anaïs',
        birthDate: '1991-03-08',
        sex: 'female',
        nir: '291037512345678',
      },
      { type: 'single', size: 1, cafNumber: 'C123456' },
      'ARRAGEOIS',
    );
    await post(`/api/parcours/${followed}/orientations`, bearer(tokens.slai()), {
      track: 'social',
      organisationId: 'org-ccas',
      decidedOn: '2025-01-20',
      notifiedOn: '2025-01-21',
    }).expect(201);
    await post(`/api/parcours/${followed}/referent`, bearer(tokens.slai()), {
      referentId: 'ref-ccas-1',
      assignedOn: '2025-01-22',
    }).expect(201);
    elsewhere = await enter(
      { lastName: 'LEFEVRE SAINT-ELOI', firstName: 'Bruno', birthDate: '1985-11-30', sex: 'male' },
      { type: 'couple', size: 2, cafNumber: 'C999999' },
      'CALAISIS',
    );
    erased = await enter(
      { lastName: 'Lefèvre-Saint Éloi', firstName: 'Chloé', birthDate: '1999-01-01', sex: 'female' },
      { type: 'single', size: 1 },
      'ARRAGEOIS',
    );
    await post(`/api/persons/${erased}/erasure`, bearer(tokens.departement()), {
      reason: 'retention_expired',
    }).expect(201);
    await projectionsCaughtUp(api);
  });
  afterAll(async () => {
    await api.close();
  });

  it('finds a name whatever its accents, case and punctuation; narrows it by first name or birth date', async () => {
    expect(ids(await search('lastName=lefevre%20saint%20eloi').expect(200))).toEqual(
      [followed, elsewhere].sort(),
    );
    expect(
      ids(await search(`lastName=${encodeURIComponent('LEFÈVRE-SAINT-ÉLOI')}&firstName=anais`).expect(200)),
    ).toEqual([followed]);
    expect(ids(await search('lastName=Lefevre-Saint-Eloi&birthDate=1985-11-30').expect(200))).toEqual([
      elsewhere,
    ]);
    expect((await search('lastName=Lefevre').expect(200)).body.total).toBe(0);
    const [line] = (await search('nir=291037512345678').expect(200)).body.items;
    expect(line).toMatchObject({
      parcoursId: followed,
      lastName: 'Lefèvre-Saint Éloi',
      firstName: 'Anaïs',
      territory: 'ARRAGEOIS',
    });
    expect(ids(await search('cafNumber=C999999').expect(200))).toEqual([elsewhere]);
  });

  it('never finds an erased person', async () => {
    expect(ids(await search('lastName=lefevre%20saint%20eloi&firstName=chloe').expect(200))).toEqual([]);
    expect(ids(await search('lastName=lefevre%20saint%20eloi&birthDate=1999-01-01').expect(200))).toEqual([]);
  });

  it(
    'keeps each role to its scope: the référent to the parcours followed, the SLAI to ' +
      'its territoire; the others may not search',
    async () => {
      expect(
        ids(await search('lastName=lefevre%20saint%20eloi', bearer(tokens.referent())).expect(200)),
      ).toEqual([followed]);
      expect(
        ids(
          await search('lastName=lefevre%20saint%20eloi', bearer(tokens.referent('ref-ccas-2'))).expect(200),
        ),
      ).toEqual([]);
      expect(ids(await search('lastName=lefevre%20saint%20eloi', bearer(tokens.slai())).expect(200))).toEqual(
        [followed],
      );
      expect(
        ids(await search('lastName=lefevre%20saint%20eloi', bearer(tokens.slai('CALAISIS'))).expect(200)),
      ).toEqual([elsewhere]);
      for (const token of [tokens.etat(), tokens.system(), tokens.of({ sub: 'dpo-1', role: 'dpo' })])
        await search('lastName=lefevre', bearer(token)).expect(403);
    },
  );

  it('refuses a search without a name, NIR or CAF number, and malformed criteria', async () => {
    expect((await search('firstName=anais').expect(422)).body.code).toBe('SEARCH_CRITERIA_REQUIRED');
    await search('nir=12').expect(400);
    await search('birthDate=1991-13-01&lastName=x').expect(400);
    await search('lastName=x&unknown=1').expect(400);
  });

  it('keeps no name nor NIR in clear in its index', async () => {
    const { sql } = api.app.get<Stores>(STORES);
    const rows = await sql.query<{ t: string }>("select string_agg(digest, ' ') as t from rm_person_index");
    expect(rows[0].t).not.toMatch(/lef[eè]vre|291037512345678|C123456/i);
    expect(rows[0].t.length).toBeGreaterThan(0);
  });
});

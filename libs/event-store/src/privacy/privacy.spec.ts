import { randomUUID } from 'node:crypto';
import { PARCOURS_PERSONAL_DATA } from '../../../domain/src/parcours/personal-data';
import { PgliteSqlClient } from '../sql/pglite-client';
import { SqlEventStore } from '../sql/sql-event-store';
import { EnvironmentMasterKey } from './master-key';
import { PersonErasedError, PersonKeys } from './person-keys';
import { PersonalDataEventStore } from './personal-data-event-store';
import { sealExistingEvents } from './seal-existing';

/** Crypto-shredding at the store (DOMAIN.md §7), on the embedded PostgreSQL. */
describe('personal data sealed in the event store', () => {
  let sql: PgliteSqlClient;
  let bare: SqlEventStore;
  let store: PersonalDataEventStore;
  const master = new EnvironmentMasterKey(Buffer.alloc(32, 7).toString('base64'));

  beforeEach(async () => {
    sql = await PgliteSqlClient.open({ schema: 'privacy' });
    bare = new SqlEventStore(sql);
    await bare.migrate();
    store = new PersonalDataEventStore(bare, PARCOURS_PERSONAL_DATA, new PersonKeys(sql, master));
  });
  afterEach(() => sql.close());

  const entered = (id: string, lastName = 'Martin') => ({
    id: randomUUID(),
    type: 'ParcoursEntered',
    data: {
      parcoursId: id,
      cycle: 1,
      person: { lastName, firstName: 'Léa', birthDate: '1990-04-17', sex: 'female', nir: '290047512345678' },
      household: { type: 'single', size: 1, cafNumber: 'C42' },
      territory: 'T',
      demandOn: '2025-01-02',
      rightOpenedOn: '2025-01-02',
      enteredOn: '2025-01-06',
    },
  });
  const raw = async () =>
    (
      await sql.query<{ data: Record<string, unknown> }>('select data from events order by global_position')
    ).map((r) => r.data);

  it(
    'stores names, birth date, NIR and CAF number sealed, keeps the month of birth ' +
      'and the facts in clear, and reads them back',
    async () => {
      const id = randomUUID();
      const event = entered(id);
      await store.appendToStream(`parcours-${id}`, [event]);
      const [stored] = await raw();
      expect(JSON.stringify(stored)).not.toMatch(/Martin|Léa|1990-04-17|290047512345678|C42/);
      expect(stored).toMatchObject({
        person: { sex: 'female', birthMonth: '1990-04' },
        household: { type: 'single', size: 1 },
        territory: 'T',
        sealed: expect.stringMatching(/^v1\./),
      });
      const [read] = await store.readStream(`parcours-${id}`);
      expect(read.data).toEqual(event.data);
    },
  );

  it('gives each person a key of their own; erasing one leaves the others readable and marks the fields erased', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await store.appendToStream(`parcours-${a}`, [entered(a, 'Alpha')]);
    await store.appendToStream(`parcours-${b}`, [entered(b, 'Beta')]);
    expect(await store.keys.erase(a, 'person_request', 'dep-1')).toBe(true);
    expect(await store.keys.erase(a, 'person_request', 'dep-1')).toBe(false);
    const { events } = await store.readAll();
    expect(events.map((e) => (e.data.person as { lastName: string }).lastName)).toEqual(['[effacé]', 'Beta']);
    expect(events[0].data.person).toEqual({
      sex: 'female',
      lastName: '[effacé]',
      firstName: '[effacé]',
      birthDate: '1990-04-01',
      erased: true,
    });
    expect(events[0].data.household).toEqual({ type: 'single', size: 1 });
    // Nothing personal can be written again for the erased person.
    await expect(store.appendToStream(`parcours-${a}`, [entered(a)])).rejects.toBeInstanceOf(
      PersonErasedError,
    );
  });

  it(
    'seals every coordinate of the person (e-mail, phone, address, civilité), keeps which channels ' +
      'are known, and loses the coordinates at erasure',
    async () => {
      const id = randomUUID();
      const contact = {
        id: randomUUID(),
        type: 'ContactDetailsRecorded',
        data: {
          recordedOn: '2025-02-01',
          channels: ['email', 'sms', 'letter'],
          civility: 'madame',
          email: 'lea.martin@example.org',
          phone: '06 12 34 56 78',
          postalAddress: {
            lines: ['Madame Léa Martin', '12 rue des Lilas'],
            postcode: '62000',
            city: 'ARRAS',
          },
        },
      };
      await store.appendToStream(`parcours-${id}`, [entered(id), contact]);
      const [, stored] = await raw();
      expect(JSON.stringify(stored)).not.toMatch(/lea\.martin|12 34|Lilas|62000|ARRAS|madame/);
      expect(stored).toEqual({
        recordedOn: '2025-02-01',
        channels: ['email', 'sms', 'letter'],
        sealed: expect.stringMatching(/^v1\./),
      });
      expect((await store.readStream(`parcours-${id}`))[1].data).toEqual(contact.data);
      await store.keys.erase(id, 'person_request', 'dep-1');
      expect((await store.readStream(`parcours-${id}`))[1].data).toEqual({
        recordedOn: '2025-02-01',
        channels: ['email', 'sms', 'letter'],
        erased: true,
      });
    },
  );

  it('binds a sealed part to its event: copied into another event, it does not open', async () => {
    const id = randomUUID();
    await store.appendToStream(`parcours-${id}`, [entered(id)]);
    const [stored] = await raw();
    await bare.appendToStream(`parcours-${id}`, [
      { id: randomUUID(), type: 'ParcoursEntered', data: stored },
    ]);
    await expect(store.readStream(`parcours-${id}`)).rejects.toThrow(/unable to authenticate|auth/i);
  });

  it('seals in place what was written in clear before, once, keeping ids and positions', async () => {
    const id = randomUUID();
    const before = entered(id);
    await bare.appendToStream(`parcours-${id}`, [
      before,
      {
        id: randomUUID(),
        type: 'AppointmentHeld',
        data: { appointmentId: randomUUID(), heldOn: '2025-02-01' },
      },
    ]);
    await bare.appendToStream('reference', [
      { id: randomUUID(), type: 'OrganisationRegistered', data: { name: 'CCAS Martin' } },
    ]);
    const positions = (await bare.readAll()).events.map((e) => [e.id, e.position]);
    expect(await sealExistingEvents(sql, store, { batchSize: 1 })).toEqual({ sealed: 1, read: 2 });
    expect(JSON.stringify((await raw())[0])).not.toMatch(/Martin|290047512345678/);
    expect((await bare.readAll()).events.map((e) => [e.id, e.position])).toEqual(positions);
    expect((await store.readStream(`parcours-${id}`))[0].data).toEqual(before.data);
    // Again: only the event without personal data is read, and nothing is written.
    expect(await sealExistingEvents(sql, store)).toEqual({ sealed: 0, read: 1 });
  });

  it('refuses a master key of the wrong size, and the development key in production', () => {
    expect(() => new EnvironmentMasterKey(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => EnvironmentMasterKey.fromEnvironment({ NODE_ENV: 'production' })).toThrow(
      /PARCOURS_MASTER_KEY/,
    );
    expect(
      EnvironmentMasterKey.fromEnvironment({
        NODE_ENV: 'production',
        PARCOURS_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
      }),
    ).toBeInstanceOf(EnvironmentMasterKey);
  });
});

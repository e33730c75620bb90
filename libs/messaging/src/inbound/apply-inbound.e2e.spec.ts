import { CommandBus } from '@nestjs/cqrs';
import { ExecuteParcoursCommand } from '@parcours/application';
import {
  bearer,
  followedParcours,
  seedReferenceData,
  startApi,
  TestApi,
  tokens,
} from '../../../../test/support/api';
import { applyInbound, CommandGateway, parcoursIdOfCafPerson } from './inbound-consumer';
import { CAF_TOPIC, decodeInbound, FRANCE_TRAVAIL_TOPIC, InboundMessage } from './inbound-messages';

/** Partner messages through the real command handler (no broker): what a message delivered twice does. */
describe('a partner message applied twice', () => {
  let api: TestApi;
  let gateway: CommandGateway;
  beforeAll(async () => {
    api = await startApi('embedded');
    await seedReferenceData(api);
    const commands = api.app.get(CommandBus);
    gateway = {
      execute: (id, command, identity, headers) =>
        commands.execute(new ExecuteParcoursCommand(id, command, identity, headers)),
    };
  });
  afterAll(async () => {
    await api.close();
  });

  const person = {
    cafNumber: 'RENTRY1',
    rank: 1,
    lastName: 'Durand',
    firstName: 'Sam',
    birthDate: '1988-02-03',
    sex: 'male' as const,
  };
  const entry = (messageId: string, on: string): InboundMessage => ({
    topic: CAF_TOPIC,
    messageId,
    type: 'entry',
    person,
    household: { type: 'single', size: 1 },
    territory: 'ARRAGEOIS',
    demandOn: on,
    rightOpenedOn: on,
    enteredOn: on,
  });

  it('a re-entry delivered again replays, instead of being refused as a reused key and dead-lettered', async () => {
    await applyInbound(entry('caf-e-1', '2025-01-06'), gateway);
    await applyInbound(
      {
        topic: CAF_TOPIC,
        messageId: 'caf-x-1',
        type: 'exit',
        person,
        exitedOn: '2025-03-31',
        reason: 'income',
      },
      gateway,
    );
    await applyInbound(entry('caf-e-2', '2025-05-05'), gateway);
    await applyInbound(entry('caf-e-2', '2025-05-05'), gateway);
    await applyInbound(entry('caf-e-1', '2025-01-06'), gateway);
    const history = await api.http
      .get(`/api/parcours/${parcoursIdOfCafPerson(person)}/history`)
      .set(bearer(tokens.departement()))
      .expect(200);
    expect(history.body.map((e: { type: string }) => e.type)).toEqual([
      'ParcoursEntered',
      'RsaExited',
      'ParcoursEntered',
    ]);
  });

  it('hours reported by the partner running the activity are recorded once, as reported by a partner', async () => {
    const parcoursId = await followedParcours(api);
    const p = `/api/parcours/${parcoursId}`;
    const contract = await api.http
      .post(`${p}/contracts`)
      .set(bearer(tokens.referent()))
      .send({
        kind: 'contrat_engagement',
        signedOn: '2025-02-03',
        startsOn: '2025-02-03',
        endsOn: '2025-08-02',
        weeklyHours: 15,
        objectives: [],
      })
      .expect(201);
    // As the partner sends it: decoded from the France Travail topic, then applied (twice: delivered again).
    const message = decodeInbound(
      FRANCE_TRAVAIL_TOPIC,
      Buffer.from(
        JSON.stringify({
          messageId: 'ft-hours-1',
          type: 'activity_hours',
          parcoursId,
          contractId: contract.body.contractId,
          weekOf: '2025-02-10',
          hours: 11.5,
        }),
      ),
    );
    await applyInbound(message, gateway);
    await applyInbound(message, gateway);
    const history = await api.http.get(`${p}/history`).set(bearer(tokens.departement())).expect(200);
    const recorded = history.body.filter((e: { type: string }) => e.type === 'ActivityHoursRecorded');
    expect(recorded.map((e: { data: unknown }) => e.data)).toEqual([
      { contractId: contract.body.contractId, weekOf: '2025-02-10', hours: 11.5, source: 'partner' },
    ]);
  });
});

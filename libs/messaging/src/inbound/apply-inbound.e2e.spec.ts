import { CommandBus } from '@nestjs/cqrs';
import { ExecuteParcoursCommand } from '@parcours/application';
import { bearer, seedReferenceData, startApi, TestApi, tokens } from '../../../../test/support/api';
import { applyInbound, CommandGateway, parcoursIdOfCafPerson } from './inbound-consumer';
import { CAF_TOPIC, InboundMessage } from './inbound-messages';

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
});

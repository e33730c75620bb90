import {
  CAF_TOPIC,
  decodeInbound,
  FRANCE_TRAVAIL_TOPIC,
  messageIdOf,
  UnprocessableMessage,
} from './inbound-messages';

const entry = (person: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) => ({
  messageId: 'caf-2025-000001',
  type: 'entry',
  person: {
    cafNumber: '1234567',
    rank: 1,
    lastName: 'Durand',
    firstName: 'Léa',
    birthDate: '1988-02-03',
    sex: 'female',
    nir: '288026212345678',
    ...person,
  },
  household: { type: 'single', size: 1 },
  territory: 'ARRAGEOIS',
  demandOn: '2025-01-02',
  rightOpenedOn: '2025-01-03',
  enteredOn: '2025-01-06',
  ...rest,
});
const encode = (v: unknown) => Buffer.from(JSON.stringify(v));

function refusal(topic: string, value: unknown): UnprocessableMessage {
  try {
    decodeInbound(topic, typeof value === 'string' ? Buffer.from(value) : encode(value));
  } catch (error) {
    if (error instanceof UnprocessableMessage) return error;
    throw error;
  }
  throw new Error('the message was accepted');
}

describe('partner messages', () => {
  it('reads the end of an employment from France Travail, with the employment id of parcours.employment_started', () => {
    const end = {
      messageId: 'ft-end-1',
      type: 'employment_end',
      parcoursId: '8a0b6c4e-1f6e-4b7e-9a57-3c1f2d9e0a11',
      employmentId: '1c9d6d3e-2b7a-4f4e-9d21-7f0e8b5a6c33',
      endedOn: '2025-05-31',
    };
    expect(decodeInbound(FRANCE_TRAVAIL_TOPIC, encode(end))).toMatchObject({
      type: 'employment_end',
      endedOn: '2025-05-31',
    });
    expect(refusal(FRANCE_TRAVAIL_TOPIC, { ...end, employmentId: 'e-1' }).code).toBe('INVALID_MESSAGE');
  });

  it('accepts a CAF entry with accents and apostrophes in the names', () => {
    expect(
      decodeInbound(CAF_TOPIC, encode(entry({ lastName: "N'Diaye-Lefèvre", firstName: 'Zoé' }))),
    ).toMatchObject({ type: 'entry', territory: 'ARRAGEOIS' });
  });

  // Regression: a NUL byte in the last name passed the schema, and PostgreSQL refused it (22P05) for ever.
  it.each([
    ['a NUL byte', 'Du\u0000rand'],
    ['a control character', 'Du\u001brand'],
    ['a C1 control character', 'Du\u0085rand'],
    ['a lone surrogate', 'Du\ud800rand'],
  ])('refuses a name holding %s, naming the field and not the value', (_, lastName) => {
    const error = refusal(CAF_TOPIC, entry({ lastName }));
    expect(error.code).toBe('INVALID_MESSAGE');
    expect(error.message).toBe('/person/lastName (pattern)');
  });

  it.each(['constructor', '__proto__', 'Constructor', 'toString', 'ARRAS 62', ''])(
    'refuses the territory %j: one identifier pattern, reserved names refused',
    (territory) => {
      const error = refusal(CAF_TOPIC, entry({}, { territory }));
      expect(error.code).toBe('INVALID_MESSAGE');
      expect(error.message).toMatch(/^\/territory \((pattern|identifier)\)$/);
    },
  );

  it('refuses a reserved name as message id', () => {
    expect(
      refusal(FRANCE_TRAVAIL_TOPIC, {
        messageId: 'constructor',
        type: 'employment_start',
        parcoursId: '8a0b6c4e-1f6e-4b7e-9a57-3c1f2d9e0a11',
        startedOn: '2025-04-01',
        kind: 'permanent',
      }).message,
    ).toBe('/messageId (pattern)');
  });

  it.each([
    {
      name: 'a birth date before 1900',
      person: { birthDate: '1850-01-01' },
      fault: '/person/birthDate (pattern)',
    },
    {
      name: 'a formula as last name',
      person: { lastName: '=HYPERLINK("x")' },
      fault: '/person/lastName (pattern)',
    },
    {
      name: 'a digit in the first name',
      person: { firstName: 'Léa2' },
      fault: '/person/firstName (pattern)',
    },
    { name: 'a NIR with month 00', person: { nir: '288006212345678' }, fault: '/person/nir (pattern)' },
  ])('is as strict as the API and the stored events: refuses $name', ({ person, fault }) => {
    expect(refusal(CAF_TOPIC, entry(person)).message).toBe(fault);
  });

  it('describes every fault by its path and rule, never by a value', () => {
    const error = refusal(
      CAF_TOPIC,
      entry(
        { birthDate: '03/02/1988', nir: 'Durand-1988', extra: 'Durand' },
        { household: { type: 'single' } },
      ),
    );
    expect(error.message.split('; ').sort()).toEqual([
      '/household/size (required)',
      '/person (additionalProperties)',
      '/person/birthDate (format)',
      '/person/birthDate (pattern)',
      '/person/nir (pattern)',
    ]);
    expect(error.message).not.toMatch(/Durand|1988/);
    expect(refusal(CAF_TOPIC, { messageId: 'x', type: 'Durand 1988-02-03' }).message).not.toMatch(
      /Durand|1988/,
    );
    expect(refusal(CAF_TOPIC, 'Durand 1988-02-03 {').code).toBe('MALFORMED_JSON');
  });

  it.each([
    { name: 'kept when it is one', value: encode({ messageId: 'caf-1' }), expected: 'caf-1' },
    {
      name: 'none from a name and first name',
      value: encode({ messageId: 'Durand Léa' }),
      expected: undefined,
    },
    { name: 'none from a message that is not JSON', value: Buffer.from('not json'), expected: undefined },
    { name: 'none from a message without value', value: null, expected: undefined },
  ])('reads a message id only when it is an identifier: $name', ({ value, expected }) => {
    expect(messageIdOf(value)).toBe(expected);
  });
});

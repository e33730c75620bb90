import { TemplateCode } from './notification';
import { isGsm, smsSegments } from './sms/gsm';
import {
  FACT_LIMITS,
  fillPlaceholders,
  findTemplate,
  latestTemplate,
  looksLikeNir,
  MessageFacts,
  MessageTemplate,
  renderMessage,
  TEMPLATES,
  TemplateRenderError,
} from './templates';

const CODES: TemplateCode[] = ['invitation', 'invitation-reminder', 'convocation', 'convocation-reminder'];

const facts: MessageFacts = {
  civility: 'Madame',
  lastName: 'LEFÈVRE',
  organismeName: 'CCAS d’Arras',
  organismePhone: '03 21 50 50 50',
  bookingUrl: 'https://rdv.arras.fr/rsa',
  appointment: {
    date: '2026-12-15',
    time: '14:30',
    mode: 'in_person',
    place: '2 place Guy Mollet, 62000 Arras',
  },
};

/** Values at their longest, with characters outside the GSM alphabet: the SMS must still fit in 2 segments. */
const longest: MessageFacts = {
  civility: 'Monsieur',
  lastName: 'Ê'.repeat(FACT_LIMITS.lastName),
  organismeName: 'Ô'.repeat(FACT_LIMITS.organismeName),
  organismePhone: '+33 (0)3 21 50 50 50'.slice(0, FACT_LIMITS.organismePhone),
  bookingUrl: `https://${'r'.repeat(FACT_LIMITS.bookingUrl - 8)}`,
  appointment: { date: '2026-09-30', time: '09:05', mode: 'in_person', place: 'ç'.repeat(FACT_LIMITS.place) },
};

describe('templates', () => {
  it('has one version of each (code, version) and a latest version for every code', () => {
    const keys = TEMPLATES.map((t) => `${t.code}/${t.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const code of CODES) expect(latestTemplate(code).code).toBe(code);
    expect(() => findTemplate({ code: 'invitation', version: 999 })).toThrow(TemplateRenderError);
  });

  it('renders the convocation e-mail with the appointment, the organisme and the salutation', () => {
    const message = renderMessage('convocation', 'email', facts);
    expect(message.template).toEqual({ code: 'convocation', version: 1 });
    expect(message.subject).toBe('Convocation à un rendez-vous le mardi 15 décembre 2026');
    expect(message.body).toContain('Madame LEFÈVRE,');
    expect(message.body).toContain(
      'le mardi 15 décembre 2026 à 14h30, à l’adresse suivante : 2 place Guy Mollet, 62000 Arras.',
    );
    expect(message.body).toContain('votre référent de parcours (CCAS d’Arras)');
    expect(message.body).toContain('prévenez-nous au 03 21 50 50 50');
    expect(message.body).toContain('L. 262-37');
    expect(message.body).not.toMatch(/\{\{|\}\}/);
  });

  it('renders a remote appointment and an invitation without booking page', () => {
    const phone = renderMessage('convocation-reminder', 'letter', {
      ...facts,
      appointment: { date: '2027-01-04', time: '09:00', mode: 'phone' },
    });
    expect(phone.body).toContain('le lundi 4 janvier 2027 à 09h00, par téléphone');
    const invitation = renderMessage('invitation', 'email', {
      ...facts,
      bookingUrl: undefined,
      appointment: undefined,
    });
    expect(invitation.body).toContain('en appelant le 03 21 50 50 50');
    expect(renderMessage('invitation', 'email', facts).body).toContain(
      'en ligne sur https://rdv.arras.fr/rsa',
    );
  });

  it('writes "Madame, Monsieur" when the civility is unknown', () => {
    const { civility: _civility, lastName: _lastName, ...anonymous } = facts;
    expect(renderMessage('invitation', 'letter', anonymous).body.startsWith('Madame, Monsieur,')).toBe(true);
  });

  it('puts no name in an SMS and brings it into the GSM alphabet', () => {
    const sms = renderMessage('convocation', 'sms', facts);
    expect(sms.subject).toBeUndefined();
    expect(sms.body).not.toContain('LEF');
    expect(isGsm(sms.body)).toBe(true);
    expect(sms.body).toContain("CCAS d'Arras vous convoque le mardi 15/12/2026 à 14h30, 2 place Guy Mollet");
    expect(sms.body).toContain('Empechement : 03 21 50 50 50');
  });

  it.each(CODES)(
    'keeps the SMS of %s within 2 segments (306 GSM characters) with the longest values',
    (code) => {
      for (const variant of [longest, { ...longest, bookingUrl: undefined }]) {
        const { body } = renderMessage(code, 'sms', variant);
        expect(isGsm(body)).toBe(true);
        expect(body.length).toBeLessThanOrEqual(306);
        expect(smsSegments(body)).toBeLessThanOrEqual(2);
      }
    },
  );

  it('refuses a value longer than its limit', () => {
    expect(() => renderMessage('invitation', 'sms', { ...facts, organismeName: 'x'.repeat(61) })).toThrow(
      /organismeName/,
    );
  });

  describe('refuses a NIR', () => {
    it.each([
      ['written plain in the name', { lastName: '185057800608436' }],
      [
        'with spaces in the place',
        { appointment: { ...facts.appointment!, place: '1 85 05 78 006 084 36' } },
      ],
      ['of Corsica without key', { lastName: '2 85 05 2A 006 084' }],
      ['of 13 digits in the phone', { organismePhone: '1850578006084' }],
    ])('%s', (_case, override) => {
      expect(() => renderMessage('convocation', 'email', { ...facts, ...override })).toThrow(/NIR/);
    });

    it('but not a phone number, a postcode or a date', () => {
      expect(looksLikeNir('03 21 50 50 50')).toBe(false);
      expect(looksLikeNir('+33 6 12 34 56 78')).toBe(false);
      expect(looksLikeNir('2 place Guy Mollet, 62000 Arras')).toBe(false);
      expect(looksLikeNir('185057800608436')).toBe(true);
    });
  });

  it('refuses a value it does not know, such as a NIR field', () => {
    const withNir = { ...facts, nir: '1 85 05 78 006 084 36' } as MessageFacts;
    expect(() => renderMessage('invitation', 'email', withNir)).toThrow(/unknown value "nir"/);
    const withBirthDate = {
      ...facts,
      appointment: { ...facts.appointment!, birthDate: '1985-05-01' },
    } as MessageFacts;
    expect(() => renderMessage('convocation', 'email', withBirthDate)).toThrow(/unknown appointment value/);
  });

  it('refuses an unknown placeholder and a placeholder without value', () => {
    const broken: MessageTemplate = {
      ...latestTemplate('invitation'),
      text: '{{salutation}}, votre NIR : {{nir}}',
    };
    expect(() => renderMessage('invitation', 'email', facts, broken)).toThrow(/unknown placeholder "nir"/);
    expect(() => fillPlaceholders('{{a}} {{b}}', ['a', 'b'], { a: '1' })).toThrow(
      /no value for placeholder "b"/,
    );
    // A convocation without its appointment cannot be rendered.
    expect(() => renderMessage('convocation', 'sms', { ...facts, appointment: undefined })).toThrow(
      /appointmentDate/,
    );
  });

  it('refuses a malformed appointment', () => {
    const bad = (appointment: Partial<NonNullable<MessageFacts['appointment']>>) => () =>
      renderMessage('convocation', 'email', {
        ...facts,
        appointment: { ...facts.appointment!, ...appointment },
      });
    expect(bad({ date: '2026-02-30' })).toThrow(/appointment.date/);
    expect(bad({ time: '25:00' })).toThrow(/appointment.time/);
    expect(bad({ place: undefined })).toThrow(/appointment.place/);
  });
});

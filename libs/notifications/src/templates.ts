/**
 * Versioned message templates (French) of the invitations and convocations
 * sent to RSA beneficiaries, and their rendering.
 *
 * A template is never edited once used: a new wording is a new version, and a
 * notification keeps the { code, version } it was rendered from. Rendering
 * takes only what the message needs (civilité and nom at most, the
 * appointment, the organisme's name and phone) and refuses anything that looks
 * like a NIR, any value it does not know, and any placeholder it cannot fill.
 */
import { Channel, TemplateCode, TemplateRef } from './notification';
import { longDateWithWeekday, parseCalendarDate, shortDateWithWeekday } from './french-date';
import { smsSegments, toGsm } from './sms/gsm';

export interface AppointmentFacts {
  /** Local date in France, YYYY-MM-DD. */
  date: string;
  /** Local time in France, HH:MM. */
  time: string;
  mode: 'in_person' | 'phone' | 'video';
  /** The address of the meeting, required in person (at most 100 characters). */
  place?: string;
}

/** Everything a message may say about the person and the appointment: nothing else is accepted. */
export interface MessageFacts {
  civility?: 'Madame' | 'Monsieur';
  lastName?: string;
  organismeName: string;
  organismePhone: string;
  /** The organisme's online booking page, when it has one. */
  bookingUrl?: string;
  appointment?: AppointmentFacts;
}

export interface MessageTemplate extends TemplateRef {
  /** The placeholders the texts may use; any other one makes the rendering throw. */
  placeholders: readonly string[];
  subject: string;
  /** Text of the e-mail and of the letter. */
  text: string;
  /** Text of the SMS: no name in it (it shows on a locked screen), at most 2 segments once rendered. */
  sms: string;
}

export interface RenderedMessage {
  template: TemplateRef;
  /** E-mail subject or letter "Objet"; absent for an SMS. */
  subject?: string;
  body: string;
}

export class TemplateRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateRenderError';
  }
}

const CLOSING =
  'Veuillez agréer, {{salutation}}, nos salutations distinguées.\n\n' +
  'Ce message vous est adressé dans le cadre de votre accompagnement RSA ({{organismeName}}). ' +
  'Pour toute question : {{organismePhone}}.';

const ABSENCE_WARNING =
  'Ce rendez-vous fait partie de vos engagements liés au revenu de solidarité active : votre présence est obligatoire. ' +
  'Une absence sans motif légitime peut entraîner la suspension de tout ou partie de votre RSA ' +
  "(article L. 262-37 du code de l'action sociale et des familles).";

export const TEMPLATES: readonly MessageTemplate[] = [
  {
    code: 'invitation',
    version: 1,
    placeholders: ['salutation', 'organismeName', 'organismePhone', 'bookingInstruction'],
    subject: 'Votre premier rendez-vous d’accompagnement RSA',
    text:
      '{{salutation}},\n\n' +
      'Bénéficiaire du revenu de solidarité active (RSA), vous êtes accompagné(e) par {{organismeName}}.\n\n' +
      'Nous vous invitons à prendre votre premier rendez-vous avec votre référent de parcours {{bookingInstruction}}.\n\n' +
      CLOSING,
    sms:
      'RSA - {{organismeName}} : bonjour, prenez votre 1er rendez-vous avec votre référent de parcours ' +
      '{{bookingInstruction}}. Ne pas répondre à ce SMS.',
  },
  {
    code: 'invitation-reminder',
    version: 1,
    placeholders: ['salutation', 'organismeName', 'organismePhone', 'bookingInstruction'],
    subject: 'Rappel : prenez votre premier rendez-vous d’accompagnement RSA',
    text:
      '{{salutation}},\n\n' +
      'Sauf erreur de notre part, vous n’avez pas encore pris votre premier rendez-vous avec votre référent de parcours ' +
      '({{organismeName}}).\n\n' +
      'Nous vous invitons à le prendre dès maintenant {{bookingInstruction}}.\n\n' +
      CLOSING,
    sms:
      'RSA - {{organismeName}} : rappel, vous n’avez pas encore pris votre 1er rendez-vous. ' +
      'Prenez-le {{bookingInstruction}}. Ne pas répondre à ce SMS.',
  },
  {
    code: 'convocation',
    version: 1,
    placeholders: [
      'salutation',
      'organismeName',
      'organismePhone',
      'appointmentDate',
      'appointmentDateShort',
      'appointmentTime',
      'appointmentPlace',
      'appointmentPlaceShort',
    ],
    subject: 'Convocation à un rendez-vous le {{appointmentDate}}',
    text:
      '{{salutation}},\n\n' +
      'Vous êtes convoqué(e) à un rendez-vous avec votre référent de parcours ({{organismeName}}) ' +
      'le {{appointmentDate}} à {{appointmentTime}}, {{appointmentPlace}}.\n\n' +
      ABSENCE_WARNING +
      '\n\nEn cas d’empêchement, prévenez-nous au {{organismePhone}} avant la date du rendez-vous.\n\n' +
      CLOSING,
    sms:
      'RSA - {{organismeName}} vous convoque le {{appointmentDateShort}} à {{appointmentTime}}, ' +
      '{{appointmentPlaceShort}}. Présence obligatoire. Empêchement : {{organismePhone}}',
  },
  {
    code: 'convocation-reminder',
    version: 1,
    placeholders: [
      'salutation',
      'organismeName',
      'organismePhone',
      'appointmentDate',
      'appointmentDateShort',
      'appointmentTime',
      'appointmentPlace',
      'appointmentPlaceShort',
    ],
    subject: 'Rappel : votre rendez-vous du {{appointmentDate}}',
    text:
      '{{salutation}},\n\n' +
      'Nous vous rappelons votre rendez-vous avec votre référent de parcours ({{organismeName}}) ' +
      'le {{appointmentDate}} à {{appointmentTime}}, {{appointmentPlace}}.\n\n' +
      ABSENCE_WARNING +
      '\n\nEn cas d’empêchement, prévenez-nous au {{organismePhone}} avant la date du rendez-vous.\n\n' +
      CLOSING,
    sms:
      'RSA - Rappel : RDV avec {{organismeName}} le {{appointmentDateShort}} à {{appointmentTime}}, ' +
      '{{appointmentPlaceShort}}. Empêchement : {{organismePhone}}',
  },
];

/** Longest values accepted, so that the SMS stay within 2 segments and the letters within their blocks. */
export const FACT_LIMITS = {
  lastName: 50,
  organismeName: 60,
  organismePhone: 20,
  bookingUrl: 80,
  place: 100,
};

const FACT_KEYS = new Set([
  'civility',
  'lastName',
  'organismeName',
  'organismePhone',
  'bookingUrl',
  'appointment',
]);
const APPOINTMENT_KEYS = new Set(['date', 'time', 'mode', 'place']);

/**
 * A NIR (numéro d'inscription au répertoire): 13 digits and a 2-digit key,
 * often written with spaces, dots or dashes, with 2A/2B for Corsica.
 */
export function looksLikeNir(value: string): boolean {
  const compact = value.replace(/[\s.\-\u00a0\u202f]/g, '');
  return /\d{13,15}/.test(compact) || /[12]\d{4}2[AB]\d{6}/i.test(compact);
}

export function latestTemplate(code: TemplateCode): MessageTemplate {
  const versions = TEMPLATES.filter((t) => t.code === code);
  if (!versions.length) throw new TemplateRenderError(`unknown template "${code}"`);
  return versions.reduce((a, b) => (b.version > a.version ? b : a));
}

export function findTemplate(ref: TemplateRef): MessageTemplate {
  const template = TEMPLATES.find((t) => t.code === ref.code && t.version === ref.version);
  if (!template) throw new TemplateRenderError(`unknown template "${ref.code}" version ${ref.version}`);
  return template;
}

function checkFacts(facts: MessageFacts): void {
  for (const key of Object.keys(facts)) {
    if (!FACT_KEYS.has(key))
      throw new TemplateRenderError(`unknown value "${key}": a message takes nothing else`);
  }
  if (facts.appointment) {
    for (const key of Object.keys(facts.appointment)) {
      if (!APPOINTMENT_KEYS.has(key)) throw new TemplateRenderError(`unknown appointment value "${key}"`);
    }
  }
  const strings: [string, unknown][] = [
    ...Object.entries(facts).filter(([key]) => key !== 'appointment'),
    ...Object.entries(facts.appointment ?? {}).map(([key, v]): [string, unknown] => [
      `appointment.${key}`,
      v,
    ]),
  ];
  for (const [key, value] of strings) {
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new TemplateRenderError(`value "${key}" must be a string`);
    // The NIR never leaves the system in a message, whatever field it was put in by mistake.
    if (looksLikeNir(value)) throw new TemplateRenderError(`value "${key}" looks like a NIR: refused`);
  }
  const limits: [string, string | undefined, number][] = [
    ['lastName', facts.lastName, FACT_LIMITS.lastName],
    ['organismeName', facts.organismeName, FACT_LIMITS.organismeName],
    ['organismePhone', facts.organismePhone, FACT_LIMITS.organismePhone],
    ['bookingUrl', facts.bookingUrl, FACT_LIMITS.bookingUrl],
    ['appointment.place', facts.appointment?.place, FACT_LIMITS.place],
  ];
  for (const [key, value, max] of limits) {
    if (value !== undefined && value.length > max)
      throw new TemplateRenderError(`value "${key}" is longer than ${max} characters`);
  }
  if (!facts.organismeName?.trim()) throw new TemplateRenderError('organismeName is required');
  if (!facts.organismePhone?.trim()) throw new TemplateRenderError('organismePhone is required');
  if (facts.civility !== undefined && facts.civility !== 'Madame' && facts.civility !== 'Monsieur')
    throw new TemplateRenderError('civility must be Madame or Monsieur');
  if (facts.bookingUrl !== undefined && !/^https:\/\/\S+$/.test(facts.bookingUrl))
    throw new TemplateRenderError('bookingUrl must be an https URL');
}

function appointmentValues(appointment: AppointmentFacts): Record<string, string> {
  const day = parseCalendarDate(appointment.date);
  if (!day) throw new TemplateRenderError('appointment.date must be a date YYYY-MM-DD');
  const time = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(appointment.time);
  if (!time) throw new TemplateRenderError('appointment.time must be HH:MM');
  let place: string;
  let placeShort: string;
  if (appointment.mode === 'in_person') {
    if (!appointment.place?.trim()) throw new TemplateRenderError('appointment.place is required in person');
    place = `à l’adresse suivante : ${appointment.place.trim()}`;
    placeShort = appointment.place.trim();
  } else if (appointment.mode === 'phone') {
    place = 'par téléphone : votre référent vous appellera';
    placeShort = 'par téléphone';
  } else if (appointment.mode === 'video') {
    place = 'en visioconférence : votre référent vous enverra le lien';
    placeShort = 'en visioconférence';
  } else {
    throw new TemplateRenderError('appointment.mode must be in_person, phone or video');
  }
  return {
    appointmentDate: longDateWithWeekday(day),
    appointmentDateShort: shortDateWithWeekday(day),
    appointmentTime: `${time[1]}h${time[2]}`,
    appointmentPlace: place,
    appointmentPlaceShort: placeShort,
  };
}

function placeholderValues(facts: MessageFacts): Record<string, string> {
  const salutation =
    facts.civility && facts.lastName?.trim()
      ? `${facts.civility} ${facts.lastName.trim()}`
      : (facts.civility ?? 'Madame, Monsieur');
  const phone = facts.organismePhone.trim();
  const bookingInstruction = facts.bookingUrl
    ? `en ligne sur ${facts.bookingUrl} ou au ${phone}`
    : `en appelant le ${phone}`;
  return {
    salutation,
    organismeName: facts.organismeName.trim(),
    organismePhone: phone,
    bookingInstruction,
    ...(facts.appointment ? appointmentValues(facts.appointment) : {}),
  };
}

/** Replaces every {{name}}; throws on a placeholder the template does not declare or no value fills. */
export function fillPlaceholders(
  text: string,
  allowed: readonly string[],
  values: Readonly<Record<string, string>>,
): string {
  return text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_match, name: string) => {
    if (!allowed.includes(name)) throw new TemplateRenderError(`unknown placeholder "${name}"`);
    const value = values[name];
    if (value === undefined) throw new TemplateRenderError(`no value for placeholder "${name}"`);
    return value;
  });
}

/** The SMS is at most 2 segments: a longer one costs more and is split unreliably by some handsets. */
export const MAX_SMS_SEGMENTS = 2;

/**
 * Renders a template (its latest version unless one is given) for a channel.
 * Throws TemplateRenderError on a NIR-like or unknown value, an unknown
 * placeholder, a missing value, or an SMS over 2 segments.
 */
export function renderMessage(
  ref: TemplateCode | TemplateRef,
  channel: Channel,
  facts: MessageFacts,
  template: MessageTemplate = typeof ref === 'string' ? latestTemplate(ref) : findTemplate(ref),
): RenderedMessage {
  checkFacts(facts);
  const values = placeholderValues(facts);
  const fill = (text: string) => fillPlaceholders(text, template.placeholders, values);
  const templateRef: TemplateRef = { code: template.code, version: template.version };
  let rendered: RenderedMessage;
  if (channel === 'sms') {
    // GSM 03.38 keeps 160 characters a segment; one é outside it would halve that (UCS-2).
    const body = toGsm(fill(template.sms));
    const segments = smsSegments(body);
    if (segments > MAX_SMS_SEGMENTS)
      throw new TemplateRenderError(`the SMS of "${template.code}" needs ${segments} segments (at most 2)`);
    rendered = { template: templateRef, body };
  } else {
    rendered = { template: templateRef, subject: fill(template.subject), body: fill(template.text) };
  }
  if (looksLikeNir(`${rendered.subject ?? ''}\n${rendered.body}`))
    throw new TemplateRenderError('the rendered message contains a NIR-like number: refused');
  return rendered;
}

/**
 * The GSM 03.38 alphabet of SMS: 160 characters in one segment, 153 in each
 * segment of a longer message. One character outside it switches the whole
 * message to UCS-2 (70, then 67 a segment), so texts are brought into it.
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Characters of the extension table: they take two septets. */
const GSM_EXTENDED = '^{}\\[~]|€\f';

const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

const REPLACEMENTS: Record<string, string> = {
  '’': "'",
  '‘': "'",
  '“': '"',
  '”': '"',
  '«': '"',
  '»': '"',
  '–': '-',
  '—': '-',
  '…': '...',
  œ: 'oe',
  Œ: 'OE',
  '\u00a0': ' ',
  '\u202f': ' ',
  '\t': ' ',
};

export function isGsm(text: string): boolean {
  return [...text].every((c) => BASIC.has(c) || EXTENDED.has(c));
}

/** Brings a French text into the GSM alphabet: ê → e, ç → c, ’ → ', « » → "; anything else left becomes '?'. */
export function toGsm(text: string): string {
  let out = '';
  for (const c of text) {
    if (BASIC.has(c) || EXTENDED.has(c)) out += c;
    else if (REPLACEMENTS[c] !== undefined) out += REPLACEMENTS[c];
    else {
      const base = c.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      out += base && isGsm(base) ? base : '?';
    }
  }
  return out;
}

/** Number of SMS segments the text takes (GSM 03.38 when it fits, UCS-2 otherwise). */
export function smsSegments(text: string): number {
  if (isGsm(text)) {
    const septets = [...text].reduce((n, c) => n + (EXTENDED.has(c) ? 2 : 1), 0);
    return septets <= 160 ? 1 : Math.ceil(septets / 153);
  }
  // UCS-2 counts UTF-16 code units.
  return text.length <= 70 ? 1 : Math.ceil(text.length / 67);
}

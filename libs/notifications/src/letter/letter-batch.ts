/**
 * Postal letters as PDF (pdfkit), posted once a day: each letter sent during
 * a day is kept in a spool file, and the day's batch gathers them into ONE
 * PDF, `letters-YYYY-MM-DD.pdf` (each letter starting on a new page, sorted
 * by postcode for the presorting of the mail), with a CSV manifest
 * `letters-YYYY-MM-DD.csv` (notification id, first page, postcode: no names)
 * for the printing service.
 *
 * The spool and the PDF hold addresses: the directory must be readable by the
 * service only; files are written with mode 0600.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { dayIn, longDate, parseCalendarDate } from '../french-date';
import { LetterNotification, NotificationSender, PostalAddress, SendOutcome } from '../notification';

export interface LetterBatchConfig {
  /** Where the spool and the day's PDF and manifest are written. */
  directory: string;
  /** The time zone that decides the day of a letter; Europe/Paris by default. */
  timeZone?: string;
  now?: () => Date;
}

export interface LetterBatchFile {
  day: string;
  pdfPath: string;
  manifestPath: string;
  letters: number;
  pages: number;
}

export interface ManifestRow {
  notificationId: string;
  /** The page of the PDF where the letter starts (1-based). */
  page: number;
  postcode: string;
}

/** AFNOR NF Z10-011: at most 38 characters a line, 6 lines with the postcode and city. */
const MAX_LINE = 38;
const MAX_LINES_ABOVE_POSTCODE = 5;

export function isValidPostalAddress(address: PostalAddress): boolean {
  const lines = address.lines.map((l) => l.trim()).filter(Boolean);
  return (
    lines.length >= 1 &&
    lines.length <= MAX_LINES_ABOVE_POSTCODE &&
    lines.every((l) => l.length <= MAX_LINE) &&
    /^\d{5}$/.test(address.postcode) &&
    address.city.trim().length > 0 &&
    `${address.postcode} ${address.city.trim()}`.length <= MAX_LINE
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class LetterBatch implements NotificationSender<'letter'> {
  readonly channel = 'letter' as const;
  private readonly timeZone: string;
  private readonly now: () => Date;

  constructor(private readonly config: LetterBatchConfig) {
    this.timeZone = config.timeZone ?? 'Europe/Paris';
    this.now = config.now ?? (() => new Date());
  }

  /** Adds the letter to today's batch. Sending the same notification again replaces it (idempotent). */
  async send(notification: LetterNotification): Promise<SendOutcome> {
    if (!UUID.test(notification.id)) throw new Error('a notification id must be a uuid');
    if (!isValidPostalAddress(notification.recipient))
      return { status: 'failed', errorCode: 'invalid_postal_address' };
    const day = dayIn(this.now(), this.timeZone);
    const spool = this.spoolDirectory(day);
    await fs.mkdir(spool, { recursive: true, mode: 0o700 });
    const file = path.join(spool, `${notification.id}.json`);
    // Written then renamed, so that a batch never reads half a letter.
    await fs.writeFile(`${file}.tmp`, JSON.stringify(notification), { mode: 0o600 });
    await fs.rename(`${file}.tmp`, file);
    return { status: 'sent', providerMessageId: `letters-${day}/${notification.id}` };
  }

  /**
   * Writes the day's PDF and manifest from the spool, then empties the spool.
   * Undefined when no letter was sent that day. Refuses to overwrite a batch
   * already written: its letters may be at the printer.
   */
  async writeBatch(day: string): Promise<LetterBatchFile | undefined> {
    const date = parseCalendarDate(day);
    if (!date) throw new Error(`day must be YYYY-MM-DD, got "${day}"`);
    const spool = this.spoolDirectory(day);
    const names = (await fs.readdir(spool).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
    if (!names.length) return undefined;

    const pdfPath = path.join(this.config.directory, `letters-${day}.pdf`);
    const manifestPath = path.join(this.config.directory, `letters-${day}.csv`);
    if (await exists(pdfPath))
      throw new Error(`letters-${day}.pdf already exists: the batch of that day is written`);

    const letters: LetterNotification[] = [];
    for (const name of names) letters.push(JSON.parse(await fs.readFile(path.join(spool, name), 'utf8')));
    letters.sort(
      (a, b) => a.recipient.postcode.localeCompare(b.recipient.postcode) || a.id.localeCompare(b.id),
    );

    const { pdf, firstPages, pages } = await renderLettersPdf(letters, longDate(date));
    const rows: ManifestRow[] = letters.map((l, i) => ({
      notificationId: l.id,
      page: firstPages[i],
      postcode: l.recipient.postcode,
    }));
    await writeAtomically(pdfPath, pdf);
    await writeAtomically(manifestPath, Buffer.from(manifestCsv(rows), 'utf8'));
    await fs.rm(spool, { recursive: true, force: true });
    return { day, pdfPath, manifestPath, letters: letters.length, pages };
  }

  /** The days before `day` whose letters wait in the spool (a batch not written: the worker was stopped that day). */
  async pendingDays(day: string): Promise<string[]> {
    const days = await fs.readdir(path.join(this.config.directory, 'spool')).catch(() => [] as string[]);
    return days.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && d < day).sort();
  }

  /** The ids of the letters waiting in a day's spool. */
  async spooled(day: string): Promise<string[]> {
    const names = await fs.readdir(this.spoolDirectory(day)).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length));
  }

  /** Takes a letter out of a day's spool before its batch is written (the person was erased): true if it was there. */
  async withdraw(day: string, notificationId: string): Promise<boolean> {
    if (!UUID.test(notificationId)) return false;
    try {
      await fs.rm(path.join(this.spoolDirectory(day), `${notificationId}.json`));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  /** The current day of the batch, in the configured time zone. */
  today(): string {
    return dayIn(this.now(), this.timeZone);
  }

  private spoolDirectory(day: string): string {
    return path.join(this.config.directory, 'spool', day);
  }
}

export function manifestCsv(rows: ManifestRow[]): string {
  // Ids are uuids and postcodes digits: nothing to quote.
  return ['notification_id,page,postcode', ...rows.map((r) => `${r.notificationId},${r.page},${r.postcode}`)]
    .join('\n')
    .concat('\n');
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

async function writeAtomically(file: string, content: Buffer): Promise<void> {
  await fs.writeFile(`${file}.tmp`, content, { mode: 0o600 });
  await fs.rename(`${file}.tmp`, file);
}

const MARGIN = 56; // 2 cm
/** Where the window of a DL envelope shows the address. */
const ADDRESS_X = 310;
const ADDRESS_Y = 150;

/**
 * The standard PDF fonts only know WinAnsi (Latin-1 and a few more): any
 * other letter is written without its accent rather than as a wrong glyph.
 */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
/** Letters that Unicode does not decompose into a base letter and an accent. */
const UNDECOMPOSED: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', ı: 'i', Ħ: 'H', ħ: 'h' };
export function toWinAnsi(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (
      c === '\n' ||
      (code >= 0x20 && code <= 0x7e) ||
      (code >= 0xa0 && code <= 0xff) ||
      WIN_ANSI_EXTRA.has(c)
    )
      out += c;
    else if (UNDECOMPOSED[c]) out += UNDECOMPOSED[c];
    else {
      const base = c.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      out += base && [...base].every((b) => b.codePointAt(0)! < 0x100) ? base : '?';
    }
  }
  return out;
}

/** One letter from the current page on: sender block, address block, date, object, body, signature. */
export function renderLetter(doc: PDFKit.PDFDocument, letter: LetterNotification, dateText: string): void {
  const width = doc.page.width - 2 * MARGIN;
  const sender = letter.sender;
  doc
    .font('Helvetica-Bold')
    .fontSize(11)
    .text(toWinAnsi(sender.organismeName), MARGIN, MARGIN, { width: 230 });
  doc.font('Helvetica').fontSize(10);
  for (const line of sender.addressLines) doc.text(toWinAnsi(line), { width: 230 });
  if (sender.phone) doc.text(toWinAnsi(`Tél. : ${sender.phone}`), { width: 230 });

  doc.fontSize(11);
  const address = [
    ...letter.recipient.lines.map((l) => l.trim()).filter(Boolean),
    `${letter.recipient.postcode} ${letter.recipient.city.trim().toUpperCase()}`,
  ];
  doc.text(toWinAnsi(address.join('\n')), ADDRESS_X, ADDRESS_Y, {
    width: doc.page.width - ADDRESS_X - MARGIN,
  });

  doc.text(toWinAnsi(`Le ${dateText}`), ADDRESS_X, 260);
  doc.fontSize(8).text(`Réf. : ${letter.id}`, ADDRESS_X, 276);

  doc
    .font('Helvetica-Bold')
    .fontSize(11)
    .text(toWinAnsi(`Objet : ${letter.subject}`), MARGIN, 320, { width });
  doc.moveDown(1.5);
  doc.font('Helvetica').fontSize(11).text(toWinAnsi(letter.body), MARGIN, doc.y, { width, align: 'left' });
  doc.moveDown(2);
  doc.text(toWinAnsi(sender.signature), MARGIN + width / 2, doc.y, { width: width / 2 });
  doc.text(toWinAnsi(sender.organismeName), { width: width / 2 });
}

/** All letters in one PDF, each from a new page; the page each one starts on (1-based). */
export function renderLettersPdf(
  letters: LetterNotification[],
  dateText: string,
): Promise<{ pdf: Buffer; firstPages: number[]; pages: number }> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      autoFirstPage: false,
      info: { Title: toWinAnsi(`Courriers du ${dateText}`), Producer: 'Parcours' },
    });
    const chunks: Buffer[] = [];
    let pages = 0;
    const firstPages: number[] = [];
    doc.on('pageAdded', () => {
      pages += 1;
    });
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('error', reject);
    doc.on('end', () => resolve({ pdf: Buffer.concat(chunks), firstPages, pages }));
    for (const letter of letters) {
      doc.addPage();
      firstPages.push(pages);
      renderLetter(doc, letter, dateText);
    }
    doc.end();
  });
}

import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import { LetterNotification, LetterSenderBlock } from '../notification';
import { renderMessage } from '../templates';
import { LetterBatch, toWinAnsi } from './letter-batch';

const sender: LetterSenderBlock = {
  organismeName: 'Maison du Département Solidarité',
  addressLines: ['12 rue des Écoles', '62000 ARRAS'],
  phone: '03 21 00 00 00',
  signature: 'Le référent de parcours',
};

function letter(
  lines: string[],
  postcode: string,
  city: string,
  facts: { civility: 'Madame' | 'Monsieur'; lastName: string },
): LetterNotification {
  const rendered = renderMessage('convocation', 'letter', {
    ...facts,
    organismeName: sender.organismeName,
    organismePhone: sender.phone!,
    appointment: {
      date: '2026-12-18',
      time: '09:30',
      mode: 'in_person',
      place: '12 rue des Écoles, 62000 Arras',
    },
  });
  return {
    id: randomUUID(),
    channel: 'letter',
    recipient: { lines, postcode, city },
    template: rendered.template,
    subject: rendered.subject!,
    body: rendered.body,
    sender,
  };
}

async function pdfPages(file: string): Promise<string[]> {
  const parser = new PDFParse({ data: await fs.readFile(file) });
  try {
    const result = await parser.getText();
    return result.pages.map((p) => p.text);
  } finally {
    await parser.destroy();
  }
}

describe('LetterBatch', () => {
  let directory: string;
  // 3 December 2026, 23:30 in Paris: still the 3rd there, already the 3rd in UTC too.
  const now = () => new Date('2026-12-03T22:30:00Z');

  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'parcours-letters-'));
  });

  afterEach(async () => {
    await fs.rm(directory, { recursive: true, force: true });
  });

  it('writes the letters of a day into one PDF, each from a new page, with a manifest without names', async () => {
    const batch = new LetterBatch({ directory, now });
    const lens = letter(['Monsieur Karim BENALI', '8 rue Émile Zola'], '62300', 'Lens', {
      civility: 'Monsieur',
      lastName: 'BENALI',
    });
    const arras = letter(
      ['Madame Élodie LEFÈVRE', 'Résidence Les Tilleuls', '4 allée des Peupliers'],
      '62000',
      'Arras',
      {
        civility: 'Madame',
        lastName: 'LEFÈVRE',
      },
    );
    expect(await batch.send(lens)).toEqual({
      status: 'sent',
      providerMessageId: `letters-2026-12-03/${lens.id}`,
    });
    expect((await batch.send(arras)).status).toBe('sent');
    // A retry of the outbox replaces the letter instead of printing it twice.
    expect((await batch.send(arras)).status).toBe('sent');
    expect(batch.today()).toBe('2026-12-03');

    const written = await batch.writeBatch('2026-12-03');
    expect(written).toMatchObject({ day: '2026-12-03', letters: 2 });
    expect(path.basename(written!.pdfPath)).toBe('letters-2026-12-03.pdf');

    const pages = await pdfPages(written!.pdfPath);
    expect(pages).toHaveLength(written!.pages);
    // Sorted by postcode: Arras (62000) first.
    const arrasStart = 0;
    const lensStart = pages.findIndex((text) => text.includes('Monsieur Karim BENALI'));
    expect(lensStart).toBeGreaterThan(arrasStart);
    const arrasText = pages.slice(arrasStart, lensStart).join('\n');
    const lensText = pages.slice(lensStart).join('\n');

    for (const [text, item, name] of [
      [arrasText, arras, 'Madame LEFÈVRE'],
      [lensText, lens, 'Monsieur BENALI'],
    ] as const) {
      expect(text).toContain('Maison du Département Solidarité');
      expect(text).toContain('Tél. : 03 21 00 00 00');
      expect(text).toContain(`${item.recipient.postcode} ${item.recipient.city.toUpperCase()}`);
      expect(text).toContain('Le 3 décembre 2026');
      expect(text).toContain(`Réf. : ${item.id}`);
      expect(text).toContain('Objet : Convocation à un rendez-vous le vendredi 18 décembre 2026');
      expect(text).toContain(`${name},`);
      expect(text).toContain('Le référent de parcours');
    }
    expect(arrasText).toContain('Résidence Les Tilleuls');
    expect(arrasText).not.toContain('BENALI');
    expect(lensText).not.toContain('LEFÈVRE');

    const manifest = await fs.readFile(written!.manifestPath, 'utf8');
    expect(manifest.trim().split('\n')).toEqual([
      'notification_id,page,postcode',
      `${arras.id},1,62000`,
      `${lens.id},${lensStart + 1},62300`,
    ]);
    expect(manifest).not.toMatch(/BENALI|LEF|rue/i);

    // The spool is emptied and the batch is never written twice.
    expect(await batch.writeBatch('2026-12-03')).toBeUndefined();
    await batch.send(lens);
    await expect(batch.writeBatch('2026-12-03')).rejects.toThrow(/already exists/);
  });

  it('refuses an address the post could not deliver', async () => {
    const batch = new LetterBatch({ directory, now });
    const facts = { civility: 'Madame' as const, lastName: 'DURAND' };
    for (const bad of [
      letter([], '62000', 'Arras', facts),
      letter(['Madame DURAND'], '620', 'Arras', facts),
      letter(['Madame DURAND', 'x'.repeat(39)], '62000', 'Arras', facts),
      letter(['Madame DURAND'], '62000', ' ', facts),
    ]) {
      expect(await batch.send(bad)).toEqual({ status: 'failed', errorCode: 'invalid_postal_address' });
    }
    expect(await batch.writeBatch('2026-12-03')).toBeUndefined();
  });

  it('writes characters the standard fonts lack without their accent', () => {
    expect(toWinAnsi('Łukasz Dąbrowski, œuvre, 50 €')).toBe('Lukasz Dabrowski, œuvre, 50 €');
  });
});

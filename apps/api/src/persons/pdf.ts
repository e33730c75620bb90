/**
 * A plain PDF (1.4) of text lines, enough for a letter answering a person's
 * right of access: Helvetica in WinAnsi encoding (French accents), A4 pages,
 * long lines wrapped. No dependency: the format is small and stable.
 */
const PAGE = { width: 595, height: 842, margin: 50, size: 10, leading: 13 };
const PER_LINE = 95;
const PER_PAGE = Math.floor((PAGE.height - 2 * PAGE.margin) / PAGE.leading);

/** Text in WinAnsi (cp1252 for what Latin-1 lacks), PDF string escapes; other characters become '?'. */
function pdfString(text: string): string {
  const special: Record<string, number> = {
    '€': 0x80,
    '’': 0x92,
    '‘': 0x91,
    '“': 0x93,
    '”': 0x94,
    '–': 0x96,
    '—': 0x97,
    œ: 0x9c,
    Œ: 0x8c,
    '…': 0x85,
  };
  let out = '';
  for (const ch of text) {
    const code = special[ch] ?? ch.codePointAt(0)!;
    if (code === 0x28 || code === 0x29 || code === 0x5c) out += `\\${ch}`;
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code >= 0x80 && code <= 0xff) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += '?';
  }
  return `(${out})`;
}

function wrap(line: string): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > PER_LINE) {
    const cut = rest.lastIndexOf(' ', PER_LINE) > 20 ? rest.lastIndexOf(' ', PER_LINE) : PER_LINE;
    out.push(rest.slice(0, cut));
    rest = `    ${rest.slice(cut).trimStart()}`;
  }
  out.push(rest);
  return out;
}

export function textPdf(lines: string[]): Buffer {
  const all = lines.flatMap(wrap);
  const pages: string[][] = [];
  for (let i = 0; i < all.length; i += PER_PAGE) pages.push(all.slice(i, i + PER_PAGE));
  if (!pages.length) pages.push(['']);
  // Objects: 1 catalog, 2 pages, 3 font, then a page and its content per page.
  const objects: string[] = [];
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  const kids: string[] = [];
  pages.forEach((page, i) => {
    const pageId = 4 + 2 * i;
    const contentId = pageId + 1;
    kids.push(`${pageId} 0 R`);
    const text = page.map((l, n) => `${n === 0 ? '' : 'T* '}${pdfString(l)} Tj`).join('\n');
    const stream = `BT /F1 ${PAGE.size} Tf ${PAGE.leading} TL ${PAGE.margin} ${PAGE.height - PAGE.margin} Td\n${text}\nET`;
    objects[pageId] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}]` +
      ` /Resources << /Font << /F1 3 0 R >> >> /Contents ${contentId} 0 R >>`;
    objects[contentId] = `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`;
  });
  objects[2] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pages.length} >>`;
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(body, 'latin1');
    body += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) body += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

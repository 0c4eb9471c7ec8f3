// The demo's documents (the VALOA workbook, the assessment tool, the cases) as small real PDFs, made
// at seed time with pdfkit rather than kept as binaries in the repository: a title page's heading and
// one page per paragraph. Fixed dates, so the same text always makes the same bytes (and the same
// blob, stored once however often it is used).
import PDFDocument from 'pdfkit';

export interface DemoDocument {
  title: string;
  pages: string[];
}

const FIXED_DATE = new Date('2026-01-15T08:00:00Z');

export function demoPdf(document: DemoDocument): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 72, lang: 'fi-FI', info: { Title: document.title, Author: 'Verso', CreationDate: FIXED_DATE, ModDate: FIXED_DATE } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  document.pages.forEach((text, index) => {
    if (index > 0) doc.addPage();
    if (index === 0) doc.font('Helvetica-Bold').fontSize(22).text(document.title).moveDown();
    doc.font('Helvetica').fontSize(12).text(text, { lineGap: 4 });
  });
  doc.end();
  return done;
}

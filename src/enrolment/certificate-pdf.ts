// A certificate of completion as a one-page A4 PDF (pdfkit, its built-in Helvetica, which has ä, ö
// and å), in the person's language: name, programme, round, dates in Helsinki, hours, facilitators,
// and the code with the address where anyone can check it.
import PDFDocument from 'pdfkit';
import { cohortNameIn } from '../i18n/cohort-name';
import { Language, LOCALES, translate } from '../i18n/i18n';
import { formatCertificateCode } from './certificate-code';
import type { Certificate } from './certificate.service';

/** The public page that checks a code. */
export const certificateUrl = (baseUrl: string, code: string) => `${baseUrl}/certificates/${formatCertificateCode(code)}`;

export function certificateDate(instant: Date, lang: Language): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { day: 'numeric', month: 'numeric', year: 'numeric', timeZone: 'Europe/Helsinki' }).format(instant);
}

export function certificateHours(hours: number, lang: Language): string {
  return new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 1 }).format(hours);
}

export function certificatePdf(certificate: Certificate, lang: Language, baseUrl: string): Promise<Buffer> {
  const t = (key: string, vars: Record<string, unknown> = {}) => translate(lang, `completion.certificate.${key}`, vars);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 72,
    lang: LOCALES[lang],
    info: { Title: t('title'), Author: 'Verso', Subject: `${certificate.personName}: ${certificate.programmeTitle}` },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const code = formatCertificateCode(certificate.code);
  doc.font('Helvetica-Bold').fontSize(26).text(t('title'), { align: 'center' });
  doc.moveDown(2);
  doc.font('Helvetica-Bold').fontSize(22).text(certificate.personName, { align: 'center' });
  doc.moveDown(0.5);
  doc.font('Helvetica').fontSize(13).text(t('hasCompleted'), { align: 'center' });
  doc.moveDown(0.5);
  doc.font('Helvetica-Bold').fontSize(18).text(certificate.programmeTitle, { align: 'center' });
  doc.moveDown(2);
  doc.font('Helvetica').fontSize(12);
  const line = (key: string, vars: Record<string, unknown>) => doc.text(t(key, vars)).moveDown(0.4);
  line('round', { round: cohortNameIn(certificate.cohortName, lang) });
  line('dates', { start: certificateDate(certificate.startsAt, lang), end: certificateDate(certificate.endsAt, lang) });
  line('hours', { hours: certificateHours(certificate.hours, lang) });
  if (certificate.facilitators.length) line('facilitators', { names: certificate.facilitators.join(', ') });
  line('completedOn', { date: certificateDate(certificate.completedAt, lang) });
  doc.moveDown(2);
  doc.font('Helvetica-Bold').text(t('code', { code }));
  doc.font('Helvetica').text(t('checkAt'));
  doc.text(certificateUrl(baseUrl, certificate.code));
  doc.end();
  return done;
}

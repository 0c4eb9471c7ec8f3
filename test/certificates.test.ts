// Certificates, through the real worker and an SMTP sink: a completion mails the person their
// certificate as a PDF in their own language (parsed back here with pdfjs-dist), its code verifies
// at /certificates/:code for anyone, showing only name, programme and date; an unknown, malformed,
// taken-back or anonymised code is a 404 that reveals nothing; the person (or an admin) downloads it
// again, nobody else.
import { execFile } from 'node:child_process';
import { DataSource } from 'typeorm';
import { Actor } from '../src/access/capabilities';
import { SessionInput } from '../src/catalogue/scheduling.rules';
import { normaliseCertificateCode } from '../src/enrolment/certificate-code';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { AgencyService } from '../src/identity/agency.service';
import { Language } from '../src/i18n/i18n';
import { NotificationKinds } from '../src/notifications/notification-kinds';
import { createUser, signIn } from './support/accounts';
import { adminId, helsinki, newCohort } from './support/catalogue';
import { outboxSettled } from './support/outbox';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The text of a PDF, page by page, from pdfjs-dist. It ships as ES modules only, which jest's module
 * loader here refuses, so a node of its own reads it (the same node that runs the tests).
 */
const PDF_TEXT = `
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const doc = await getDocument({ data: new Uint8Array(Buffer.concat(chunks)) }).promise;
const pages = [];
for (let n = 1; n <= doc.numPages; n++) {
  const content = await (await doc.getPage(n)).getTextContent();
  pages.push(content.items.map((item) => item.str + (item.hasEOL ? '\\n' : '')).join(''));
}
process.stdout.write(pages.join('\\n'));
`;
function pdfText(pdf: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', PDF_TEXT], { cwd: process.cwd(), maxBuffer: 10 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    );
    child.stdin!.end(pdf);
  });
}

const AUTUMN: SessionInput[] = [
  { startsAt: helsinki(2026, 10, 6, 9), endsAt: helsinki(2026, 10, 6, 16) },
  { startsAt: helsinki(2026, 11, 3, 9), endsAt: helsinki(2026, 11, 3, 12, 30) },
];

describe('certificates', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let db: DataSource;
  let enrolment: EnrolmentService;
  let admin: Actor;
  let adminEmail: string;
  let agencyId: string;

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start() });
    db = t.app.get(DataSource);
    enrolment = t.app.get(EnrolmentService);
    const [row] = await db.query(`SELECT id, email FROM app_user WHERE id = $1`, [await adminId(t)]);
    adminEmail = row.email;
    admin = { id: row.id, email: row.email, displayName: 'Maija Äijälä', agencyId: null, language: 'fi', siteRole: 'admin', emailVerified: true };
    await t.app.get(AgencyService).ensure(['Verohallinto']);
    agencyId = (await t.app.get(AgencyService).list('fi')).find((a) => a.name === 'Verohallinto')!.id;
  });
  afterAll(async () => {
    await t?.close();
    await sink.stop();
  });

  /** A finished autumn round with Sanna facilitating, and this person completed in it. */
  async function completed(person: { displayName: string; language: Language; email?: string }) {
    const sanna = await createUser(t, { displayName: 'Sanna Järvinen' });
    const cohort = await newCohort(t, {
      name: 'Syksy 2026',
      enrolmentOpensAt: helsinki(2026, 8, 1),
      enrolmentClosesAt: helsinki(2026, 9, 30),
      cancellationDeadline: null,
      sessions: AUTUMN,
      facilitatorEmails: [sanna.email],
    });
    const user = await createUser(t, { ...person, agencyId });
    await enrolment.enrolByEmail(admin, cohort.id, user.email, null);
    await enrolment.complete(admin, cohort.id, user.id);
    const [completion]: { id: string; certificate_code: string }[] = await db.query(`SELECT id, certificate_code FROM completion WHERE cohort_id = $1 AND user_id = $2`, [cohort.id, user.id]);
    return { cohort, user, completion };
  }

  it('mails a Swedish-speaking person their certificate in Swedish, as a PDF with name, programme, round, dates, hours, facilitators and code', async () => {
    const { user, completion } = await completed({ displayName: 'Åsa Åström', language: 'sv' });
    const mail = await sink.mailTo(user.email, 'Ditt intyg');
    expect(mail.subject).toBe('Ditt intyg: Komplexitet och systemtänkande, hösten 2026');
    const code = completion.certificate_code.match(/.{4}/g)!.join('-');
    expect(mail.text).toContain(`Verifieringskod: ${code}`);
    expect(mail.text).toContain(`${t.config.baseUrl}/certificates/${code}`);
    expect(mail.text).toContain(`${t.config.baseUrl}/profile#register`);
    expect(mail.html).toContain('/profile#register');
    const [attachment] = mail.parsed.attachments;
    expect(mail.parsed.attachments).toHaveLength(1);
    expect(attachment.contentType).toBe('application/pdf');
    expect(attachment.filename).toBe(`intyg-${code}.pdf`);
    const text = await pdfText(attachment.content);
    expect(text).toContain('Intyg över genomförd utbildning');
    expect(text).toContain('Åsa Åström');
    expect(text).toContain('har genomfört utbildningsprogrammet');
    expect(text).toContain('Komplexitet och systemtänkande');
    expect(text).toContain('Grupp: Hösten 2026');
    expect(text).toContain('Tid: 6.10.2026–3.11.2026');
    expect(text).toContain('Omfattning: 10,5 timmar');
    expect(text).toContain('Handledare: Sanna Järvinen');
    expect(text).toContain(`Verifieringskod: ${code}`);
    expect(text).toContain(`/certificates/${code}`);
    expect(text).not.toContain('Todistus');
  });

  it('writes a Finnish speaker’s certificate in Finnish', async () => {
    const { user } = await completed({ displayName: 'Aino Äijälä', language: 'fi' });
    const mail = await sink.mailTo(user.email, 'Todistuksesi');
    const text = await pdfText(mail.parsed.attachments[0].content);
    expect(text).toContain('Todistus suorituksesta');
    expect(text).toContain('Aino Äijälä');
    expect(text).toContain('Kompleksisuus ja systeemiajattelu');
    expect(text).toContain('Laajuus: 10,5 tuntia');
  });

  it('verifies a code for anyone, however it is typed, showing only name, programme and date', async () => {
    const { user, completion } = await completed({ displayName: 'Oskar Öhman', language: 'en' });
    const code = completion.certificate_code;
    const printed = code.match(/.{4}/g)!.join('-');
    for (const typed of [printed, code.toLowerCase(), encodeURIComponent(` ${printed.toLowerCase()} `)]) {
      const res = await t.http.get(`/certificates/${typed}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Oskar Öhman');
      expect(res.text).toContain('Kompleksisuus ja systeemiajattelu');
      expect(res.text).toContain(new Intl.DateTimeFormat('fi-FI', { timeZone: 'Europe/Helsinki' }).format(new Date()));
      expect(res.text).toContain(printed);
      // Nothing else about the person or the round.
      for (const hidden of [user.email, 'Verohallinto', 'Sanna Järvinen', 'Syksy 2026']) expect(res.text).not.toContain(hidden);
    }
  });

  it('answers an unknown, malformed, taken-back or anonymised code with a 404 that reveals nothing', async () => {
    const { cohort, user, completion } = await completed({ displayName: 'Ville Väänänen', language: 'fi' });
    const notFound = async (path: string) => {
      const res = await t.http.get(path);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('Ville Väänänen');
      expect(res.text).not.toContain('Kompleksisuus');
      return /<main[\s\S]*<\/main>/.exec(res.text)![0];
    };
    const unknown = await notFound('/certificates/K7QX-M3PA-9TRD');
    for (const bad of ['x', 'K7QX-M3PA-9TR', '%27%20OR%201%3D1', 'A'.repeat(100)]) expect(await notFound(`/certificates/${bad}`)).toBe(unknown);
    expect((await t.http.get(`/certificates/${completion.certificate_code}`)).status).toBe(200);

    // Anonymised by the retention job: no person any more, and no certificate either.
    await db.query(`UPDATE completion SET user_id = NULL, anonymised_at = now() WHERE id = $1`, [completion.id]);
    expect(await notFound(`/certificates/${completion.certificate_code}`)).toBe(unknown);
    await db.query(`UPDATE completion SET user_id = $2, anonymised_at = NULL WHERE id = $1`, [completion.id, user.id]);

    // Taken back: the code no longer verifies.
    await enrolment.undoCompletion(admin, cohort.id, user.id);
    await notFound(`/certificates/${completion.certificate_code}`);
  });

  it('verifies a code given before certificates existed (12 hexadecimal characters)', async () => {
    const { completion } = await completed({ displayName: 'Eeva Lindström', language: 'fi' });
    await db.query(`UPDATE completion SET certificate_code = '0A1B2C3D4E5F' WHERE id = $1`, [completion.id]);
    expect(normaliseCertificateCode('0a1b-2c3d-4e5f')).toBe('0A1B2C3D4E5F');
    expect((await t.http.get('/certificates/0a1b-2c3d-4e5f')).text).toContain('Eeva Lindström');
  });

  it('sends nothing for a completion taken back before its mail went', async () => {
    const { cohort, user, completion } = await completed({ displayName: 'Pekka Peltonen', language: 'fi' });
    await enrolment.undoCompletion(admin, cohort.id, user.id);
    // What the outbox asks just before sending: the completion is gone, so the mail is stale.
    expect(await t.app.get(NotificationKinds).current('completion.certificate', { completionId: completion.id, cohortId: cohort.id }, 'fi')).toBeNull();
    await outboxSettled(db);
    const [row] = await db.query(`SELECT status FROM notification WHERE kind = 'completion.certificate' AND recipient_email = $1`, [user.email]);
    // Sent already, or dropped as stale: either way, never after the undo with a working code.
    if (row.status !== 'sent') expect(row.status).toBe('cancelled');
  });

  it('lets the person, and an admin, download the certificate again; anyone else gets 404', async () => {
    const { user, completion } = await completed({ displayName: 'Aino Äijälä', language: 'sv' });
    const path = `/my/certificates/${completion.id}.pdf`;
    const own = await signIn(t, user.email);
    const res = await t.http
      .get(path)
      .set('cookie', own.cookieHeader())
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(await pdfText(res.body as Buffer)).toContain('Aino Äijälä');
    expect((await (await signIn(t, adminEmail)).get(path)).status).toBe(200);
    const other = await signIn(t, (await createUser(t)).email);
    expect((await other.get(path)).status).toBe(404);
    expect((await other.get(`/my/certificates/${completion.id}`)).status).toBe(404);
    expect((await other.get('/my/certificates/nonsense.pdf')).status).toBe(404);
    expect((await t.http.get(path)).status).toBe(303);
  });

  it('limits how many codes one address may check (as other public lookups), then asks to wait', async () => {
    let res = await t.http.get('/certificates/K7QX-M3PA-9TRD');
    for (let tries = 0; res.status !== 429 && tries < 80; tries++) res = await t.http.get('/certificates/K7QX-M3PA-9TRD');
    expect(res.status).toBe(429);
    expect(res.text).toMatch(/Liian monta yritystä|yritä uudelleen/i);
  });
});

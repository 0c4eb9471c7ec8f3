// Materials in Chromium with JavaScript turned off (issue 19, "done when"): Sanna, facilitator of a
// round, puts the workbook on its second session through the multipart form; Aino, a participant,
// finds it under "Materiaalit: tiistai" on her home page and downloads the very bytes. The form and
// the session page are axe clean.
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { EnrolmentService } from '../../src/enrolment/enrolment.service';
import { actorOf, createUser } from '../support/accounts';
import { launchBrowser, seriousViolations, signInOnPage } from '../support/browser';
import { newCohort, newProgramme } from '../support/catalogue';
import { startTestApp, TestApp } from '../support/test-app';

const WORKBOOK = Buffer.concat([Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'), randomBytes(64)]);

describe('materials in the browser, without JavaScript', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let db: DataSource;
  let cohortId: string;
  let secondSessionId: string;
  let sannaEmail: string;
  let ainoEmail: string;
  const contexts: BrowserContext[] = [];

  /** A browser of its own, signed in as `email` on `path`: JavaScript off, as the flow must work; on only to run axe (whose script tag bypassCSP lets in). */
  async function browserOf(email: string, path: string, javaScriptEnabled = false): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled, bypassCSP: true, locale: 'fi-FI' });
    contexts.push(context);
    const page = await context.newPage();
    await signInOnPage(page, base, email, path);
    return page;
  }

  /** axe-core's serious and critical findings on `path` as `email` sees it (axe needs JavaScript; the page itself does not). */
  async function axeOn(email: string, path: string) {
    return seriousViolations(await browserOf(email, path, true));
  }

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    db = t.app.get(DataSource);
    const admin = await createUser(t, { displayName: 'Maija Ylläpitäjä', siteRole: 'admin' });
    const sanna = await createUser(t, { displayName: 'Sanna Fasilitaattori' });
    const aino = await createUser(t, { displayName: 'Aino Äijälä' });
    sannaEmail = sanna.email;
    ainoEmail = aino.email;
    const programme = await newProgramme(t);
    const cohort = await newCohort(t, { programmeId: programme.id, facilitatorEmails: [sanna.email] });
    cohortId = cohort.id;
    await t.app.get(EnrolmentService).enrolByEmail(actorOf(admin), cohort.id, aino.email, null);
    const sessions: { id: string }[] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [cohort.id]);
    secondSessionId = sessions[1].id;
    // The first day is behind the round: the second session (Tuesday 13.4.2027) is Aino's next.
    await db.query(`UPDATE cohort_session SET starts_at = now() - interval '7 days', ends_at = now() - interval '7 days' + interval '7 hours' WHERE id = $1`, [sessions[0].id]);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  it('lets Sanna upload the workbook to the second session and Aino download it from her home page', async () => {
    const formPath = `/sessions/${secondSessionId}/materials/new`;
    const sanna = await browserOf(sannaEmail, formPath);
    expect(await headingOf(sanna)).toBe('Lisää materiaali');
    expect(await axeOn(sannaEmail, formPath)).toEqual([]);

    await sanna.fill('#material-title-fi', 'VALOA-työkirja');
    await sanna.fill('#material-note-fi', 'Tulosta ja tuo mukanasi.');
    await sanna.setInputFiles('#material-file', { name: 'valoa-tyokirja.pdf', mimeType: 'application/pdf', buffer: WORKBOOK });
    const sessionPath = `/cohorts/${cohortId}/sessions/${secondSessionId}`;
    await Promise.all([sanna.waitForURL(`${base}${sessionPath}#materials-session`), sanna.click('form[enctype="multipart/form-data"] button[type="submit"]')]);
    expect(await sanna.textContent('#materials-session')).toBe('Tapaamisen materiaalit');
    expect(await sanna.isVisible('a:has-text("VALOA-työkirja")')).toBe(true);
    // A link through the same form: the browser sends the empty file input along, which is no file.
    await sanna.goto(`${base}${formPath}`);
    await sanna.fill('#material-title-fi', 'Verkoston sivut');
    await sanna.fill('#material-url', 'https://example.fi/verkosto');
    await Promise.all([sanna.waitForURL(`${base}${sessionPath}#materials-session`), sanna.click('form[enctype="multipart/form-data"] button[type="submit"]')]);
    expect(await sanna.getAttribute('a:has-text("Verkoston sivut")', 'href')).toBe('https://example.fi/verkosto');
    // The session page with the keepers' buttons, and the replace form listing the version.
    expect(await axeOn(sannaEmail, sessionPath)).toEqual([]);
    const replaceHref = await sanna.getAttribute('a[href$="/replace"]', 'href');
    expect(await axeOn(sannaEmail, replaceHref!)).toEqual([]);

    const aino = await browserOf(ainoEmail, '/');
    expect(await aino.textContent('.home-session__materials h3')).toBe('Materiaalit: tiistai');
    const href = await aino.getAttribute('.home-session__materials a:has-text("VALOA-työkirja")', 'href');
    expect(href).toMatch(/^\/files\/[0-9a-f-]{36}$/);
    // The link as her browser follows it, with her session.
    const download = await aino.request.get(`${base}${href}`);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toBe('application/pdf');
    expect(Buffer.from(await download.body()).equals(WORKBOOK)).toBe(true);

    // Her session page lists it too, axe clean as she sees it.
    await aino.goto(`${base}${sessionPath}`);
    expect(await aino.isVisible('a:has-text("VALOA-työkirja")')).toBe(true);
    expect(await axeOn(ainoEmail, sessionPath)).toEqual([]);
    expect(await axeOn(ainoEmail, '/')).toEqual([]);
  }, 120_000);
});

const headingOf = (page: Page) => page.textContent('h1');

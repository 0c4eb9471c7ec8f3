// Completion in Chromium: the facilitator's roster after the last session's attendance is saved
// proposes those who meet the rule, one button confirms them, and a visitor checks a certificate's
// code; each page clean by axe, and the round's admin page with its completion rule too.
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Actor } from '../../src/access/capabilities';
import { EnrolmentService } from '../../src/enrolment/enrolment.service';
import { launchBrowser, signInOnPage, seriousViolations } from '../support/browser';
import { createUser } from '../support/accounts';
import { adminId, helsinki, newCohort } from '../support/catalogue';
import { startTestApp, TestApp } from '../support/test-app';

describe('completions in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchBrowser();
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A page of this person's own browser (CSP bypassed for axe's script), signed in on `path`. */
  async function signedIn(email: string, path: string): Promise<Page> {
    const context = await browser.newContext({ bypassCSP: true, locale: 'fi-FI' });
    const page = await context.newPage();
    await signInOnPage(page, base, email, path);
    return page;
  }

  it('proposes, confirms with one click, and the certificate checks out for a visitor', async () => {
    const db = t.app.get(DataSource);
    const enrolment = t.app.get(EnrolmentService);
    const adminUserId = await adminId(t);
    const [adminRow] = await db.query(`SELECT email FROM app_user WHERE id = $1`, [adminUserId]);
    const admin: Actor = { id: adminUserId, email: adminRow.email, displayName: 'Maija Äijälä', agencyId: null, language: 'fi', siteRole: 'admin', emailVerified: true };
    const sanna = await createUser(t, { displayName: 'Sanna Järvinen' });
    const cohort = await newCohort(t, {
      name: 'Syksy 2026',
      enrolmentOpensAt: helsinki(2026, 8, 1),
      enrolmentClosesAt: helsinki(2026, 9, 30),
      cancellationDeadline: null,
      facilitatorEmails: [sanna.email],
      completionMinSessions: 1,
      sessions: [
        { startsAt: helsinki(2026, 10, 6, 9), endsAt: helsinki(2026, 10, 6, 16) },
        { startsAt: helsinki(2026, 11, 3, 9), endsAt: helsinki(2026, 11, 3, 16) },
      ],
    });
    const people = [await createUser(t, { displayName: 'Aino Äijälä' }), await createUser(t, { displayName: 'Oskar Öhman' })];
    for (const person of people) await enrolment.enrolByEmail(admin, cohort.id, person.email, null);
    const sessions: { id: string }[] = await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at`, [cohort.id]);
    await enrolment.markAttendance(admin, sessions[0].id, people[0].id, true);
    await enrolment.markAttendance(admin, sessions[0].id, people[1].id, false);
    await enrolment.markAttendance(admin, sessions[1].id, people[0].id, false);
    await enrolment.markAttendance(admin, sessions[1].id, people[1].id, false);

    const path = `/cohorts/${cohort.id}/roster`;
    const page = await signedIn(sanna.email, path);
    expect(await page.textContent('#completion-heading + p')).toContain('vähintään 1 tapaamista');
    expect(await page.textContent('.proposed-completions')).toContain('Aino Äijälä');
    expect(await page.textContent('.proposed-completions')).not.toContain('Oskar Öhman');
    expect(await seriousViolations(page)).toEqual([]);
    await Promise.all([page.waitForNavigation(), page.click('main button:has-text("Vahvista suoritukset")')]);
    expect(await page.textContent('.notice')).toContain('Suoritukset vahvistettu');
    expect(await seriousViolations(page)).toEqual([]);

    const [{ certificate_code: code }] = await db.query(`SELECT certificate_code FROM completion WHERE cohort_id = $1`, [cohort.id]);
    const visitor = await (await browser.newContext({ bypassCSP: true, locale: 'fi-FI' })).newPage();
    const res = await visitor.goto(`${base}/certificates/${code.toLowerCase()}`);
    expect(res?.status()).toBe(200);
    expect(await visitor.textContent('main')).toContain('Aino Äijälä');
    expect(await seriousViolations(visitor)).toEqual([]);

    const adminPage = await signedIn(adminRow.email, `/admin/cohorts/${cohort.id}`);
    expect(await adminPage.isChecked('#cohort-completion-rule-attendance')).toBe(true);
    expect(await adminPage.inputValue('#cohort-completion-min-sessions')).toBe('1');
    expect(await seriousViolations(adminPage)).toEqual([]);
  });
});

// A seat offered from the queue, as the person meets it in Chromium: their home page shows the offer
// and its deadline, the link in the offer mail opens a page with the deadline and the two buttons,
// accepting confirms the seat, and the home page then no longer shows the offer. Each page is
// checked with axe-core.
import { AddressInfo } from 'node:net';
import { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Actor } from '../../src/access/capabilities';
import { EnrolmentService } from '../../src/enrolment/enrolment.service';
import { actorOf, createUser, TEST_PASSWORD } from '../support/accounts';
import { launchBrowser, seriousViolations } from '../support/browser';
import { newCohort } from '../support/catalogue';
import { SmtpSink } from '../support/smtp-sink';
import { startTestApp, TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const OFFER_LINK = /https?:\/\/[^\s]+\/enrolments\/offer\/[A-Za-z0-9_-]+/;

describe('a seat offered from the queue, in a real browser', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    sink = new SmtpSink();
    t = await startTestApp({ SMTP_URL: await sink.start() });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchBrowser();
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.stop();
  });

  it('opens from the mail with its deadline, is accepted, and then leaves the home page; every page is accessible', async () => {
    const db = t.app.get(DataSource);
    const enrolment = t.app.get(EnrolmentService);
    const admin: Actor = actorOf(await createUser(t, { siteRole: 'admin' }));
    const cohort = await newCohort(t, { capacity: 1, name: 'Syksy 2027' });
    await db.query(`UPDATE cohort SET seat_offer_hours = 48 WHERE id = $1`, [cohort.id]);
    const seated = await createUser(t, { displayName: 'Pekka Korhonen' });
    const juha = await createUser(t, { displayName: 'Juha Virtanen', email: 'juha.virtanen@verohallinto.fi' });
    await enrolment.enrolByEmail(admin, cohort.id, seated.email, null);
    await enrolment.enrolByEmail(admin, cohort.id, juha.email, null);
    await enrolment.cancel(admin, cohort.id, seated.id, null);

    let mail = sink.received.find((received) => received.to.includes(juha.email) && /tarjotaan paikkaa/.test(received.subject));
    for (let waited = 0; !mail && waited < 15000; waited += 100) {
      await sleep(100);
      mail = sink.received.find((received) => received.to.includes(juha.email) && /tarjotaan paikkaa/.test(received.subject));
    }
    expect(mail).toBeDefined();
    const link = OFFER_LINK.exec(mail!.text)![0].replace(t.config.baseUrl, base);

    // axe-core is injected as a script tag, which the site's own CSP would rightly refuse.
    const context = await browser.newContext({ bypassCSP: true, locale: 'fi-FI' });
    try {
      const page = await context.newPage();
      await page.goto(`${base}/login?next=/`);
      await page.fill('#login-email', juha.email);
      await page.fill('#login-password', TEST_PASSWORD);
      await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/login"] button[type="submit"]')]);
      expect(await page.locator('.home-round', { hasText: 'Paikka tarjottu, vastaus' }).count()).toBe(1);
      expect(await page.locator(`form[action="/cohorts/${cohort.id}/offer"]`).count()).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);

      const response = await page.goto(link);
      expect(response?.status()).toBe(200);
      expect(await page.textContent('h1')).toBe('Sinulle tarjotaan paikkaa');
      const [{ offer_expires_at: deadline }] = await db.query(`SELECT offer_expires_at FROM enrolment WHERE cohort_id = $1 AND user_id = $2`, [cohort.id, juha.id]);
      // Hours in two digits, as the page writes them ("klo 00.07" just after midnight, "klo 09.30").
      const time = new Intl.DateTimeFormat('fi-FI', { timeZone: 'Europe/Helsinki', hour: '2-digit', minute: '2-digit' }).format(deadline);
      expect(await page.textContent('.offer-deadline')).toContain(`klo ${time}`);
      expect(await seriousViolations(page)).toEqual([]);

      await Promise.all([page.waitForNavigation(), page.click('main button:has-text("Ota paikka vastaan")')]);
      expect(await page.textContent('main')).toContain('Otit paikan vastaan: olet nyt mukana ryhmässä Syksy 2027.');
      expect(await seriousViolations(page)).toEqual([]);
      const [{ status }] = await db.query(`SELECT status FROM enrolment WHERE cohort_id = $1 AND user_id = $2`, [cohort.id, juha.id]);
      expect(status).toBe('confirmed');

      await page.goto(`${base}/`);
      expect(await page.locator('.home-round', { hasText: 'Paikka tarjottu' }).count()).toBe(0);
      expect(await page.locator(`form[action="/cohorts/${cohort.id}/offer"]`).count()).toBe(0);
      expect(await page.locator('.home-round', { hasText: 'Vahvistettu' }).count()).toBe(1);
    } finally {
      await context.close();
    }
  }, 90000);
});

// The register's pages in Chromium, checked with axe-core: the register filtered by agency, the
// import form and its preview with errors, the privacy page, the profile's register setting and the
// agency contact section of a person's admin page. The import works without JavaScript: the CSV is
// pasted, previewed and confirmed with plain forms.
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { AgencyService } from '../../src/identity/agency.service';
import { createUser } from '../support/accounts';
import { newCohort, newProgramme } from '../support/catalogue';
import { launchBrowser, signInOnPage, seriousViolations } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

const LANGUAGES = ['fi', 'sv', 'en'] as const;

describe('the register in a real browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let vero: string;
  let adminEmail: string;
  let personId: string;

  async function signIn(into: BrowserContext, email: string): Promise<void> {
    const page = await into.newPage();
    await signInOnPage(page, base, email, '/profile');
    await page.close();
  }

  async function checked(page: Page, path: string, status = 200): Promise<void> {
    const response = await page.goto(`${base}${path}`);
    expect(response?.status()).toBe(status);
    expect(await seriousViolations(page)).toEqual([]);
  }

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const db = t.app.get(DataSource);
    await t.app.get(AgencyService).ensure(['Verohallinto', 'Tulli']);
    vero = (await t.app.get(AgencyService).list('fi')).find((a) => a.name === 'Verohallinto')!.id;
    const programme = await newProgramme(t, { slug: 'kompleksisuus' });
    const cohort = await newCohort(t, { programmeId: programme.id });
    for (const [name, listed] of [['Aino Ahkera', true], ['Bertta Berg', false]] as const) {
      const user = await createUser(t, { displayName: name, agencyId: vero });
      await db.query(`UPDATE app_user SET listed_in_register = $2 WHERE id = $1`, [user.id, listed]);
      await db.query(`INSERT INTO completion (programme_id, cohort_id, user_id, agency_id) VALUES ($1, $2, $3, $4)`, [programme.id, cohort.id, user.id, vero]);
      personId = user.id;
    }
    const admin = await createUser(t, { siteRole: 'admin', displayName: 'Anna Admin' });
    adminEmail = admin.email;
    browser = await launchBrowser();
    // axe-core is injected as a script tag, which the site's own CSP would rightly refuse.
    context = await browser.newContext({ bypassCSP: true, locale: 'fi-FI' });
    await signIn(context, adminEmail);
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  for (const lang of LANGUAGES) {
    it(`shows the register, the import form, the privacy page, the profile and the person's admin page without serious violations (${lang})`, async () => {
      await context.addCookies([{ name: 'lang', value: lang, url: base }]);
      const page = await context.newPage();
      try {
        await checked(page, `/developers?agency=${vero}`);
        expect(await page.textContent('main')).toContain('Bertta Berg');
        await checked(page, '/developers?agency=nope', 400);
        await checked(page, '/admin/register/import');
        await checked(page, '/privacy');
        await checked(page, '/profile#register');
        await checked(page, `/admin/users/${personId}`);
      } finally {
        await page.close();
      }
    });
  }

  it('previews a file with errors accessibly, row by row', async () => {
    await context.addCookies([{ name: 'lang', value: 'fi', url: base }]);
    const page = await context.newPage();
    try {
      await page.goto(`${base}/admin/register/import`);
      await page.fill('#import-body', 'name,email,agency,programme,year\nOuti Outo,outi@x.fi,Maailman virasto,kompleksisuus,1850\nOuti Outo,outi@x.fi,Verohallinto,kompleksisuus,2005');
      await Promise.all([page.waitForLoadState('load'), page.click('form[action="/admin/register/import"] button[type="submit"]')]);
      expect(await page.textContent('main')).toContain('Virastoa ei löydy Versosta.');
      expect(await page.locator('form[action="/admin/register/import/confirm"]').count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('imports a good file without JavaScript: paste, preview, confirm', async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false, locale: 'fi-FI' });
    try {
      await signIn(noScript, adminEmail);
      const page = await noScript.newPage();
      await page.goto(`${base}/admin/register/import`);
      await page.fill('#import-body', 'name,email,agency,programme,year\n"Åberg, Åsa",asa@vero.fi,verohallinto,kompleksisuus,2009\nKalle Kaiku,kalle@vero.fi,Verohallinto,Kompleksisuus ja systeemiajattelu,2011');
      await Promise.all([page.waitForURL(`${base}/admin/register/import`), page.click('form[action="/admin/register/import"] button[type="submit"]')]);
      expect(await page.textContent('main')).toContain('Kaikki 2 riviä ovat kunnossa.');
      await Promise.all([page.waitForURL(`${base}/admin/register/import?imported=2`), page.click('form[action="/admin/register/import/confirm"] button[type="submit"]')]);
      expect(await page.textContent('[role="status"]')).toContain('2 suoritusta tuotu.');
      await page.goto(`${base}/developers?agency=${vero}`);
      expect(await page.textContent('main')).toContain('Åberg, Åsa');
    } finally {
      await noScript.close();
    }
  });
});

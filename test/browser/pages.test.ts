// The browser suite: every page a person can reach, loaded in Chromium and checked with axe-core.
// Every page added later joins PAGES.
import { Browser, BrowserContext, Page } from 'playwright-core';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/demo/demo-data';
import { EnrolmentService } from '../../src/enrolment/enrolment.service';
import { launchBrowser, seriousViolations } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

const PAGES: { name: string; path: string; status?: number }[] = [
  { name: 'home', path: '/' },
  { name: 'programmes', path: '/programmes' },
  { name: 'programme', path: '/programmes/kompleksisuus-ja-systeemiajattelu' },
  { name: 'cohort', path: '/cohorts/:onSiteCohort' },
  { name: 'online cohort', path: '/cohorts/:onlineCohort' },
  { name: 'unknown cohort', path: '/cohorts/00000000-0000-4000-8000-000000000000', status: 404 },
  { name: 'not found', path: '/programmes/no-such-programme', status: 404 },
  { name: 'sign-in', path: '/login' },
  { name: 'register', path: '/register' },
  { name: 'forgot password', path: '/password/forgot' },
  { name: 'profile', path: '/profile' },
  { name: 'my notifications', path: '/notifications' },
  { name: 'admin overview', path: '/admin' },
  { name: 'admin users', path: '/admin/users' },
  { name: 'admin agencies', path: '/admin/agencies' },
  { name: 'outbox', path: '/admin/outbox' },
  { name: 'outbox message', path: '/admin/outbox/:message' },
  { name: 'admin programmes', path: '/admin/programmes' },
  { name: 'admin new programme', path: '/admin/programmes/new' },
  { name: 'admin programme', path: '/admin/programmes/:programme' },
  { name: 'admin new round', path: '/admin/programmes/:programme/cohorts/new' },
  { name: 'admin round', path: '/admin/cohorts/:onSiteCohort' },
  { name: 'admin next round', path: '/admin/cohorts/:onSiteCohort/copy' },
  { name: 'admin session', path: '/admin/sessions/:session' },
  { name: 'admin term view', path: '/admin/schedule?term=2027-spring' },
  { name: 'my cohorts', path: '/my/cohorts' },
  { name: 'my calendar', path: '/my/calendar' },
  { name: 'events', path: '/events' },
  { name: 'admin network events', path: '/admin/events' },
  { name: 'admin new network event', path: '/admin/events/new' },
  { name: 'roster', path: '/cohorts/:onSiteCohort/roster' },
  { name: 'approval link that no longer works', path: '/enrolments/approval/no-such-token', status: 409 },
];
const LANGUAGES = ['fi', 'sv', 'en'] as const;

describe('pages in a real browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  /** The ids the PAGES paths name as `:name`. */
  const ids: Record<string, string> = {};

  /** Signs in through the sign-in form, as a person would; lands on the outbox. */
  async function signInAsAdmin(page: Page): Promise<void> {
    await page.goto(`${base}/login?next=%2Fadmin%2Foutbox`);
    await page.fill('#login-email', DEMO_USERS[0].email);
    await page.fill('#login-password', DEMO_PASSWORD);
    await page.click('form[action="/login"] button[type="submit"]');
    await page.waitForURL(`${base}/admin/outbox`);
  }

  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'true' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchBrowser();
    // axe-core is injected as a script tag, which the site's own CSP would rightly refuse.
    context = await browser.newContext({ bypassCSP: true, locale: 'fi-FI' });
    const page = await context.newPage();
    await signInAsAdmin(page);
    ids.message = await page.getAttribute('tbody tr a', 'href').then((href) => href!.split('/').pop()!);
    await page.close();
    const firstRound = async (slug: string): Promise<string> => {
      const [row] = await t.app.get(DataSource).query(`SELECT c.id FROM cohort c JOIN programme p ON p.id = c.programme_id WHERE p.slug = $1 ORDER BY c.starts_at LIMIT 1`, [slug]);
      return row.id;
    };
    ids.onSiteCohort = await firstRound('kompleksisuus-ja-systeemiajattelu');
    ids.onlineCohort = await firstRound('dialogisuus-yhteiskehittelyssa');
    const db = t.app.get(DataSource);
    ids.programme = (await db.query(`SELECT programme_id FROM cohort WHERE id = $1`, [ids.onSiteCohort]))[0].programme_id;
    ids.session = (await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at LIMIT 1`, [ids.onSiteCohort]))[0].id;
    // People on the round, so the roster's tables and forms and the admin's own list have rows to check.
    const [admin] = await db.query(`SELECT id, email, display_name AS "displayName", agency_id AS "agencyId", language, site_role AS "siteRole", email_verified_at IS NOT NULL AS "emailVerified" FROM app_user WHERE email = $1`, [DEMO_USERS[0].email]);
    for (const { email } of DEMO_USERS) await t.app.get(EnrolmentService).enrolByEmail(admin, ids.onSiteCohort, email, null);
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  for (const lang of LANGUAGES) {
    for (const { name, path, status = 200 } of PAGES) {
      it(`${name} (${lang}) has no serious or critical accessibility violations`, async () => {
        await context.addCookies([{ name: 'lang', value: lang, url: base }]);
        const page = await context.newPage();
        try {
          const response = await page.goto(`${base}${path.replace(/:(\w+)/, (_, name: string) => ids[name])}`);
          expect(response?.status()).toBe(status);
          expect(await page.getAttribute('html', 'lang')).toBe(lang);
          expect(await seriousViolations(page)).toEqual([]);
        } finally {
          await page.close();
        }
      });
    }
  }

  it('offers a skip link as the first Tab stop, which moves focus to the main content', async () => {
    const page = await context.newPage();
    try {
      await context.clearCookies();
      await page.goto(`${base}/`);
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => ({ text: document.activeElement?.textContent, href: document.activeElement?.getAttribute('href') }));
      expect(focused).toEqual({ text: 'Siirry sisältöön', href: '#main' });
      const box = await page.locator('.skip-link').boundingBox();
      expect(box && box.y >= 0).toBe(true); // visible when focused
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    } finally {
      await page.close();
    }
  });

  it('works without JavaScript: the language switcher is a plain link that changes the page language', async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false, locale: 'fi-FI' });
    const page = await noScript.newPage();
    try {
      await page.goto(`${base}/programmes/valmentava-johtajuus`);
      expect(await page.textContent('h1')).toBe('Valmentava johtajuus');
      await page.click('a[hreflang="sv"]');
      await page.waitForURL(`${base}/programmes/valmentava-johtajuus`);
      expect(await page.getAttribute('html', 'lang')).toBe('sv');
      expect(await page.textContent('h1')).toBe('Coachande ledarskap');
      expect(await page.getAttribute('a[hreflang="sv"]', 'aria-current')).toBe('true');
    } finally {
      await noScript.close();
    }
  });

  it('lets an admin send a test message from the outbox page: a bad address is shown next to the field, kept, then fixed', async () => {
    const page = await context.newPage();
    try {
      await context.clearCookies();
      await signInAsAdmin(page);

      await page.fill('#test-email', 'not-an-address');
      await page.click('form[action="/admin/outbox/test-message"] button');
      await page.waitForLoadState();
      expect(await page.textContent('#test-email-error')).toContain('Anna sähköpostiosoite');
      expect(await page.inputValue('#test-email')).toBe('not-an-address');
      expect(await seriousViolations(page)).toEqual([]);

      await page.fill('#test-email', 'eeva.aijala@ruokavirasto.fi');
      await page.click('form[action="/admin/outbox/test-message"] button');
      await page.waitForURL(`${base}/admin/outbox?queued=1`);
      expect(await page.textContent('.notice')).toContain('Testiviesti on lähtevissä viesteissä');
      await expect(page.locator('td', { hasText: 'eeva.aijala@ruokavirasto.fi' }).count()).resolves.toBe(1);
    } finally {
      await page.close();
    }
  });

  it('loads the stylesheet (no CSP or path errors in the console)', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`${base}/`);
    const background = await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')!).backgroundColor);
    expect(background).toBe('rgb(7, 55, 99)');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

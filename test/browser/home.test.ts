// The home page in Chromium for the three people who start from it: Aino the participant, Sanna the
// facilitator and Maija the admin (with her overview at /admin). Each signs in through the form and
// lands on /, and each page is checked with axe-core on a desktop and on a phone (390×844), where
// nothing may be wider than the screen.
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { DEMO_FACILITATOR, DEMO_PASSWORD, DEMO_USERS } from '../../src/demo/demo-data';
import { launchBrowser, seriousViolations } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

const PEOPLE = [
  { role: 'participant', email: 'aino.virtanen@verohallinto.fi', heading: 'Seuraavat tapaamiset', pages: ['/'] },
  { role: 'facilitator', email: DEMO_FACILITATOR, heading: 'Ryhmät, joita valmennat', pages: ['/', '/my/cohorts'] },
  { role: 'admin', email: DEMO_USERS[0].email, heading: 'Lukemattomat keskustelut', pages: ['/', '/admin', '/admin/users'] },
] as const;

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

describe('the home page in a real browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'true' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchBrowser();
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Signs in through the form without a `next`, which lands on the home page. */
  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(`${base}/login`);
    await page.fill('#login-email', email);
    await page.fill('#login-password', DEMO_PASSWORD);
    await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/login"] button[type="submit"]')]);
  }

  for (const person of PEOPLE) {
    for (const viewport of VIEWPORTS) {
      it(`the ${person.role}'s pages on a ${viewport.name} fit the screen and have no serious accessibility violations`, async () => {
        // axe-core is injected as a script tag, which the site's own CSP would rightly refuse.
        const context = await browser.newContext({ bypassCSP: true, locale: 'fi-FI', viewport: { width: viewport.width, height: viewport.height } });
        try {
          const page = await context.newPage();
          await signIn(page, person.email);
          expect(await page.textContent('h1')).toBe('Oma etusivu');
          expect(await page.locator('h2', { hasText: person.heading }).count()).toBe(1);
          for (const path of person.pages) {
            const response = await page.goto(`${base}${path}`);
            expect(response?.status()).toBe(200);
            const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
            expect({ path, ...width, fits: width.scroll <= width.inner }).toEqual({ path, ...width, fits: true });
            expect({ path, violations: await seriousViolations(page) }).toEqual({ path, violations: [] });
          }
        } finally {
          await context.close();
        }
      }, 60000);
    }
  }

  it('shows the facilitator the roster and discussion of the rounds they run, and both open', async () => {
    const context = await browser.newContext({ locale: 'fi-FI' });
    try {
      const page = await context.newPage();
      await signIn(page, DEMO_FACILITATOR);
      const roster = page.locator('.home-facilitated a', { hasText: 'Osallistujalista' }).first();
      const href = await roster.getAttribute('href');
      expect(href).toMatch(/^\/cohorts\/[0-9a-f-]{36}\/roster$/);
      await Promise.all([page.waitForURL(`${base}${href}`), roster.click()]);
      await page.goBack();
      await Promise.all([page.waitForURL(/\/channels\//), page.locator('.home-facilitated a', { hasText: 'Ryhmän keskustelu' }).first().click()]);
      expect(page.url()).toMatch(/\/channels\/[0-9a-f-]{36}$/);
    } finally {
      await context.close();
    }
  }, 60000);

  for (const lang of ['sv', 'en'] as const) {
    it(`speaks ${lang} on the participant's home, accessibly`, async () => {
      const context = await browser.newContext({ bypassCSP: true, locale: 'fi-FI' });
      try {
        await context.addCookies([{ name: 'lang', value: lang, url: base }]);
        const page = await context.newPage();
        await signIn(page, 'aino.virtanen@verohallinto.fi');
        // Signing in sets the person's own language; the page then follows the switcher.
        await page.goto(`${base}/language/${lang}?next=/`);
        expect(await page.getAttribute('html', 'lang')).toBe(lang);
        expect(await page.textContent('h1')).toBe(lang === 'sv' ? 'Min startsida' : 'My home');
        expect(await seriousViolations(page)).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60000);
  }
});

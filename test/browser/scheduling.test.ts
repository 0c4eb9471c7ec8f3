// The scheduling round trip as a new admin would make it, in Chromium: create a programme, schedule
// a round with three sessions on one page, copy it to the next term, publish all of it; then an
// anonymous visitor finds both rounds in the catalogue in Finnish, Swedish and English.
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, seriousViolations } from '../support/browser';
import { createUser, TEST_PASSWORD } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';

describe('an admin schedules programme rounds in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchBrowser();
    const person = await createUser(t, { email: 'ohjelmatiimi@valtiokonttori.fi', displayName: 'Maija Äijälä', siteRole: 'admin' });
    // axe-core is injected as a script tag, which the site's own CSP would rightly refuse.
    admin = await browser.newContext({ bypassCSP: true, locale: 'fi-FI' });
    page = await admin.newPage();
    await page.goto(`${base}/login?next=%2Fadmin%2Fprogrammes`);
    await page.fill('#login-email', person.email);
    await page.fill('#login-password', TEST_PASSWORD);
    await page.click('form[action="/login"] button[type="submit"]');
    await page.waitForURL(`${base}/admin/programmes`);
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Clicks a submit button and waits for the page the form leads to. */
  async function submit(selector: string): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
  }

  it('creates, schedules, copies and publishes; anyone then sees both rounds in three languages', async () => {
    await page.click('a[href="/admin/programmes/new"]');
    await page.fill('#programme-slug', 'dialogi-ja-yhteiskehittely');
    await page.fill('#programme-title-fi', 'Dialogi ja yhteiskehittely');
    await page.fill('#programme-summary-fi', 'Dialogisia menetelmiä yhteiskehittelyyn.');
    await page.fill('#programme-description-fi', 'Valmennus **dialogiin**.');
    await page.fill('#programme-title-sv', 'Dialog och samutveckling');
    await page.fill('#programme-summary-sv', 'Dialogiska metoder för samutveckling.');
    await page.fill('#programme-title-en', 'Dialogue and co-development');
    await page.fill('#programme-summary-en', 'Dialogic methods for co-development.');
    await page.selectOption('#programme-theme', 'dialogue');
    await submit('form[action="/admin/programmes"] button[type="submit"]');
    const programmePath = new URL(page.url()).pathname;
    expect(programmePath).toMatch(/^\/admin\/programmes\/[0-9a-f-]{36}$/);
    await submit('button[name="status"][value="published"]');

    // One page: the round and its three sessions.
    await page.click(`a[href="${programmePath}/cohorts/new"]`);
    await page.fill('#cohort-name', 'Kevät 2027');
    await page.fill('#cohort-capacity', '20');
    await page.fill('#cohort-enrolment-opens-date', '2027-01-11');
    await page.fill('#cohort-enrolment-opens-time', '09:00');
    await page.fill('#cohort-enrolment-closes-date', '2027-02-28');
    await page.fill('#cohort-enrolment-closes-time', '16:00');
    await page.fill('#cohort-place', 'Valtiokonttori, Helsinki');
    const days = ['2027-03-16', '2027-04-13', '2027-05-11'];
    for (const [row, day] of days.entries()) {
      await page.fill(`#session-${row}-date`, day);
      await page.fill(`#session-${row}-start`, '09:00');
      await page.fill(`#session-${row}-end`, '16:00');
    }
    await submit(`form[action="${programmePath}/cohorts"] button[type="submit"]:not([name])`);
    const springPath = new URL(page.url()).pathname;
    expect(springPath).toMatch(/^\/admin\/cohorts\/[0-9a-f-]{36}$/);
    expect(await seriousViolations(page)).toEqual([]);

    // The next round: 26 weeks on, the same weekdays and the same 9:00.
    await page.click(`a[href="${springPath}/copy"]`);
    await page.fill('#copy-amount', '26');
    await page.selectOption('#copy-unit', 'weeks');
    await page.fill('#copy-name', 'Syksy 2027');
    await submit(`form[action="${springPath}/copy"] button[type="submit"]`);
    const autumnPath = new URL(page.url()).pathname;
    expect(autumnPath).not.toBe(springPath);
    const autumnTimes = await page.textContent('main');
    expect(autumnTimes).toContain('14.9.2027');
    expect(autumnTimes).toContain('9.00');

    for (const path of [autumnPath, springPath]) {
      await page.goto(`${base}${path}`);
      await submit('button[name="status"][value="published"]');
      expect(await page.textContent('main')).toContain('Julkaistu');
    }

    // An anonymous visitor, in each language.
    const visitor = await browser.newContext({ bypassCSP: true, locale: 'fi-FI' });
    const expected = {
      fi: { title: 'Dialogi ja yhteiskehittely', rounds: ['Kevät 2027', 'Syksy 2027'], time: '9.00' },
      sv: { title: 'Dialog och samutveckling', rounds: ['Våren 2027', 'Hösten 2027'], time: 'kl. 09.00–16.00' },
      en: { title: 'Dialogue and co-development', rounds: ['Spring 2027', 'Autumn 2027'], time: '09:00' },
    };
    try {
      for (const [lang, want] of Object.entries(expected)) {
        await visitor.addCookies([{ name: 'lang', value: lang, url: base }]);
        const anonymous = await visitor.newPage();
        await anonymous.goto(`${base}/`);
        await anonymous.click('a[href="/programmes/dialogi-ja-yhteiskehittely"]');
        expect(await anonymous.textContent('h1')).toBe(want.title);
        const main = (await anonymous.textContent('main'))!;
        for (const round of want.rounds) expect(main).toContain(round);
        const links = await anonymous.$$eval('main a[href^="/cohorts/"]', (anchors) => anchors.map((a) => a.getAttribute('href')));
        expect(new Set(links).size).toBe(2);
        await anonymous.goto(`${base}${links[1]}`);
        expect(await anonymous.textContent('main')).toContain(want.time);
        expect(await seriousViolations(anonymous)).toEqual([]);
        await anonymous.close();
      }
    } finally {
      await visitor.close();
    }
    // Some thirty page loads in one story, three of them checked by axe.
  }, 120_000);
});

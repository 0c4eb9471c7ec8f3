// The newsletter's public pages in Chromium, checked with axe-core: a visitor subscribes from
// /newsletter with the plain form (no JavaScript needed), sees a bad address refused next to the
// field with what they typed kept, then the "check your email" notice; the mailed link's page and
// a sent edition read cleanly too.
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { launchBrowser, seriousViolations } from '../support/browser';
import { secretLinkTo } from '../support/secret-links';
import { NEWSLETTER_CONFIRM_KIND } from '../../src/newsletter/newsletter-subscribers.service';
import { startTestApp, TestApp } from '../support/test-app';

describe('the newsletter in a real browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let db: DataSource;
  let editionId: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    db = t.app.get(DataSource);
    [{ id: editionId }] = await db.query(
      `INSERT INTO newsletter_edition (subject, body, status, scheduled_at, sent_at)
       VALUES ('{"fi": "Uutiskirje 1/2027", "sv": "Nyhetsbrev 1/2027"}', '{"fi": "## Kevään kehittäjäpäivät\\n\\nIlmoittaudu **nyt**.", "sv": "Anmäl dig **nu**."}', 'sent', now(), now())
       RETURNING id`,
    );
    browser = await launchBrowser();
    // axe-core is injected as a script tag, which the site's own CSP would rightly refuse.
    context = await browser.newContext({ bypassCSP: true, locale: 'fi-FI' });
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const open = async (page: Page, path: string, status = 200) => {
    const response = await page.goto(`${base}${path}`);
    expect(response?.status()).toBe(status);
    expect(await seriousViolations(page)).toEqual([]);
  };

  it('lets a visitor subscribe: a bad address is refused next to the field with the input kept, a good one gets the check-your-email notice', async () => {
    const page = await context.newPage();
    try {
      await open(page, '/newsletter');
      expect(await page.textContent('main')).toContain('Uutiskirje 1/2027');

      await page.fill('#newsletter-email', 'ei-osoite');
      await page.selectOption('#newsletter-language', 'sv');
      const refused = page.waitForResponse((response) => response.url().endsWith('/newsletter/subscribe'));
      await page.click('main form[action="/newsletter/subscribe"] button[type="submit"]');
      expect((await refused).status()).toBe(400);
      await page.waitForLoadState();
      expect(await page.textContent('#newsletter-email-error')).toBe('Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.');
      expect(await page.getAttribute('#newsletter-email', 'aria-describedby')).toBe('newsletter-email-error');
      expect(await page.inputValue('#newsletter-email')).toBe('ei-osoite');
      expect(await page.inputValue('#newsletter-language')).toBe('sv');
      expect(await seriousViolations(page)).toEqual([]);

      await page.fill('#newsletter-email', 'selain.tilaaja@verohallinto.fi');
      await page.click('main form[action="/newsletter/subscribe"] button[type="submit"]');
      await page.waitForSelector('.notice');
      expect(await page.textContent('.notice')).toContain('Tarkista sähköpostisi');
      expect(await seriousViolations(page)).toEqual([]);
      const [row] = await db.query(`SELECT status, language FROM newsletter_subscriber WHERE email = 'selain.tilaaja@verohallinto.fi'`);
      expect(row).toEqual({ status: 'pending', language: 'sv' });

      // The mailed link: a page with a button, which confirms.
      const link = await secretLinkTo(t, NEWSLETTER_CONFIRM_KIND, 'selain.tilaaja@verohallinto.fi', 'confirmUrl');
      await open(page, new URL(link).pathname);
      await page.click('main form button[type="submit"]');
      await page.waitForSelector('.notice');
      expect(await page.textContent('.notice')).toContain('Tilaus on vahvistettu');
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows a sent edition as a page, in Swedish where it has Swedish', async () => {
    await context.addCookies([{ name: 'lang', value: 'sv', url: base }]);
    const page = await context.newPage();
    try {
      await open(page, `/newsletter/${editionId}`);
      expect(await page.textContent('h1')).toBe('Nyhetsbrev 1/2027');
      expect(await page.innerHTML('.markdown')).toContain('<strong>nu</strong>');
    } finally {
      await page.close();
      await context.clearCookies();
    }
  });
});

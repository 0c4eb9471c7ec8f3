// The one search in Chromium, as a participant meets it: the header's "Haku" leads to the form,
// "käsi" typed there finds a post that says "kädessä" and a programme and an event with the word,
// each kind under its own heading with the matched word marked; "show more" narrows to one kind;
// a search of only punctuation is told next to the box with what was typed kept. The form works
// without JavaScript; the pages pass axe.
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { NetworkEventsService } from '../../src/calendar/network-events.service';
import { ForumsService } from '../../src/forums/forums.service';
import { actorOf, createUser } from '../support/accounts';
import { axeViolations, launchBrowser, signInOnPage } from '../support/browser';
import { adminId, newProgramme } from '../support/catalogue';
import { startTestApp, TestApp } from '../support/test-app';

const DAY = 86_400_000;

describe('the one search in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let email: string;
  const contexts: BrowserContext[] = [];

  async function newPage(options: { javaScriptEnabled: boolean }): Promise<Page> {
    // axe-core is injected as a script tag, which the site's own CSP would rightly refuse.
    const context = await browser.newContext({ bypassCSP: true, locale: 'fi-FI', javaScriptEnabled: options.javaScriptEnabled });
    contexts.push(context);
    return context.newPage();
  }

  async function submit(page: Page): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.click('main form[role="search"] button[type="submit"]')]);
  }

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const aino = await createUser(t, { displayName: 'Aino Virtanen' });
    email = aino.email;
    const [{ id: general }] = await t.app.get(DataSource).query(`SELECT id FROM forum_channel WHERE name->>'fi' = 'Yleinen keskustelu'`);
    await t.app.get(ForumsService).startThread(actorOf(aino), general, { title: 'Fasilitoinnin vinkit', body: 'Pidä kynä kädessä ja kysy ensin.', language: 'fi' }, 'fi');
    await newProgramme(t, { title: { fi: 'Käsi kädessä virastojen kanssa', sv: 'Hand i hand med myndigheterna', en: 'Hand in hand with the agencies' } });
    await t.app.get(NetworkEventsService).create(await adminId(t), {
      title: { fi: 'Käsien taidot -työpaja', sv: 'Händernas verkstad', en: 'Hands-on workshop' },
      description: { fi: 'Tehdään käsillä.' },
      startsAt: new Date(Date.now() + 20 * DAY),
      endsAt: new Date(Date.now() + 20 * DAY + 3 * 3_600_000),
      place: 'Helsinki',
      meetingLink: null,
    });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  it('finds "käsi" in a post, a programme and an event, grouped by kind with the word marked, without JavaScript', async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await signInOnPage(page, base, email, '/');
    await Promise.all([page.waitForNavigation(), page.click('header a[href="/search"]')]);
    expect(page.url()).toBe(`${base}/search`);
    await page.fill('#search-q', 'käsi');
    await submit(page);
    expect(page.url()).toBe(`${base}/search?q=k%C3%A4si&kind=&from=&to=`);
    const headings = await page.locator('main h2').allTextContents();
    expect(headings).toEqual([expect.stringMatching(/^Keskustelut \(1\)$/), expect.stringMatching(/^Valmennusohjelmat \(\d+\)$/), expect.stringMatching(/^Tapahtumat \(1\)$/)]);
    const posts = page.locator('section[aria-labelledby="search-post-heading"]');
    expect(await posts.locator('h3 a').textContent()).toBe('Fasilitoinnin vinkit');
    expect(await posts.locator('mark').first().textContent()).toBe('kädessä');
    expect(await page.locator('section[aria-labelledby="search-event-heading"] h3 a').textContent()).toBe('Käsien taidot -työpaja');
    // The result leads to the post itself.
    await Promise.all([page.waitForNavigation(), posts.locator('h3 a').click()]);
    expect(page.url()).toMatch(/\/threads\/[0-9a-f-]{36}#post-[0-9a-f-]{36}$/);
    expect(await page.textContent('main')).toContain('Pidä kynä kädessä ja kysy ensin.');
  });

  it('keeps what was typed and says what to fix next to the box, and narrows to one kind', async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await page.goto(`${base}/search`);
    await page.fill('#search-q', '&|!():*');
    await submit(page);
    expect(await page.textContent('#search-q-error')).toBe('Kirjoita vähintään yksi sana: pelkillä välimerkeillä ei voi hakea.');
    expect(await page.inputValue('#search-q')).toBe('&|!():*');
    await page.fill('#search-q', 'käsi');
    await page.selectOption('#search-kind', 'event');
    await submit(page);
    expect(await page.locator('main h2').allTextContents()).toEqual(['Tapahtumat (1)']);
    // A guest finds no discussions.
    await page.goto(`${base}/search?q=k%C3%A4si`);
    expect(await page.locator('main h2').allTextContents()).not.toContain('Keskustelut (1)');
  });

  it('passes axe with results, with "did you mean" and with a refused search', async () => {
    const page = await newPage({ javaScriptEnabled: true });
    await signInOnPage(page, base, email, '/');
    for (const path of ['/search', '/search?q=k%C3%A4si', '/search?q=k%C3%A4si&kind=programme&from=2020-01-01', '/search?q=k%C3%A4ssi', '/search?q=%26%7C!&from=31.12.']) {
      await page.goto(`${base}${path}`);
      expect({ path, violations: await axeViolations(page) }).toEqual({ path, violations: [] });
    }
  });
});

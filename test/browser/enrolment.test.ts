// Enrolment as people meet it, in Chromium: two people in their own browsers fill a two-seat round,
// a third is waitlisted as number 1, a cancellation promotes them, and the facilitator's roster CSV
// carries everyone's names with ä, ö and å intact.
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { createUser, TEST_PASSWORD } from '../support/accounts';
import { helsinki, newCohort } from '../support/catalogue';
import { startTestApp, TestApp } from '../support/test-app';

describe('people enrol in a round in their own browsers', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

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

  /** A browser of this person's own, signed in through the sign-in form, on the given page. */
  async function browserOf(email: string, path: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'fi-FI' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}/login?next=${encodeURIComponent(path)}`);
    await page.fill('#login-email', email);
    await page.fill('#login-password', TEST_PASSWORD);
    await Promise.all([page.waitForURL(`${base}${path}`), page.click('form[action="/login"] button[type="submit"]')]);
    return page;
  }

  async function press(page: Page, label: string): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.click(`main button:has-text("${label}")`)]);
  }

  it('fills two seats, waitlists the third as number 1, promotes them on a cancellation, and exports the roster', async () => {
    const facilitator = await createUser(t, { displayName: 'Sanna Järvinen', email: 'sanna.jarvinen@valtiokonttori.fi' });
    const cohort = await newCohort(t, {
      name: 'Kevät 2027 – pieni ryhmä',
      capacity: 2,
      enrolmentOpensAt: helsinki(2026, 11, 1),
      enrolmentClosesAt: helsinki(2027, 2, 28),
      facilitatorEmails: [facilitator.email],
    });
    const path = `/cohorts/${cohort.id}`;
    const [aino, oskar, asa] = [
      await createUser(t, { displayName: 'Aino Äijälä', email: 'aino.aijala@verohallinto.fi' }),
      await createUser(t, { displayName: 'Oskar Öhman', email: 'oskar.ohman@traficom.fi' }),
      await createUser(t, { displayName: 'Åsa Åström', email: 'asa.astrom@tulli.fi' }),
    ];
    const [ainoPage, oskarPage, asaPage] = [await browserOf(aino.email, path), await browserOf(oskar.email, path), await browserOf(asa.email, path)];

    // The first two at once, from two browsers.
    await Promise.all([press(ainoPage, 'Ilmoittaudu'), press(oskarPage, 'Ilmoittaudu')]);
    for (const page of [ainoPage, oskarPage]) expect(await page.textContent('main')).toContain('Olet mukana tässä ryhmässä.');
    await press(asaPage, 'Ilmoittaudu');
    expect(await asaPage.textContent('main')).toContain('Olet varasijalla 1.');

    // The button asks first, without JavaScript: a page saying what happens, then "yes".
    await press(ainoPage, 'Peru ilmoittautuminen');
    expect(await ainoPage.textContent('main')).toContain('Perutaanko ilmoittautumisesi?');
    await press(ainoPage, 'Kyllä, peru ilmoittautuminen');
    expect(await ainoPage.textContent('main')).toContain('Ilmoittautumisesi on peruttu.');
    await asaPage.reload();
    expect(await asaPage.textContent('main')).toContain('Olet mukana tässä ryhmässä.');

    const lead = await browserOf(facilitator.email, `${path}/roster`);
    const csv = await lead.request.get(`${base}${path}/roster.csv`);
    expect(csv.status()).toBe(200);
    const body = await csv.body();
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8');
    for (const name of ['Aino Äijälä', 'Oskar Öhman', 'Åsa Åström']) expect(text).toContain(name);

    for (const context of contexts) await context.close();
  }, 120_000);
});

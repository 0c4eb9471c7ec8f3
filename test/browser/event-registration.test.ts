// Registration for the autumn developer day, as Aino meets it in Chromium: from the events page to
// the event's page, a form sent without the required answer comes back with the message next to
// the question and her typing kept, then she answers and sees herself confirmed. The event page
// and the form with its error are axe-clean.
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { DEMO_PASSWORD } from '../../src/demo/demo-data';
import { axeViolations, launchBrowser } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

const AINO = 'aino.virtanen@verohallinto.fi';

describe('registering for the autumn developer day', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let eventId: string;

  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'true' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    [{ id: eventId }] = await t.app.get(DataSource).query(`SELECT id FROM network_event WHERE title->>'fi' = 'Syksyn kehittäjäpäivä 2027'`);
    browser = await launchBrowser();
    page = await (await browser.newContext({ bypassCSP: true, locale: 'fi-FI' })).newPage();
    await page.goto(`${base}/login?next=%2Fevents`);
    await page.fill('#login-email', AINO);
    await page.fill('#login-password', DEMO_PASSWORD);
    await Promise.all([page.waitForURL(`${base}/events`), page.click('form[action="/login"] button[type="submit"]')]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('registers Aino, answering the questions, after a refused form that kept her answer', async () => {
    await Promise.all([page.waitForURL(`${base}/events/${eventId}`), page.click(`a[href="/events/${eventId}"]`)]);
    expect(await page.textContent('h1')).toBe('Syksyn kehittäjäpäivä 2027');
    expect(await page.textContent('#registration-heading')).toBe('Ilmoittautuminen');
    expect(await axeViolations(page)).toEqual([]);

    await page.fill('#registration-diet', 'Kasvisruoka, ei pähkinöitä');
    await page.click('form[action$="/registration"] button[type="submit"]');
    await page.waitForSelector('#registration-attendance-error');
    expect(await page.textContent('#registration-attendance-error')).toBe('Valitse yksi vaihtoehdoista.');
    expect(await page.inputValue('#registration-diet')).toBe('Kasvisruoka, ei pähkinöitä');
    expect(await axeViolations(page)).toEqual([]);

    await page.check('#registration-attendance-2');
    await Promise.all([page.waitForURL(`${base}/events/${eventId}?done=confirmed`), page.click('form[action$="/registration"] button[type="submit"]')]);
    expect(await page.textContent('#registration-status')).toBe('Olet ilmoittautunut, ja sinulla on paikka.');
    const [row] = await t.app.get(DataSource).query(
      `SELECT r.status, r.answers FROM event_registration r JOIN app_user u ON u.id = r.user_id WHERE u.email = $1 AND r.event_id = $2`,
      [AINO, eventId],
    );
    expect(row).toEqual({ status: 'confirmed', answers: { diet: 'Kasvisruoka, ei pähkinöitä', attendance: 'remote' } });
    expect(await axeViolations(page)).toEqual([]);
  });
});

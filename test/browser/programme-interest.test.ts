// "Tell me when the next round opens" in Chromium: a full round's page offers the button, clicking
// it puts the person on the programme's list ("Olet listalla"), and both states are axe clean.
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { actorOf, createUser } from '../support/accounts';
import { axeViolations, launchBrowser, signInOnPage } from '../support/browser';
import { helsinki, newCohort, newProgramme } from '../support/catalogue';
import { startTestApp, TestApp } from '../support/test-app';
import { EnrolmentService } from '../../src/enrolment/enrolment.service';

describe('asking to hear of the next round, in a browser', () => {
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

  it('shows the button on a full round’s page, and "Olet listalla" once clicked', async () => {
    const programme = await newProgramme(t, { theme: 'foresight' });
    const round = await newCohort(t, { programmeId: programme.id, capacity: 1, enrolmentOpensAt: helsinki(2026, 11, 1), enrolmentClosesAt: helsinki(2027, 2, 28) });
    await t.app.get(EnrolmentService).enrol(actorOf(await createUser(t)), round.id);
    const liisa = await createUser(t, { displayName: 'Liisa Laine' });

    // axe-core is injected as a script, which the site's CSP would refuse.
    const context = await browser.newContext({ bypassCSP: true, locale: 'fi-FI' });
    const page: Page = await context.newPage();
    const path = `/cohorts/${round.id}`;
    await signInOnPage(page, base, liisa.email, path);
    const ask = page.getByRole('button', { name: 'Kerro minulle, kun seuraava toteutus avautuu' });
    await ask.waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await Promise.all([page.waitForURL(`${base}${path}#interest`), ask.click()]);
    await page.getByText('Olet listalla', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Poistu listalta' }).count()).toBe(1);
    expect(await ask.count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

// The toolkit library in Chromium: the library (filtered), an entry and the case form are axe clean,
// the form refused without a title too; and a case with a file is sent without JavaScript, landing
// on the person's own cases, waiting for approval.
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ToolkitService } from '../../src/toolkit/toolkit.service';
import { actorOf, createUser } from '../support/accounts';
import { axeViolations, launchBrowser, signInOnPage } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe('the toolkit library in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let db: DataSource;
  let juhaEmail: string;
  let entryId: string;
  const contexts: BrowserContext[] = [];

  async function newPage(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
    // axe-core is injected as a script tag, which the site's own CSP would rightly refuse.
    const context = await browser.newContext({ bypassCSP: true, locale: 'fi-FI', javaScriptEnabled: options.javaScriptEnabled ?? true });
    contexts.push(context);
    return context.newPage();
  }

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    db = t.app.get(DataSource);
    const maija = await createUser(t, { displayName: 'Maija Mäkinen', siteRole: 'admin' });
    juhaEmail = (await createUser(t, { displayName: 'Juha Järvinen' })).email;
    const toolkit = t.app.get(ToolkitService);
    entryId = await toolkit.create(actorOf(maija), {
      kind: 'workbook',
      themes: ['leadership', 'collaborative'],
      title: { fi: 'VALOA-työkirja' },
      description: { fi: 'Tiimin **yhteinen** työkirja.\n\n- kysymykset\n- harjoitukset' },
      position: 0,
    });
    await toolkit.addLink(actorOf(maija), entryId, 'https://valoa.example.fi', 'VALOA verkossa');
    await toolkit.create(actorOf(maija), { kind: 'facilitation_method', themes: ['dialogue'], title: { fi: 'Dialogin kehä' }, description: { fi: 'Kuunteleva kierros.' }, position: 0 });
    browser = await launchBrowser();
  }, 90_000);
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  it('shows the library, a filtered list and an entry to a guest, axe clean', async () => {
    const page = await newPage();
    await page.goto(`${base}/toolkit`);
    expect(await page.locator('h3 a').allTextContents()).toEqual(['VALOA-työkirja', 'Dialogin kehä']);
    expect(await axeViolations(page)).toEqual([]);
    await page.selectOption('#toolkit-theme', 'dialogue');
    await Promise.all([page.waitForURL(/theme=dialogue/), page.click('form[action="/toolkit"] button[type="submit"]')]);
    expect(await page.locator('h3 a').allTextContents()).toEqual(['Dialogin kehä']);
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${base}/toolkit/${entryId}`);
    expect(await page.locator('.prose strong').textContent()).toBe('yhteinen');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('has an axe clean case form, also when refused without a title', async () => {
    const page = await newPage();
    await signInOnPage(page, base, juhaEmail, '/toolkit/cases/new');
    expect(await axeViolations(page)).toEqual([]);
    await page.fill('#case-description', 'Kokeilimme kävelykokouksia.');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/toolkit/cases"] button[type="submit"]')]);
    expect(await page.locator('#case-title-error').textContent()).toBe('Anna kokeilulle otsikko.');
    expect(await page.inputValue('#case-description')).toBe('Kokeilimme kävelykokouksia.');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('sends a case with a file without JavaScript; it waits on the person’s own list', async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await signInOnPage(page, base, juhaEmail, '/toolkit/cases/new');
    await page.fill('#case-title', 'Kävelykokoukset');
    await page.fill('#case-description', '### Mitä kokeilimme\nKokoukset ulkona.');
    await page.check('#case-theme-human_centred');
    await page.fill('#case-link1', 'https://esimerkki.fi/kavely');
    await page.setInputFiles('#case-files', { name: 'muistio.pdf', mimeType: 'application/pdf', buffer: PDF });
    await Promise.all([page.waitForURL(`${base}/my/toolkit-cases?submitted=1`), page.click('form[action="/toolkit/cases"] button[type="submit"]')]);
    expect(await page.locator('table').textContent()).toContain('Kävelykokoukset');
    expect(await page.locator('table').textContent()).toContain('Odottaa hyväksyntää');
    const [entry] = await db.query(`SELECT id, status FROM toolkit_entry WHERE title->>'fi' = 'Kävelykokoukset'`);
    expect(entry.status).toBe('pending');
    expect(Number((await db.query(`SELECT count(*) AS n FROM stored_file WHERE owner_kind = 'toolkit' AND owner_id = $1`, [entry.id]))[0].n)).toBe(1);
  });
});

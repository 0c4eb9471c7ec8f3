// Discussion channels as people meet them, in Chromium, each in a browser of their own: Aino starts
// a thread in a network channel and replies in her round's forum; Pekka, in the same round, sees
// the reply marked unread; Olli, outside the round, is refused its forum; and the search box finds
// Aino's post by another form of a Finnish word. The pages pass axe without serious violations.
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { EnrolmentService } from '../../src/enrolment/enrolment.service';
import { ForumsService } from '../../src/forums/forums.service';
import { actorOf, createUser, TEST_PASSWORD } from '../support/accounts';
import { launchBrowser, seriousViolations } from '../support/browser';
import { newCohort } from '../support/catalogue';
import { startTestApp, TestApp } from '../support/test-app';

describe('discussion channels in the browser', () => {
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
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  /** A browser of this person's own, signed in through the sign-in form, on the given page. */
  async function browserOf(email: string, path: string): Promise<Page> {
    // bypassCSP lets axe's script in; the app's own pages need none.
    const context = await browser.newContext({ bypassCSP: true, locale: 'fi-FI' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}/login?next=${encodeURIComponent(path)}`);
    await page.fill('#login-email', email);
    await page.fill('#login-password', TEST_PASSWORD);
    await Promise.all([page.waitForURL(`${base}${path}`), page.click('form[action="/login"] button[type="submit"]')]);
    return page;
  }

  async function submit(page: Page, label: string): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.click(`main button:has-text("${label}")`)]);
  }

  async function follow(page: Page, text: string): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.click(`main a:has-text("${text}")`)]);
  }

  it('posts, replies, marks unread, refuses outsiders and finds posts by an inflected word', async () => {
    const fanni = await createUser(t, { displayName: 'Sanna Järvinen', email: 'sanna.jarvinen@valtiokonttori.fi' });
    const cohort = await newCohort(t, {
      name: 'Kevät 2027 – keskustelu',
      facilitatorEmails: [fanni.email],
      enrolmentOpensAt: new Date(Date.now() - 86_400_000),
      enrolmentClosesAt: new Date(Date.now() + 30 * 86_400_000),
      cancellationDeadline: null,
    });
    const [aino, pekka, olli] = [
      await createUser(t, { displayName: 'Aino Äijälä', email: 'aino.aijala@verohallinto.fi' }),
      await createUser(t, { displayName: 'Pekka Öhman', email: 'pekka.ohman@traficom.fi' }),
      await createUser(t, { displayName: 'Olli Ulkopuolinen', email: 'olli.ulkopuolinen@tulli.fi' }),
    ];
    const enrolment = t.app.get(EnrolmentService);
    await enrolment.enrol(actorOf(aino), cohort.id);
    await enrolment.enrol(actorOf(pekka), cohort.id);
    const [{ id: cohortChannel }] = await t.app.get(DataSource).query(`SELECT id FROM forum_channel WHERE cohort_id = $1`, [cohort.id]);
    const { threadId: cohortThread } = await t.app.get(ForumsService).startThread(actorOf(fanni), cohortChannel, { title: 'Ensimmäisen päivän välitehtävä', body: 'Mitä huomasit omassa työssäsi?' }, 'fi');

    // Aino starts a thread in a network channel, from the channel list.
    const ainoPage = await browserOf(aino.email, '/channels');
    expect(await seriousViolations(ainoPage)).toEqual([]);
    await follow(ainoPage, 'Yleinen keskustelu');
    expect(await seriousViolations(ainoPage)).toEqual([]);
    await follow(ainoPage, 'Aloita uusi ketju');
    await ainoPage.fill('#thread-title', 'Verkoston kevättapaaminen');
    await ainoPage.fill('#thread-body', 'Kehittäjien **verkosto** kokoontuu toukokuussa. Tuletteko?');
    await submit(ainoPage, 'Julkaise ketju');
    expect(await ainoPage.textContent('h1')).toBe('Verkoston kevättapaaminen');
    expect(await ainoPage.textContent('main .rich-text strong')).toBe('verkosto');

    // She replies in her round's forum.
    await ainoPage.goto(`${base}/channels/${cohortChannel}`);
    await follow(ainoPage, 'Ensimmäisen päivän välitehtävä');
    await ainoPage.fill('#reply-body', 'Huomasin, kuinka paljon *kiire* ohjaa päiviäni.');
    await submit(ainoPage, 'Lähetä vastaus');
    expect(await ainoPage.textContent('main')).toContain('Viestisi on julkaistu.');
    expect(await ainoPage.textContent('main .session:last-child .rich-text')).toContain('Huomasin, kuinka paljon kiire ohjaa päiviäni.');
    expect(await seriousViolations(ainoPage)).toEqual([]);

    // Pekka, in the same round, sees that there is something new, and where.
    const pekkaPage = await browserOf(pekka.email, `/channels/${cohortChannel}`);
    const thread = pekkaPage.locator(`#thread-${cohortThread}`);
    expect(await thread.textContent()).toContain('Uusia viestejä');
    await Promise.all([pekkaPage.waitForNavigation(), thread.locator('a:has-text("Ensimmäiseen lukemattomaan viestiin")').click()]);
    expect(await pekkaPage.textContent('main')).toContain('Huomasin, kuinka paljon kiire ohjaa päiviäni.');
    expect(await pekkaPage.locator('main .badge:has-text("Uusi")').count()).toBeGreaterThan(0);
    await pekkaPage.goto(`${base}/channels/${cohortChannel}`);
    expect(await pekkaPage.locator(`#thread-${cohortThread}`).textContent()).not.toContain('Uusia viestejä');

    // Olli is not in the round: its forum and thread are closed to him, and his list does not show it.
    const olliPage = await browserOf(olli.email, '/channels');
    expect(await olliPage.locator(`a[href="/channels/${cohortChannel}"]`).count()).toBe(0);
    const refused = await olliPage.goto(`${base}/channels/${cohortChannel}`);
    expect(refused!.status()).toBe(403);
    expect(await olliPage.textContent('main')).toContain('Tämä keskustelualue on vain ryhmän osallistujille ja valmentajille.');
    expect((await olliPage.goto(`${base}/threads/${cohortThread}`))!.status()).toBe(403);

    // The discussions' search box (the one search, narrowed to posts) finds Aino's post by "kehittäjä", with the word marked.
    await olliPage.goto(`${base}/channels`);
    await olliPage.fill('#forum-search-q', 'kehittäjä');
    await submit(olliPage, 'Hae');
    expect(olliPage.url()).toBe(`${base}/search?q=kehitt%C3%A4j%C3%A4&kind=post`);
    expect(await olliPage.textContent('main')).toContain('Verkoston kevättapaaminen');
    expect(await olliPage.textContent('main mark')).toBe('Kehittäjien');
    expect(await seriousViolations(olliPage)).toEqual([]);
    // An empty search says what to do, next to the box.
    await olliPage.fill('#search-q', '   ');
    await submit(olliPage, 'Hae');
    expect(await olliPage.textContent('#search-q-error')).toBe('Kirjoita hakusana.');
    expect(await seriousViolations(olliPage)).toEqual([]);
  }, 120_000);

  it('has no serious accessibility violations on a moderator’s thread page with a refused reply', async () => {
    const facilitator = await createUser(t, { displayName: 'Fanni Fasilitaattori' });
    const cohort = await newCohort(t, { name: 'Syksy 2027', facilitatorEmails: [facilitator.email] });
    const [{ id: channelId }] = await t.app.get(DataSource).query(`SELECT id FROM forum_channel WHERE cohort_id = $1`, [cohort.id]);
    const forums = t.app.get(ForumsService);
    const { threadId, postId } = await forums.startThread(actorOf(facilitator), channelId, { title: 'Reflektio', body: 'Mitä opit?\n\n- yksi\n- kaksi\n\n[Lähde](https://example.fi)' }, 'fi');
    await forums.reply(actorOf(facilitator), threadId, { body: 'Hej, jag svarar på svenska.', language: 'sv', replyToId: postId }, 'fi');
    const page = await browserOf(facilitator.email, `/threads/${threadId}`);
    expect(await page.locator('main button:has-text("Kiinnitä ketju")').count()).toBe(1);
    expect(await page.locator('main [lang="sv"]').count()).toBe(1);
    await submit(page, 'Lähetä vastaus');
    expect(await page.textContent('#reply-body-error')).toBe('Kirjoita viesti.');
    expect(await seriousViolations(page)).toEqual([]);
    await follow(page, 'Moderointiloki');
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);
});

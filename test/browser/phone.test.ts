// Every page of the browser suite on a phone (390 × 844), as each kind of person meets it: nothing
// wider than the screen (document.documentElement.scrollWidth <= innerWidth: the header wraps,
// tables and code blocks scroll inside their own box, long words and addresses in posts break) and
// axe-core clean. One browser and one page, signed in as each person in turn, to keep the run short.
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Actor } from '../../src/access/capabilities';
import { DEMO_FACILITATOR, DEMO_PASSWORD, DEMO_USERS } from '../../src/demo/demo-data';
import { ForumsService } from '../../src/forums/forums.service';
import { EnrolmentService } from '../../src/enrolment/enrolment.service';
import { newSecretToken, tokenHash } from '../../src/identity/secret-token';
import { actorOf, createUser } from '../support/accounts';
import { newCohort } from '../support/catalogue';
import { axeViolations, launchBrowser } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

const PHONE = { width: 390, height: 844 };
const ADMIN = DEMO_USERS[0].email;
const PARTICIPANT = 'aino.virtanen@verohallinto.fi';

/** A word and an address longer than a phone's width, and a code block, as people write them. */
const LONG_WORD = 'Lentokonesuihkuturbiinimoottoriapumekaanikkoaliupseerioppilasyhdistyksenjäsenmaksu';
const LONG_URL = 'https://verkkotapaaminen.example/verso/kompleksisuus-ja-systeemiajattelu/kevat-2027/ennakkotehtava/materiaalit?tiedosto=systeemikartta-ja-vaikutussuhteet-luonnos-3.pdf';
const LONG_POST = [
  `Ennakkotehtävän materiaalit löytyvät täältä: ${LONG_URL}`,
  '',
  `Pisin suomen sana, jonka tiedän: ${LONG_WORD}.`,
  '',
  '```',
  "const vaikutussuhteet = await fetch('https://verkkotapaaminen.example/api/v1/kompleksisuus/systeemikartta/vaikutussuhteet?ryhma=kevat-2027');",
  '```',
  '',
  'Ja koodina rivin sisällä: `systeemikartanVaikutussuhteidenLuonnosVersioKolmeJaNeljaJaViisi`.',
].join('\n');

interface PhonePage {
  name: string;
  path: string;
  status?: number;
  /** The reader's language (a cookie); Finnish unless given. */
  lang?: 'fi' | 'sv' | 'en';
}

/** Pages by who visits them; `:name` is filled from the ids made in beforeAll. */
const PAGES: Record<'anonymous' | 'participant' | 'facilitator' | 'admin', PhonePage[]> = {
  anonymous: [
    { name: 'catalogue', path: '/' },
    { name: 'programme', path: '/programmes/kompleksisuus-ja-systeemiajattelu' },
    { name: 'round', path: '/cohorts/:round' },
    { name: 'online round', path: '/cohorts/:onlineRound' },
    { name: 'sign-in', path: '/login' },
    { name: 'register', path: '/register' },
    { name: 'forgot password', path: '/password/forgot' },
    { name: 'events', path: '/events' },
    { name: 'developer day', path: '/events/:developerDay' },
    { name: 'toolkit', path: '/toolkit' },
    { name: 'newsletter archive and subscribe form', path: '/newsletter' },
    { name: 'search, every kind grouped', path: '/search?q=kompleksisuus' },
    { name: 'not found', path: '/no/such/page', status: 404 },
    { name: 'unknown round', path: '/cohorts/00000000-0000-4000-8000-000000000000', status: 404 },
    { name: 'approval link that no longer works', path: '/enrolments/approval/no-such-token', status: 409 },
    { name: 'seat offer link that no longer works', path: '/enrolments/offer/no-such-token', status: 409 },
    { name: 'seat offer with its deadline and buttons', path: '/enrolments/offer/:offerToken' },
  ],
  participant: [
    { name: 'home', path: '/' },
    { name: 'my notifications', path: '/notifications' },
    { name: 'who is in my round', path: '/cohorts/:round/participants' },
    { name: 'catalogue', path: '/programmes' },
    { name: 'round', path: '/cohorts/:round' },
    { name: 'profile', path: '/profile' },
    { name: 'my cohorts', path: '/my/cohorts' },
    { name: 'my calendar', path: '/my/calendar' },
    { name: 'events', path: '/events' },
    { name: 'developer day with its registration form', path: '/events/:developerDay' },
    { name: 'channels', path: '/channels' },
    { name: 'channel', path: '/channels/:channel' },
    { name: 'new thread', path: '/channels/:channel/threads/new' },
    { name: 'thread with a long address, a long word and code', path: '/threads/:thread' },
    { name: 'search', path: '/search?q=ennakkotehtävä' },
    { name: 'search of one kind, with dates', path: '/search?q=ennakkotehtävä&kind=post&from=2020-01-01&to=2100-12-31' },
    { name: 'search refused', path: '/search?q=%26%7C!&from=31.12.', status: 400 },
    { name: 'session with its materials', path: '/cohorts/:round/sessions/:session' },
    { name: 'toolkit', path: '/toolkit' },
    { name: 'tell about an experiment', path: '/toolkit/cases/new' },
    { name: 'my cases', path: '/my/toolkit-cases' },
    { name: 'my uploads', path: '/files' },
    { name: 'newsletter archive, one-click subscribe', path: '/newsletter' },
    { name: 'not found', path: '/no/such/page', status: 404 },
    { name: 'refused (403)', path: '/admin/users', status: 403 },
    { name: 'queue board refused (403)', path: '/admin/queues', status: 403 },
  ],
  facilitator: [
    { name: 'home', path: '/' },
    { name: 'who is in my round', path: '/cohorts/:round/participants' },
    { name: 'my cohorts', path: '/my/cohorts' },
    { name: 'roster', path: '/cohorts/:round/roster' },
    { name: 'round', path: '/cohorts/:round' },
    { name: 'session with its materials', path: '/cohorts/:round/sessions/:session' },
    { name: 'new session material', path: '/sessions/:session/materials/new' },
    { name: 'thread with a long address, a long word and code', path: '/threads/:thread' },
  ],
  admin: [
    { name: 'home', path: '/' },
    { name: 'admin overview', path: '/admin' },
    { name: 'admin users', path: '/admin/users' },
    { name: 'admin user', path: '/admin/users/:participant' },
    { name: 'admin agencies', path: '/admin/agencies' },
    { name: 'admin programmes', path: '/admin/programmes' },
    { name: 'admin new programme', path: '/admin/programmes/new' },
    { name: 'admin programme', path: '/admin/programmes/:programme' },
    { name: 'admin programme interest', path: '/admin/programmes/:programme/interest' },
    { name: 'admin new round', path: '/admin/programmes/:programme/cohorts/new' },
    { name: 'admin round', path: '/admin/cohorts/:round' },
    { name: 'admin next round', path: '/admin/cohorts/:round/copy' },
    { name: 'admin session', path: '/admin/sessions/:session' },
    { name: 'admin term view', path: '/admin/schedule?term=2027-spring' },
    { name: 'admin channels', path: '/admin/channels' },
    { name: 'admin new channel', path: '/admin/channels/new' },
    { name: 'admin channel', path: '/admin/channels/:channel' },
    { name: 'admin network events', path: '/admin/events' },
    { name: 'admin new network event', path: '/admin/events/new' },
    { name: 'admin network event with registration', path: '/admin/events/:developerDay' },
    { name: 'admin developer day registrations', path: '/admin/events/:developerDay/registrations' },
    { name: 'admin newsletter', path: '/admin/newsletter' },
    { name: 'admin new newsletter edition', path: '/admin/newsletter/new' },
    { name: 'outbox', path: '/admin/outbox' },
    { name: 'outbox message', path: '/admin/outbox/:message' },
    { name: 'thread moderation log', path: '/threads/:thread/moderation' },
    { name: 'roster', path: '/cohorts/:round/roster' },
    { name: 'admin toolkit', path: '/admin/toolkit' },
    { name: 'admin new toolkit entry', path: '/admin/toolkit/new' },
    { name: 'new programme material', path: '/programmes/kompleksisuus-ja-systeemiajattelu/materials/new' },
    { name: 'not found', path: '/no/such/page', status: 404 },
    // The admin's header has the most links; Swedish and English name them differently.
    { name: 'admin users in Swedish', path: '/admin/users', lang: 'sv' },
    { name: 'admin users in English', path: '/admin/users', lang: 'en' },
  ],
};

/** What sticks out past the right edge, for a failure message that says where to look. */
async function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; widest: string[] }> {
  return page.evaluate(() => {
    const innerWidth = window.innerWidth;
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth <= innerWidth) return { scrollWidth, innerWidth, widest: [] };
    const widest = [...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > innerWidth + 0.5)
      // Only the outermost: its children stick out because it does.
      .filter((element) => !(element.parentElement && element.parentElement.getBoundingClientRect().right > innerWidth + 0.5))
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ').join('.')}` : ''} (${Math.round(element.getBoundingClientRect().right)} px)`);
    return { scrollWidth, innerWidth, widest };
  });
}


describe('every page on a phone (390 × 844)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const ids: Record<string, string> = {};

  async function signInAs(email: string): Promise<void> {
    await context.clearCookies();
    await page.goto(`${base}/login?next=%2Fprofile`);
    await page.fill('#login-email', email);
    await page.fill('#login-password', DEMO_PASSWORD);
    await Promise.all([page.waitForURL(`${base}/profile`), page.click('form[action="/login"] button[type="submit"]')]);
  }

  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'true' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const db = t.app.get(DataSource);
    const firstRound = async (slug: string): Promise<string> =>
      (await db.query(`SELECT c.id FROM cohort c JOIN programme p ON p.id = c.programme_id WHERE p.slug = $1 ORDER BY c.starts_at LIMIT 1`, [slug]))[0].id;
    ids.round = await firstRound('kompleksisuus-ja-systeemiajattelu');
    ids.onlineRound = await firstRound('dialogisuus-yhteiskehittelyssa');
    ids.programme = (await db.query(`SELECT programme_id FROM cohort WHERE id = $1`, [ids.round]))[0].programme_id;
    ids.session = (await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 ORDER BY starts_at LIMIT 1`, [ids.round]))[0].id;
    ids.channel = (await db.query(`SELECT id FROM forum_channel WHERE kind = 'network' ORDER BY position LIMIT 1`))[0].id;
    ids.developerDay = (await db.query(`SELECT id FROM network_event WHERE registration_capacity IS NOT NULL ORDER BY starts_at LIMIT 1`))[0].id;
    const [aino] = await db.query(`SELECT id, email, display_name AS "displayName", agency_id AS "agencyId", language, site_role AS "siteRole", email_verified_at IS NOT NULL AS "emailVerified" FROM app_user WHERE email = $1`, [PARTICIPANT]);
    ids.participant = aino.id;
    ids.thread = (await t.app.get(ForumsService).startThread(aino as Actor, ids.channel, { title: `Ennakkotehtävä: ${LONG_WORD}`, body: LONG_POST }, 'fi')).threadId;
    ids.message = (await db.query(`SELECT id FROM notification ORDER BY created_at LIMIT 1`))[0].id;
    // A seat offered from the queue, opened by a link of the test's own (the mailed token is not kept).
    const offerRound = await newCohort(t, { capacity: 1, name: 'Syksy 2027' });
    await db.query(`UPDATE cohort SET seat_offer_hours = 48 WHERE id = $1`, [offerRound.id]);
    const [seated, offered] = [await createUser(t), await createUser(t)];
    const enrolment = t.app.get(EnrolmentService);
    const offerAdmin = actorOf(await createUser(t, { siteRole: 'admin' }));
    for (const person of [seated, offered]) await enrolment.enrolByEmail(offerAdmin, offerRound.id, person.email, null);
    await enrolment.cancel(offerAdmin, offerRound.id, seated.id, null);
    ids.offerToken = newSecretToken();
    await db.query(`UPDATE enrolment SET offer_token_hash = $2 WHERE cohort_id = $1 AND status = 'offered'`, [offerRound.id, tokenHash(ids.offerToken)]);

    browser = await launchBrowser();
    // axe-core is injected as a script tag, which the site's own CSP would rightly refuse.
    // Not isMobile: a mobile viewport zooms out to fit a page that is too wide, which would hide the very overflow looked for.
    context = await browser.newContext({ bypassCSP: true, locale: 'fi-FI', viewport: PHONE });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const emails = { participant: PARTICIPANT, facilitator: DEMO_FACILITATOR, admin: ADMIN };
  for (const [who, pages] of Object.entries(PAGES) as [keyof typeof PAGES, PhonePage[]][]) {
    describe(`as ${who === 'anonymous' ? 'an anonymous reader' : `the ${who}`}`, () => {
      beforeAll(async () => {
        if (who === 'anonymous') await context.clearCookies();
        else await signInAs(emails[who]);
      }, 30_000);

      for (const { name, path, status = 200, lang = 'fi' } of pages) {
        it(`${name} (${path}) fits the screen and is axe clean`, async () => {
          await context.addCookies([{ name: 'lang', value: lang, url: base }]);
          const response = await page.goto(`${base}${path.replace(/:(\w+)/g, (_, id: string) => ids[id])}`);
          expect({ page: name, status: response?.status(), lang: await page.getAttribute('html', 'lang') }).toEqual({ page: name, status, lang });
          const { scrollWidth, innerWidth, widest } = await overflow(page);
          expect({ page: name, innerWidth, fits: scrollWidth <= innerWidth, widest }).toEqual({ page: name, innerWidth: PHONE.width, fits: true, widest: [] });
          expect({ page: name, violations: await axeViolations(page) }).toEqual({ page: name, violations: [] });
        });
      }
    });
  }
});

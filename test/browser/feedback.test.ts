// Feedback surveys in Chromium on a phone-sized page (375 × 740): the editor and the site's open form
// are axe clean, and a participant answers her round's survey with the keyboard alone (Tab to move,
// arrow keys in a scale, Space to tick, typing, Enter to send): a required answer left out is told
// at its question, the answers given are kept, and the second try is stored.
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Actor } from '../../src/access/capabilities';
import { EnrolmentService } from '../../src/enrolment/enrolment.service';
import { SurveyService } from '../../src/feedback/survey.service';
import { axeViolations, launchBrowser, signInOnPage } from '../support/browser';
import { createUser } from '../support/accounts';
import { adminId, helsinki, newCohort, newProgramme } from '../support/catalogue';
import { startTestApp, TestApp } from '../support/test-app';

const PHONE = { width: 375, height: 740 };

/** Whether the page fits the phone's width (nothing sticks out to the right). */
const fits = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('feedback surveys in the browser, on a phone', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let db: DataSource;
  let cohortId: string;
  let surveyId: string;
  let questionId: string;
  let programmeId: string;
  const contexts: BrowserContext[] = [];

  /** A phone-sized browser of its own, signed in as `email` unless null, on `path`. */
  async function phone(email: string | null, path: string): Promise<Page> {
    // axe-core is injected as a script tag, which the site's own CSP would rightly refuse.
    const context = await browser.newContext({ bypassCSP: true, locale: 'fi-FI', viewport: PHONE });
    contexts.push(context);
    const page = await context.newPage();
    if (!email) {
      await page.goto(`${base}${path}`);
      return page;
    }
    await signInOnPage(page, base, email, path);
    return page;
  }

  /** Presses Tab until the element with this id has the focus (at most 60 times). */
  async function tabTo(page: Page, id: string): Promise<void> {
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
    }
    throw new Error(`Tab never reached #${id}`);
  }

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    db = t.app.get(DataSource);
    const surveys = t.app.get(SurveyService);
    const [admin]: Actor[] = await db.query(
      `SELECT id, email, display_name AS "displayName", agency_id AS "agencyId", language, site_role AS "siteRole", true AS "emailVerified" FROM app_user WHERE id = $1`,
      [await adminId(t)],
    );
    const programme = await newProgramme(t);
    programmeId = programme.id;
    const templateId = await surveys.createTemplate(admin, programme.id);
    await surveys.addQuestion(admin, templateId, { kind: 'scale', required: true, prompt: { fi: 'Kuinka hyödyllinen valmennus oli?' }, options: [{ fi: 'Ei lainkaan' }, { fi: '' }, { fi: '' }, { fi: '' }, { fi: 'Erittäin' }] });
    await surveys.addQuestion(admin, templateId, { kind: 'single_choice', required: false, prompt: { fi: 'Suosittelisitko?' }, options: [{ fi: 'Kyllä' }, { fi: 'Ei' }] });
    await surveys.addQuestion(admin, templateId, { kind: 'multiple_choice', required: false, prompt: { fi: 'Mikä toimi?' }, options: [{ fi: 'Tapaamiset' }, { fi: 'Materiaalit' }, { fi: 'Verkosto' }] });
    await surveys.addQuestion(admin, templateId, { kind: 'long_text', required: true, prompt: { fi: 'Mitä kehittäisit?' }, options: [] });
    const facilitator = await createUser(t, { displayName: 'Sanna Järvinen', email: 'sanna.jarvinen@valtiokonttori.fi' });
    const cohort = await newCohort(t, { programmeId: programme.id, enrolmentOpensAt: helsinki(2026, 11, 1), enrolmentClosesAt: helsinki(2027, 2, 28), facilitatorEmails: [facilitator.email] });
    cohortId = cohort.id;
    const aino = await createUser(t, { displayName: 'Aino Äijälä', email: 'aino.aijala@verohallinto.fi' });
    await t.app.get(EnrolmentService).enrolByEmail(admin, cohort.id, aino.email, null);
    [{ id: surveyId }] = await db.query(`SELECT id FROM survey WHERE cohort_id = $1`, [cohort.id]);
    [{ id: questionId }] = await db.query(`SELECT id FROM survey_question WHERE survey_id = $1 ORDER BY position LIMIT 1`, [surveyId]);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the editor to the facilitator and admins, axe clean', async () => {
    const sanna = await phone('sanna.jarvinen@valtiokonttori.fi', `/cohorts/${cohortId}/feedback/edit`);
    expect(await sanna.textContent('h1')).toContain('Palautekysely');
    expect(await axeViolations(sanna)).toEqual([]);
    expect(await fits(sanna)).toBe(true);
    await sanna.goto(`${base}/surveys/${surveyId}/questions/${questionId}`);
    expect(await axeViolations(sanna)).toEqual([]);
    const [{ email }] = await db.query(`SELECT email FROM app_user WHERE id = $1`, [await adminId(t)]);
    const admin = await phone(email, `/admin/programmes/${programmeId}/feedback`);
    expect(await axeViolations(admin)).toEqual([]);
    await admin.goto(`${base}/admin/feedback`);
    expect(await axeViolations(admin)).toEqual([]);
  });

  it('shows the site’s open form to a visitor without an account, axe clean, with its messages when refused', async () => {
    const visitor = await phone(null, '/feedback');
    expect(await visitor.textContent('h1')).toBe('Anna palautetta tai kerro kokemuksesta');
    expect(await axeViolations(visitor)).toEqual([]);
    expect(await fits(visitor)).toBe(true);
    await Promise.all([visitor.waitForNavigation(), visitor.click('main button[type="submit"]')]);
    expect(await visitor.textContent('.field__error')).toContain('Vastaa tähän kysymykseen.');
    expect(await axeViolations(visitor)).toEqual([]);
  });

  it('lets a participant answer with the keyboard alone', async () => {
    await db.query(`UPDATE survey SET opens_at = now() - interval '1 hour', closes_at = now() + interval '7 days', invited_at = now() WHERE id = $1`, [surveyId]);
    const page = await phone('aino.aijala@verohallinto.fi', `/cohorts/${cohortId}/feedback`);
    expect(await page.textContent('main')).toContain('Vastauksesi tallennetaan nimettömänä.');
    expect(await axeViolations(page)).toEqual([]);
    expect(await fits(page)).toBe(true);

    // The scale: Tab into it, the arrow keys move and choose (1 → 4).
    await tabTo(page, 'answer-1-1');
    await page.keyboard.press('Space');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    expect(await page.isChecked('#answer-1-4')).toBe(true);
    // Single choice: Tab in, Space on the first.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('answer-2-0');
    await page.keyboard.press('Space');
    // Several: Tab from box to box, Space ticks.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    // The required text is left empty: Enter on the send button.
    await tabTo(page, 'feedback-submit');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.textContent('#answer-4-error')).toBe('Vastaa tähän kysymykseen.');
    expect(await page.isChecked('#answer-1-4')).toBe(true);
    expect(await page.isChecked('#answer-3-0')).toBe(true);
    expect(await page.isChecked('#answer-3-2')).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    await tabTo(page, 'answer-4');
    await page.keyboard.type('Enemmän aikaa keskustelulle.');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('feedback-submit');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.textContent('.notice[role="status"]')).toBe('Kiitos! Vastauksesi on tallennettu.');
    const answers = await db.query(
      `SELECT q.position, a.scale_value, a.choices, a.text FROM survey_answer a JOIN survey_question q ON q.id = a.question_id JOIN survey_response r ON r.id = a.response_id
       WHERE r.survey_id = $1 AND r.user_id IS NULL ORDER BY q.position`,
      [surveyId],
    );
    expect(answers).toEqual([
      { position: 1, scale_value: 4, choices: null, text: null },
      { position: 2, scale_value: null, choices: [0], text: null },
      { position: 3, scale_value: null, choices: [0, 2], text: null },
      { position: 4, scale_value: null, choices: null, text: 'Enemmän aikaa keskustelulle.' },
    ]);
  });
});

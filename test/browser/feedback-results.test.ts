// The round's facilitator opens the feedback results in Chromium: the charts are there and visible
// (drawn on the server, no script needed), each with its table, and axe finds nothing serious.
import { AddressInfo } from 'node:net';
import { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { createUser } from '../support/accounts';
import { launchBrowser, signInOnPage, seriousViolations } from '../support/browser';
import { helsinki, newCohort } from '../support/catalogue';
import { startTestApp, TestApp } from '../support/test-app';

describe('feedback results in a browser', () => {
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

  it('shows the facilitator the charts and their tables, axe clean', async () => {
    const db = t.app.get(DataSource);
    const sanna = await createUser(t, { displayName: 'Sanna Järvinen' });
    const cohort = await newCohort(t, { name: 'Syksy 2026', enrolmentOpensAt: helsinki(2026, 8, 1), enrolmentClosesAt: helsinki(2026, 9, 1), facilitatorEmails: [sanna.email] });
    const [survey] = await db.query(`INSERT INTO survey (purpose, programme_id, cohort_id, title) VALUES ('cohort', $1, $2, $3) RETURNING id`, [
      cohort.programmeId,
      cohort.id,
      { fi: 'Palautekysely' },
    ]);
    const questions = [];
    for (const [i, [kind, prompt, options]] of (
      [
        ['scale', 'Kuinka hyödyllinen valmennus oli?', [{ fi: 'Ei lainkaan' }, { fi: '' }, { fi: '' }, { fi: '' }, { fi: 'Erittäin' }]],
        ['multiple_choice', 'Mikä toimi?', [{ fi: 'Tehtävät' }, { fi: 'Keskustelut' }]],
        ['long_text', 'Mitä muuta?', []],
      ] as const
    ).entries()) {
      const [row] = await db.query(`INSERT INTO survey_question (survey_id, position, kind, prompt, options) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [
        survey.id,
        i + 1,
        kind,
        { fi: prompt },
        JSON.stringify(options),
      ]);
      questions.push(row.id);
    }
    for (const [scale, choices, text] of [
      [5, [0, 1], 'Kiitos!'],
      [4, [1], null],
      [4, [0], 'Lisää pienryhmiä.'],
    ] as const) {
      const [response] = await db.query(`INSERT INTO survey_response (survey_id) VALUES ($1) RETURNING id`, [survey.id]);
      await db.query(`INSERT INTO survey_answer (response_id, question_id, scale_value) VALUES ($1, $2, $3)`, [response.id, questions[0], scale]);
      await db.query(`INSERT INTO survey_answer (response_id, question_id, choices) VALUES ($1, $2, $3)`, [response.id, questions[1], choices]);
      if (text) await db.query(`INSERT INTO survey_answer (response_id, question_id, text) VALUES ($1, $2, $3)`, [response.id, questions[2], text]);
    }

    // bypassCSP lets axe's script in; the page itself needs no script.
    const context = await browser.newContext({ bypassCSP: true, locale: 'fi-FI' });
    try {
      const page = await context.newPage();
      const path = `/cohorts/${cohort.id}/feedback/results`;
      await signInOnPage(page, base, sanna.email, path);

      const charts = page.locator('main svg[role="img"]');
      expect(await charts.count()).toBe(2);
      for (let i = 0; i < 2; i++) {
        const chart = charts.nth(i);
        expect(await chart.isVisible()).toBe(true);
        const box = await chart.boundingBox();
        expect(box!.width).toBeGreaterThan(200);
        expect(box!.height).toBeGreaterThan(50);
      }
      // The accessible name is the question, the description its numbers.
      expect(await page.getByRole('img', { name: /Kuinka hyödyllinen valmennus oli\?/ }).count()).toBe(1);
      // The widest bar is the most answered point: 4 (two answers).
      const widths = await charts.nth(0).locator('rect').evaluateAll((rects) => rects.map((rect) => Number(rect.getAttribute('width'))));
      expect(widths.indexOf(Math.max(...widths))).toBe(3);
      expect(await page.locator('main table caption').count()).toBeGreaterThanOrEqual(2);
      expect(await page.textContent('main')).toContain('Keskiarvo 4,3');
      expect(await page.textContent('main')).toContain('Lisää pienryhmiä.');
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

// A survey's results as those who run the round see them: the numbers a known set of answers adds up
// to (means with the Finnish decimal comma, distributions, choices, text answers newest first and
// escaped), the per-agency breakdown that never shows a group under five, the comparison with the
// programme's earlier rounds, the CSV, the accessible charts, and who may see them at all. The answers
// are written straight into the feedback tables (the answering pages are another part's tests).
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { agencyBreakdown } from '../src/feedback/survey-results.service';
import { QuestionKind } from '../src/feedback/survey-question.entity';
import { AgencyService } from '../src/identity/agency.service';
import { actorOf, createUser, signIn } from './support/accounts';
import { adminId, helsinki, newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

interface QuestionSpec {
  kind: QuestionKind;
  prompt: string;
  options?: string[];
}

type AnswerValue = number | number[] | string;

const QUESTIONS: QuestionSpec[] = [
  { kind: 'scale', prompt: 'Kuinka hyödyllinen valmennus oli?', options: ['Ei lainkaan', '', '', '', 'Erittäin'] },
  { kind: 'single_choice', prompt: 'Suosittelisitko valmennusta?', options: ['Kyllä', 'Ei', 'En osaa sanoa'] },
  { kind: 'multiple_choice', prompt: 'Mikä toimi?', options: ['Tehtävät', 'Keskustelut', 'Materiaalit'] },
  { kind: 'long_text', prompt: 'Mitä muuta haluat sanoa?' },
];

describe('feedback results', () => {
  let t: TestApp;
  let db: DataSource;
  let agencies: Map<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    await t.app.get(AgencyService).ensure(['Verohallinto', 'Tulli', 'Traficom', 'Kela']);
    agencies = new Map((await t.app.get(AgencyService).list('fi')).map((a) => [a.name, a.id]));
  });
  afterAll(() => t?.close());

  async function survey(cohortId: string, programmeId: string, questions: QuestionSpec[], anonymous = true): Promise<{ id: string; questionIds: string[] }> {
    const [{ id }] = await db.query(`INSERT INTO survey (purpose, programme_id, cohort_id, title, anonymous) VALUES ('cohort', $1, $2, $3, $4) RETURNING id`, [
      programmeId,
      cohortId,
      { fi: 'Palautekysely', sv: 'Responsenkät' },
      anonymous,
    ]);
    const questionIds: string[] = [];
    for (const [i, q] of questions.entries()) {
      const [row] = await db.query(`INSERT INTO survey_question (survey_id, position, kind, prompt, options) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [
        id,
        i + 1,
        q.kind,
        { fi: q.prompt, en: `EN ${q.prompt}` },
        JSON.stringify((q.options ?? []).map((fi) => ({ fi }))),
      ]);
      questionIds.push(row.id);
    }
    return { id, questionIds };
  }

  /** One response: its answers by question position (1-based), null/undefined skipped. */
  async function respond(surveyId: string, questionIds: string[], answers: (AnswerValue | null | undefined)[], who: { agency?: string | null; userId?: string | null; at?: Date } = {}) {
    const [{ id }] = await db.query(`INSERT INTO survey_response (survey_id, user_id, agency_id, submitted_at) VALUES ($1, $2, $3, $4) RETURNING id`, [
      surveyId,
      who.userId ?? null,
      who.agency ? agencies.get(who.agency)! : null,
      who.at ?? new Date(),
    ]);
    for (const [i, answer] of answers.entries()) {
      if (answer === null || answer === undefined) continue;
      await db.query(`INSERT INTO survey_answer (response_id, question_id, scale_value, choices, text) VALUES ($1, $2, $3, $4, $5)`, [
        id,
        questionIds[i],
        typeof answer === 'number' ? answer : null,
        Array.isArray(answer) ? answer : null,
        typeof answer === 'string' ? answer : null,
      ]);
    }
  }

  /** A round with a facilitator and `participants` confirmed people. */
  async function round(options: { programmeId?: string; name?: string; startsAt?: Date; participants?: number } = {}) {
    const facilitator = await createUser(t, { displayName: 'Sanna Vetäjä' });
    const programmeId = options.programmeId ?? (await newProgramme(t)).id;
    const startsAt = options.startsAt ?? helsinki(2027, 3, 16, 9);
    const cohort = await newCohort(t, {
      programmeId,
      name: options.name ?? 'Kevät 2027',
      facilitatorEmails: [facilitator.email],
      // Open now (December 2026) for the default round; earlier and later rounds have windows of their own.
      enrolmentOpensAt: new Date(Math.min(helsinki(2026, 11, 1).getTime(), startsAt.getTime() - 60 * 86_400_000)),
      enrolmentClosesAt: new Date(startsAt.getTime() - 86_400_000),
      sessions: [{ startsAt, endsAt: new Date(startsAt.getTime() + 7 * 3_600_000) }],
    });
    const people = [];
    for (let i = 0; i < (options.participants ?? 0); i++) {
      const person = await createUser(t, { displayName: `Osallistuja ${i}`, agencyId: agencies.get('Verohallinto')! });
      await t.app.get(EnrolmentService).enrol(actorOf(person), cohort.id);
      people.push(person);
    }
    return { cohort, programmeId, facilitator, people };
  }

  it('adds up a known set of answers: mean with a decimal comma, the distribution, choices, texts newest first and escaped, the response rate', async () => {
    const { cohort, programmeId, facilitator } = await round({ participants: 8 });
    const { id, questionIds } = await survey(cohort.id, programmeId, QUESTIONS);
    const at = (day: number) => helsinki(2027, 5, day, 12);
    await respond(id, questionIds, [5, [0], [0, 1], 'Hyvä <script>alert(1)</script> päivä'], { at: at(1) });
    await respond(id, questionIds, [4, [0], [1], 'Uusin vastaus'], { at: at(3) });
    await respond(id, questionIds, [4, [1], [0, 1, 2], null], { at: at(2) });
    await respond(id, questionIds, [3, [2], null, null], { at: at(2) });
    await respond(id, questionIds, [5, [0], [1], null], { at: at(2) });
    await respond(id, questionIds, [null, [0], null, null], { at: at(2) });

    const sanna = await signIn(t, facilitator.email);
    const res = await sanna.get(`/cohorts/${cohort.id}/feedback/results`);
    expect(res.status).toBe(200);
    const html = res.text;
    // 6 responses of 8 invited: 75 %.
    expect(html).toMatch(/<dt>Vastauksia<\/dt><dd>6<\/dd>/);
    expect(html).toMatch(/<dt>Kutsuttuja osallistujia<\/dt><dd>8<\/dd>/);
    expect(html).toMatch(/<dd>75\s%<\/dd>/);
    expect(html).toContain('Kysely on nimetön');
    // Scale: 5 answers 5,4,4,3,5 → mean 4,2; distribution 0,0,1,2,2.
    expect(html).toContain('Keskiarvo 4,2');
    const distribution = tableOf(html, 'Vastausten jakauma: 1. Kuinka hyödyllinen valmennus oli?');
    expect(distribution).toEqual([
      ['1 – Ei lainkaan', '0'],
      ['2', '0'],
      ['3', '1'],
      ['4', '2'],
      ['5 – Erittäin', '2'],
    ]);
    expect(tableOf(html, 'Valinnat: 2. Suosittelisitko valmennusta?')).toEqual([
      ['Kyllä', '4'],
      ['Ei', '1'],
      ['En osaa sanoa', '1'],
    ]);
    expect(tableOf(html, 'Valinnat: 3. Mikä toimi?')).toEqual([
      ['Tehtävät', '2'],
      ['Keskustelut', '4'],
      ['Materiaalit', '1'],
    ]);
    // Texts: the newest first, escaped.
    const newest = html.indexOf('Uusin vastaus');
    const older = html.indexOf('Hyvä &lt;script&gt;alert(1)&lt;/script&gt; päivä');
    expect(newest).toBeGreaterThan(0);
    expect(older).toBeGreaterThan(newest);
    expect(html).not.toContain('<script>alert(1)');

    // In English the decimal point.
    const english = await signIn(t, facilitator.email, undefined, 'en');
    english.cookies.set('lang', 'en');
    const en = await english.get(`/cohorts/${cohort.id}/feedback/results`);
    expect(en.text).toContain('Mean 4.2');
    expect(en.text).toContain('EN Kuinka hyödyllinen valmennus oli?');
  });

  it('draws each chart as an image with a title and description, bars labelled with their counts, and the numbers as a table', async () => {
    const { cohort, programmeId } = await round();
    const { id, questionIds } = await survey(cohort.id, programmeId, QUESTIONS.slice(0, 2));
    await respond(id, questionIds, [4, [0]]);
    await respond(id, questionIds, [2, [1]]);
    const admin = await signIn(t, (await db.query(`SELECT email FROM app_user WHERE id = $1`, [await adminId(t)]))[0].email);
    const html = (await admin.get(`/cohorts/${cohort.id}/feedback/results`)).text;
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(2);
    for (const svg of svgs) {
      const labelled = /role="img" aria-labelledby="([^" ]+) ([^"]+)"/.exec(svg);
      expect(labelled).not.toBeNull();
      expect(svg).toContain(`<title id="${labelled![1]}">`);
      expect(svg).toContain(`<desc id="${labelled![2]}">`);
    }
    expect(svgs[0]).toContain('<title id="q1-title">1. Kuinka hyödyllinen valmennus oli?</title>');
    expect(svgs[0]).toMatch(/<desc id="q1-desc">Vastanneita 2, keskiarvo 3,0\. Vastaukset asteikon kohdittain: 1 – Ei lainkaan: 0; 2: 1; 3: 0; 4: 1; 5 – Erittäin: 0\.<\/desc>/);
    // Every bar's count is written next to it.
    const counts = [...svgs[1].matchAll(/font-weight="bold">(\d+)<\/text>/g)].map((m) => m[1]);
    expect(counts).toEqual(['1', '1', '0']);
    expect(html).toMatch(/<caption id="q1-distribution">Vastausten jakauma: 1\. Kuinka hyödyllinen valmennus oli\?<\/caption>/);
    expect(html).toContain('<th scope="col">Asteikon kohta</th>');
    expect(html).toContain('<th scope="row">4</th>');
  });

  it('breaks a scale question down by agency only for groups of at least five, merging the smaller ones when together they are five', async () => {
    const { cohort, programmeId, facilitator } = await round();
    const { id, questionIds } = await survey(cohort.id, programmeId, [QUESTIONS[0]]);
    for (let i = 0; i < 5; i++) await respond(id, questionIds, [i < 4 ? 5 : 4], { agency: 'Verohallinto' }); // 24 / 5 = 4,8
    for (let i = 0; i < 3; i++) await respond(id, questionIds, [2], { agency: 'Tulli' });
    for (let i = 0; i < 2; i++) await respond(id, questionIds, [1], { agency: 'Kela' }); // the rest: 8 / 5 = 1,6
    const sanna = await signIn(t, facilitator.email);
    const html = (await sanna.get(`/cohorts/${cohort.id}/feedback/results`)).text;
    expect(tableOf(html, 'Virastoittain: 1. Kuinka hyödyllinen valmennus oli?')).toEqual([
      ['Verohallinto', '4,8', '5'],
      ['Muut virastot (kukin alle 5 vastausta)', '1,6', '5'],
    ]);
    expect(html).not.toContain('Tulli');
    expect(html).not.toContain('Kela');
  });

  it('shows no breakdown when the groups under five come to fewer than five, since the whole count would give them away', async () => {
    const { cohort, programmeId, facilitator } = await round();
    const { id, questionIds } = await survey(cohort.id, programmeId, [QUESTIONS[0]]);
    for (let i = 0; i < 6; i++) await respond(id, questionIds, [5], { agency: 'Verohallinto' });
    for (let i = 0; i < 3; i++) await respond(id, questionIds, [1], { agency: 'Tulli' });
    const html = (await (await signIn(t, facilitator.email)).get(`/cohorts/${cohort.id}/feedback/results`)).text;
    expect(html).not.toContain('Virastoittain:');
    expect(html).not.toContain('Verohallinto');
    expect(html).not.toContain('Tulli');
    expect(html).toContain('Virastoittaista jakoa ei näytetä');
  });

  it('merges and hides agency groups by the rule, whatever their order', () => {
    expect(agencyBreakdown([{ agency: 'A', count: 4, total: 16 }])).toEqual([]);
    expect(agencyBreakdown([{ agency: 'A', count: 5, total: 20 }])).toEqual([{ agency: 'A', other: false, count: 5, mean: 4 }]);
    // The rest (4) under five: the smallest shown group joins it.
    expect(agencyBreakdown([{ agency: 'A', count: 9, total: 18 }, { agency: 'B', count: 6, total: 30 }, { agency: 'C', count: 4, total: 4 }])).toEqual([
      { agency: 'A', other: false, count: 9, mean: 2 },
      { agency: null, other: true, count: 10, mean: 3.4 },
    ]);
    expect(agencyBreakdown([{ agency: null, count: 7, total: 21 }, { agency: 'B', count: 2, total: 2 }, { agency: 'C', count: 3, total: 3 }])).toEqual([
      { agency: null, other: false, count: 7, mean: 3 },
      { agency: null, other: true, count: 5, mean: 1 },
    ]);
  });

  it('compares a scale question with the same question in the programme’s earlier rounds, the current round marked', async () => {
    const programme = await newProgramme(t);
    const earlier = async (name: string, startsAt: Date, values: number[], prompt = QUESTIONS[0].prompt) => {
      const r = await round({ programmeId: programme.id, name, startsAt });
      const s = await survey(r.cohort.id, programme.id, [{ ...QUESTIONS[0], prompt }]);
      for (const value of values) await respond(s.id, s.questionIds, [value]);
    };
    await earlier('Syksy 2025', helsinki(2025, 9, 10), [3, 4]);
    await earlier('Kevät 2026', helsinki(2026, 3, 10), [5, 5, 4]);
    await earlier('Syksy 2026', helsinki(2026, 9, 10), [2], 'Eri kysymys');
    await earlier('Syksy 2028', helsinki(2028, 9, 10), [1]); // later: not compared
    const current = await round({ programmeId: programme.id, name: 'Kevät 2027', startsAt: helsinki(2027, 3, 16) });
    const s = await survey(current.cohort.id, programme.id, [QUESTIONS[0]]);
    await respond(s.id, s.questionIds, [4]);
    await respond(s.id, s.questionIds, [5]);

    const html = (await (await signIn(t, current.facilitator.email)).get(`/cohorts/${current.cohort.id}/feedback/results`)).text;
    expect(tableOf(html, 'Vertailu ohjelman aiempiin ryhmiin: 1. Kuinka hyödyllinen valmennus oli?')).toEqual([
      ['Kevät 2027 (tämä ryhmä)', '16.3.2027', '4,5', '2'],
      ['Kevät 2026', '10.3.2026', '4,7', '3'],
      ['Syksy 2025', '10.9.2025', '3,5', '2'],
    ]);
    expect(html).toContain('class="survey-comparison__current"');
  });

  it('exports the results as a CSV with a header row in the reader’s language, counts, means and texts, no names', async () => {
    const { cohort, programmeId, facilitator, people } = await round({ participants: 1 });
    const { id, questionIds } = await survey(cohort.id, programmeId, QUESTIONS, false);
    await respond(id, questionIds, [5, [1], [0, 2], '=SUM(A1) kiitos'], { userId: people[0].id, agency: 'Verohallinto' });
    await respond(id, questionIds, [2, [1], [2], null]);
    const res = await (await signIn(t, facilitator.email)).get(`/cohorts/${cohort.id}/feedback/results.csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="palaute-kevat-2027.csv"; filename*=UTF-8''${encodeURIComponent('palaute-Kevät 2027.csv')}`);
    const lines = res.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Nro;Kysymys;Tyyppi;Vastaus;Määrä;Keskiarvo');
    expect(lines).toContain('1;Kuinka hyödyllinen valmennus oli?;Asteikko 1–5;5 – Erittäin;1;');
    expect(lines).toContain('1;Kuinka hyödyllinen valmennus oli?;Asteikko 1–5;2;1;');
    expect(lines).toContain('1;Kuinka hyödyllinen valmennus oli?;Asteikko 1–5;Vastanneita yhteensä;2;3,5');
    expect(lines).toContain('2;Suosittelisitko valmennusta?;Yksi vaihtoehto;Ei;2;');
    expect(lines).toContain('3;Mikä toimi?;Useita vaihtoehtoja;Materiaalit;2;');
    expect(lines).toContain("4;Mitä muuta haluat sanoa?;Pitkä teksti;'=SUM(A1) kiitos;;");
    expect(res.text).not.toContain(people[0].displayName);
    expect(res.text).not.toContain(people[0].email);
    // The page says the survey is named, and shows no names either.
    const page = await (await signIn(t, facilitator.email)).get(`/cohorts/${cohort.id}/feedback/results`);
    expect(page.text).toContain('Kysely on nimellinen');
    expect(page.text).not.toContain('Osallistuja 0');
  });

  it('lets only the round’s facilitators and admins in: 403 for a participant and another round’s facilitator, 404 for an unknown round', async () => {
    const { cohort, programmeId, people } = await round({ participants: 1 });
    await survey(cohort.id, programmeId, QUESTIONS);
    const other = await round({ programmeId });
    for (const path of [`/cohorts/${cohort.id}/feedback/results`, `/cohorts/${cohort.id}/feedback/results.csv`]) {
      expect((await (await signIn(t, people[0].email)).get(path)).status).toBe(403);
      expect((await (await signIn(t, other.facilitator.email)).get(path)).status).toBe(403);
    }
    const admin = await signIn(t, (await db.query(`SELECT email FROM app_user WHERE id = $1`, [await adminId(t)]))[0].email);
    expect((await admin.get(`/cohorts/${cohort.id}/feedback/results`)).status).toBe(200);
    expect((await admin.get(`/cohorts/${randomUUID()}/feedback/results`)).status).toBe(404);
    expect((await admin.get(`/cohorts/not-an-id/feedback/results.csv`)).status).toBe(404);
    // A round without a survey says so.
    const none = await admin.get(`/cohorts/${other.cohort.id}/feedback/results`);
    expect(none.status).toBe(200);
    expect(none.text).toContain('Tällä ryhmällä ei ole palautekyselyä.');
  });

  it('shows the site form’s results to admins only', async () => {
    // The one site form, made here unless something made it already.
    const [{ id }] = await db.query(
      `INSERT INTO survey (purpose, title) VALUES ('site', $1) ON CONFLICT (purpose) WHERE purpose = 'site' DO UPDATE SET title = survey.title RETURNING id`,
      [{ fi: 'Anna palautetta' }],
    );
    const [q] = await db.query(
      `INSERT INTO survey_question (survey_id, position, kind, prompt)
       SELECT $1, coalesce(max(position), 0) + 1, 'short_text', $2 FROM survey_question WHERE survey_id = $1 RETURNING id`,
      [id, { fi: 'Mitä haluat kertoa?' }],
    );
    await respond(id, [q.id], ['Sivusto on selkeä']);
    const admin = await signIn(t, (await db.query(`SELECT email FROM app_user WHERE id = $1`, [await adminId(t)]))[0].email);
    const page = await admin.get('/admin/feedback/results');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Palautteen tulokset: sivuston palautelomake');
    expect(page.text).toContain('Sivusto on selkeä');
    expect(page.text).not.toContain('Kutsuttuja osallistujia');
    const csv = await admin.get('/admin/feedback/results.csv');
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('Sivusto on selkeä');
    const someone = await signIn(t, (await createUser(t)).email);
    expect((await someone.get('/admin/feedback/results')).status).toBe(403);
    expect((await someone.get('/admin/feedback/results.csv')).status).toBe(403);
  });
});

/** A table's body rows (th and td texts) by its caption. */
function tableOf(html: string, caption: string): string[][] {
  const escaped = caption.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const table = new RegExp(`<caption[^>]*>${escaped}</caption>([\\s\\S]*?)</table>`).exec(html);
  if (!table) throw new Error(`no table "${caption}"`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table[1])![1];
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      cell[1]
        .replace(/<[^>]+>/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}

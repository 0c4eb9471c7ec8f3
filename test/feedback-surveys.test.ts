// Feedback surveys through the pages people use, on the real PostgreSQL: the editor (a programme's
// template and a round's survey; questions of every kind with Finnish required, moved up and down,
// deleted; what locks when), copying onto a new round and into "schedule the next round", answering
// a round's survey (who may, while it is open, one answer per person, every bad input refused with a
// message at its question and nothing stored), anonymity (the answer holds no person), and the
// site's open form for people without an account, with its rate limit.
import { DataSource } from 'typeorm';
import { PersonalDataService } from '../src/accounts/personal-data.service';
import { SchedulingService } from '../src/catalogue/scheduling.service';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { AgencyService } from '../src/identity/agency.service';
import { ErasureService } from '../src/identity/erasure.service';
import { UserService } from '../src/identity/user.service';
import { Actor } from '../src/access/capabilities';
import { createUser, signIn, WebClient } from './support/accounts';
import { adminId, helsinki, newCohort, newProgramme } from './support/catalogue';
import { startTestApp, TestApp } from './support/test-app';

const OPEN_NOW = { enrolmentOpensAt: helsinki(2026, 11, 1), enrolmentClosesAt: helsinki(2027, 2, 28) };

describe('feedback surveys', () => {
  let t: TestApp;
  let db: DataSource;
  let enrolment: EnrolmentService;
  let admin: WebClient;
  let agencyId: string;

  const count = async (table: string, where = 'true', values: unknown[] = []) => (await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values))[0].n as number;
  const surveyOf = async (cohortId: string) => (await db.query(`SELECT * FROM survey WHERE cohort_id = $1`, [cohortId]))[0];
  const questionsOf = async (surveyId: string) =>
    db.query(`SELECT id, position, kind, prompt->>'fi' AS prompt, options, required FROM survey_question WHERE survey_id = $1 ORDER BY position`, [surveyId]);
  const adminActor = async (): Promise<Actor> =>
    (
      await db.query(
        `SELECT id, email, display_name AS "displayName", agency_id AS "agencyId", language, site_role AS "siteRole", email_verified_at IS NOT NULL AS "emailVerified" FROM app_user WHERE id = $1`,
        [await adminId(t)],
      )
    )[0];

  /** Posts a form body as written (repeated fields for checkboxes), with the CSRF token of `page`. */
  const postRaw = async (client: WebClient, path: string, fields: [string, string][], page: string) => {
    const token = await client.csrfToken(page);
    const body = [['_csrf', token], ...fields].map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
    return t.http.post(path).set('cookie', client.cookieHeader()).set('accept-language', client.lang).type('form').send(body);
  };

  /** A programme with a template of one question of each kind, made through the editor. */
  const programmeWithTemplate = async () => {
    const programme = await newProgramme(t);
    expect((await admin.post(`/admin/programmes/${programme.id}/feedback`, {}, { page: `/admin/programmes/${programme.id}/feedback` })).status).toBe(303);
    const [template] = await db.query(`SELECT id FROM survey WHERE programme_id = $1 AND purpose = 'programme_template'`, [programme.id]);
    const editor = `/admin/programmes/${programme.id}/feedback`;
    const add = (form: Record<string, string>) => admin.post(`/surveys/${template.id}/questions`, form, { page: editor });
    const forms: Record<string, string>[] = [
      { kind: 'scale', required: 'yes', promptFi: 'Kuinka hyödyllinen valmennus oli?', promptSv: 'Hur nyttig var utbildningen?', optionsFi: 'Ei lainkaan\n\n\n\nErittäin' },
      { kind: 'single_choice', promptFi: 'Suosittelisitko?', optionsFi: 'Kyllä\nEi\nEn osaa sanoa' },
      { kind: 'multiple_choice', promptFi: 'Mikä toimi?', optionsFi: 'Tapaamiset\nMateriaalit\nVerkosto', optionsEn: 'Sessions\nMaterials\nNetwork' },
      { kind: 'short_text', promptFi: 'Yhdellä sanalla' },
      { kind: 'long_text', required: 'yes', promptFi: 'Mitä kehittäisit?' },
    ];
    for (const form of forms) {
      const res = await add(form);
      // The page's own words when refused, so a failure says why.
      expect([res.status, res.status === 303 ? '' : res.text.replace(/[\s\S]*<main[^>]*>/, '').slice(0, 1500)]).toEqual([303, '']);
    }
    return { programme, templateId: template.id as string };
  };

  /** A person with a seat in the round. */
  const participant = async (cohortId: string, language: 'fi' | 'sv' | 'en' = 'fi') => {
    const person = await createUser(t, { displayName: 'Aino Äijälä', agencyId, language });
    await enrolment.enrolByEmail(await adminActor(), cohortId, person.email, null);
    return { person, client: await signIn(t, person.email, person.password, language) };
  };
  const openSurvey = (cohortId: string) => db.query(`UPDATE survey SET opens_at = now() - interval '1 hour', closes_at = now() + interval '7 days', invited_at = now() WHERE cohort_id = $1`, [cohortId]);

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    enrolment = t.app.get(EnrolmentService);
    await t.app.get(AgencyService).ensure(['Verohallinto']);
    agencyId = (await t.app.get(AgencyService).list('fi')).find((a) => a.name === 'Verohallinto')!.id;
    const [row] = await db.query(`SELECT email FROM app_user WHERE id = $1`, [await adminId(t)]);
    admin = await signIn(t, row.email);
  });
  afterAll(() => t?.close());

  describe('the editor', () => {
    it('builds a template of every kind of question, in order, with Finnish required', async () => {
      const { templateId } = await programmeWithTemplate();
      const questions = await questionsOf(templateId);
      expect(questions.map((q: { kind: string; position: number; required: boolean }) => [q.position, q.kind, q.required])).toEqual([
        [1, 'scale', true],
        [2, 'single_choice', false],
        [3, 'multiple_choice', false],
        [4, 'short_text', false],
        [5, 'long_text', true],
      ]);
      // A scale's labels are its points 1–5; a choice's options keep their other languages.
      expect(questions[0].options).toEqual([{ fi: 'Ei lainkaan' }, {}, {}, {}, { fi: 'Erittäin' }]);
      expect(questions[2].options[1]).toEqual({ fi: 'Materiaalit', en: 'Materials' });
    });

    it('refuses a question without Finnish, a choice with one option, or mismatched translations: the message at the field, the input kept, nothing stored', async () => {
      const { programme, templateId } = await programmeWithTemplate();
      const editor = `/admin/programmes/${programme.id}/feedback`;
      const before = await count('survey_question', 'survey_id = $1', [templateId]);
      const noFinnish = await admin.post(`/surveys/${templateId}/questions`, { kind: 'short_text', promptSv: 'Bara på svenska' }, { page: editor });
      expect(noFinnish.status).toBe(400);
      expect(noFinnish.text).toContain('Kirjoita kysymys suomeksi.');
      expect(noFinnish.text).toContain('Bara på svenska');
      const oneOption = await admin.post(`/surveys/${templateId}/questions`, { kind: 'single_choice', promptFi: 'Valitse', optionsFi: 'Ainoa' }, { page: editor });
      expect(oneOption.status).toBe(400);
      expect(oneOption.text).toContain('Anna suomeksi 2–20 vaihtoehtoa');
      const mismatch = await admin.post(`/surveys/${templateId}/questions`, { kind: 'single_choice', promptFi: 'Valitse', optionsFi: 'Yksi\nKaksi', optionsSv: 'Ett' }, { page: editor });
      expect(mismatch.status).toBe(400);
      expect(mismatch.text).toContain('Vaihtoehtoja pitää olla yhtä monta kuin suomeksi');
      const badKind = await admin.post(`/surveys/${templateId}/questions`, { kind: 'essay', promptFi: 'Kerro' }, { page: editor });
      expect(badKind.status).toBe(400);
      expect(await count('survey_question', 'survey_id = $1', [templateId])).toBe(before);
    });

    it('moves a question up and down by swapping it with its neighbour, and closes the gap when one is deleted', async () => {
      const { programme, templateId } = await programmeWithTemplate();
      const editor = `/admin/programmes/${programme.id}/feedback`;
      const [first, second, third] = await questionsOf(templateId);
      expect((await admin.post(`/surveys/${templateId}/questions/${third.id}/move`, { direction: 'up' }, { page: editor })).status).toBe(303);
      expect((await questionsOf(templateId)).slice(0, 3).map((q: { id: string }) => q.id)).toEqual([first.id, third.id, second.id]);
      expect((await admin.post(`/surveys/${templateId}/questions/${first.id}/move`, { direction: 'down' }, { page: editor })).status).toBe(303);
      expect((await questionsOf(templateId)).slice(0, 3).map((q: { id: string }) => q.id)).toEqual([third.id, first.id, second.id]);
      // At the top it stays where it is.
      expect((await admin.post(`/surveys/${templateId}/questions/${third.id}/move`, { direction: 'up' }, { page: editor })).status).toBe(303);
      expect((await questionsOf(templateId))[0].id).toBe(third.id);
      expect((await admin.post(`/surveys/${templateId}/questions/${third.id}/move`, { direction: 'sideways' }, { page: editor })).status).toBe(400);
      expect((await admin.post(`/surveys/${templateId}/questions/${first.id}/delete`, {}, { page: editor })).status).toBe(303);
      const after = await questionsOf(templateId);
      expect(after.map((q: { position: number }) => q.position)).toEqual([1, 2, 3, 4]);
      expect(after.map((q: { id: string }) => q.id)).not.toContain(first.id);
      const page = await admin.get(editor);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Siirrä ylös');
    });

    it('edits a question through its form, and keeps the template for admins only', async () => {
      const { programme, templateId } = await programmeWithTemplate();
      const [question] = await questionsOf(templateId);
      const form = await admin.get(`/surveys/${templateId}/questions/${question.id}`);
      expect(form.status).toBe(200);
      expect(form.text).toContain('Kuinka hyödyllinen valmennus oli?');
      const saved = await admin.post(`/surveys/${templateId}/questions/${question.id}`, { kind: 'scale', promptFi: 'Kuinka hyödyllinen ryhmä oli?' }, { page: `/admin/programmes/${programme.id}/feedback` });
      expect(saved.status).toBe(303);
      expect((await questionsOf(templateId))[0]).toMatchObject({ prompt: 'Kuinka hyödyllinen ryhmä oli?', required: false, options: [] });
      const someone = await createUser(t);
      const client = await signIn(t, someone.email, someone.password);
      expect((await client.get(`/admin/programmes/${programme.id}/feedback`)).status).toBe(403);
      expect((await client.get(`/surveys/${templateId}/questions/new`)).status).toBe(403);
    });

    it('lets a round’s facilitator edit its survey and nobody else, and warns when it has no questions', async () => {
      const facilitator = await createUser(t, { displayName: 'Sanna Fasilitaattori' });
      const cohort = await newCohort(t, { ...OPEN_NOW, facilitatorEmails: [facilitator.email] });
      const sanna = await signIn(t, facilitator.email, facilitator.password);
      const empty = await sanna.get(`/cohorts/${cohort.id}/feedback/edit`);
      expect(empty.status).toBe(200);
      expect(empty.text).toContain('Luo kysely');
      expect((await sanna.post(`/cohorts/${cohort.id}/feedback/edit`, { from: '' }, { page: `/cohorts/${cohort.id}/feedback/edit` })).status).toBe(303);
      const editor = await sanna.get(`/cohorts/${cohort.id}/feedback/edit`);
      expect(editor.text).toContain('Kysely, jossa ei ole kysymyksiä, ei avaudu koskaan');
      const other = await createUser(t);
      const stranger = await signIn(t, other.email, other.password);
      expect((await stranger.get(`/cohorts/${cohort.id}/feedback/edit`)).status).toBe(403);
      const survey = await surveyOf(cohort.id);
      expect((await stranger.post(`/surveys/${survey.id}/questions`, { kind: 'short_text', promptFi: 'Hei' }, { page: '/feedback' })).status).toBe(403);
      expect(await count('survey_question', 'survey_id = $1', [survey.id])).toBe(0);
    });

    it('fixes anonymity and the open period once the round’s survey has opened, and locks the questions once answered', async () => {
      const { programme } = await programmeWithTemplate();
      const cohort = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id });
      const survey = await surveyOf(cohort.id);
      const editor = `/cohorts/${cohort.id}/feedback/edit`;
      const settings = { titleFi: 'Palaute', anonymous: 'yes', openDays: '14' };
      expect((await admin.post(`/surveys/${survey.id}/settings`, { ...settings, openDays: '0' }, { page: editor })).status).toBe(400);
      expect((await admin.post(`/surveys/${survey.id}/settings`, { ...settings, openDays: '10' }, { page: editor })).status).toBe(303);
      await openSurvey(cohort.id);
      const named = await admin.post(`/surveys/${survey.id}/settings`, { titleFi: 'Palaute', openDays: '10' }, { page: editor });
      expect(named.status).toBe(409);
      expect(named.text).toContain('Kysely on jo avautunut: nimettömyyttä ja vastausaikaa ei voi enää muuttaa');
      expect((await surveyOf(cohort.id)).anonymous).toBe(true);
      // The title may still change.
      expect((await admin.post(`/surveys/${survey.id}/settings`, { ...settings, titleFi: 'Syksyn palaute', openDays: '10' }, { page: editor })).status).toBe(303);

      const { client } = await participant(cohort.id);
      const questions = await questionsOf(survey.id);
      expect((await client.post(`/cohorts/${cohort.id}/feedback`, { [`q-${questions[0].id}`]: '4', [`q-${questions[4].id}`]: 'Enemmän tapaamisia' }, { page: `/cohorts/${cohort.id}/feedback` })).status).toBe(303);
      const locked = await admin.post(`/surveys/${survey.id}/questions/${questions[1].id}/delete`, {}, { page: editor });
      expect(locked.status).toBe(409);
      expect(locked.text).toContain('Kyselyyn on jo vastattu, joten sen kysymyksiä ei voi enää muuttaa');
      expect(await count('survey_question', 'survey_id = $1', [survey.id])).toBe(5);
      expect((await admin.get(editor)).text).toContain('Kyselyyn on vastattu (1 vastausta)');
    });
  });

  describe('copying onto rounds', () => {
    it('copies the programme’s template onto a new round, and the previous round’s survey into the next round', async () => {
      const { programme, templateId } = await programmeWithTemplate();
      const autumn = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, name: 'Syksy 2027' });
      const survey = await surveyOf(autumn.id);
      expect(survey).toMatchObject({ purpose: 'cohort', programme_id: programme.id, copied_from_id: templateId });
      const copied = await questionsOf(survey.id);
      expect(copied.map((q: { prompt: string }) => q.prompt)).toEqual((await questionsOf(templateId)).map((q: { prompt: string }) => q.prompt));
      // The round's own copy changes; the template stays.
      await admin.post(`/surveys/${survey.id}/questions`, { kind: 'short_text', promptFi: 'Vain syksyn ryhmälle' }, { page: `/cohorts/${autumn.id}/feedback/edit` });
      expect(await count('survey_question', 'survey_id = $1', [templateId])).toBe(5);

      const next = await t.app.get(SchedulingService).copyToNextRound(await adminId(t), autumn.id, { amount: 12, unit: 'months', skipDaysOff: false });
      const nextSurvey = await surveyOf(next.id);
      expect(nextSurvey.copied_from_id).toBe(survey.id);
      expect((await questionsOf(nextSurvey.id)).map((q: { prompt: string }) => q.prompt)).toContain('Vain syksyn ryhmälle');
      expect(nextSurvey.opens_at).toBeNull();
    });

    it('gives a round of a programme without a template no survey, and lets its survey be made as a copy of another round’s', async () => {
      const programme = await newProgramme(t);
      const first = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id });
      expect(await surveyOf(first.id)).toBeUndefined();
      await admin.post(`/cohorts/${first.id}/feedback/edit`, {}, { page: `/cohorts/${first.id}/feedback/edit` });
      const survey = await surveyOf(first.id);
      await admin.post(`/surveys/${survey.id}/questions`, { kind: 'long_text', promptFi: 'Terveiset' }, { page: `/cohorts/${first.id}/feedback/edit` });
      const second = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id, name: 'Toinen' });
      const page = await admin.get(`/cohorts/${second.id}/feedback/edit`);
      expect(page.text).toContain('(1 kysymystä)');
      const unknown = await admin.post(`/cohorts/${second.id}/feedback/edit`, { from: second.id }, { page: `/cohorts/${second.id}/feedback/edit` });
      expect(unknown.status).toBe(400);
      expect(await surveyOf(second.id)).toBeUndefined();
      expect((await admin.post(`/cohorts/${second.id}/feedback/edit`, { from: survey.id }, { page: `/cohorts/${second.id}/feedback/edit` })).status).toBe(303);
      expect((await questionsOf((await surveyOf(second.id)).id)).map((q: { prompt: string }) => q.prompt)).toEqual(['Terveiset']);
    });
  });

  describe('answering a round’s survey', () => {
    const setUp = async (options: { anonymous?: boolean } = {}) => {
      const { programme } = await programmeWithTemplate();
      const cohort = await newCohort(t, { ...OPEN_NOW, programmeId: programme.id });
      const survey = await surveyOf(cohort.id);
      if (options.anonymous === false) await db.query(`UPDATE survey SET anonymous = false WHERE id = $1`, [survey.id]);
      const questions: { id: string }[] = await questionsOf(survey.id);
      const [scale, single, multiple, short, long] = questions.map((q) => `q-${q.id}`);
      return { cohort, survey, fields: { scale, single, multiple, short, long }, page: `/cohorts/${cohort.id}/feedback` };
    };

    it('is for the round’s participants, and only while the survey is open', async () => {
      const { cohort, fields, page } = await setUp();
      const { client } = await participant(cohort.id);
      const notOpen = await client.get(page);
      expect(notOpen.status).toBe(200);
      expect(notOpen.text).toContain('Kysely ei ole vielä auki');
      const early = await client.post(page, { [fields.scale]: '3', [fields.long]: 'Hyvä' }, { page: '/my/cohorts' });
      expect(early.status).toBe(409);
      const other = await createUser(t);
      const stranger = await signIn(t, other.email, other.password);
      await openSurvey(cohort.id);
      expect((await stranger.get(page)).status).toBe(403);
      expect((await stranger.post(page, { [fields.scale]: '3', [fields.long]: 'Hyvä' }, { page: '/my/cohorts' })).status).toBe(403);
      await db.query(`UPDATE survey SET opens_at = now() - interval '20 days', closes_at = now() - interval '1 minute' WHERE cohort_id = $1`, [cohort.id]);
      const late = await client.post(page, { [fields.scale]: '3', [fields.long]: 'Hyvä' }, { page: '/my/cohorts' });
      expect(late.status).toBe(409);
      expect(late.text).toContain('Kysely on sulkeutunut');
      expect(await count('survey_respondent', 'user_id = $1', [other.id])).toBe(0);
    });

    it('refuses every bad answer with a message at its question, keeps the other answers, and stores nothing', async () => {
      const { cohort, survey, fields, page } = await setUp();
      await openSurvey(cohort.id);
      const { client } = await participant(cohort.id);
      const form = await client.get(page);
      expect(form.text).toContain('Vastauksesi tallennetaan nimettömänä.');
      expect(form.text).toContain('aria-required="true"');
      expect(form.text).toMatch(/<span aria-hidden="true">\*<\/span><span class="visually-hidden">\(pakollinen\)<\/span>/);
      const good = { [fields.scale]: '4', [fields.single]: '1', [fields.short]: 'Hyvä', [fields.long]: 'Lisää aikaa keskustelulle' };
      const cases: [Record<string, string>, string, string][] = [
        [{ ...good, [fields.scale]: '0' }, fields.scale, 'Valitse kohta väliltä 1–5.'],
        [{ ...good, [fields.scale]: '6' }, fields.scale, 'Valitse kohta väliltä 1–5.'],
        [{ ...good, [fields.single]: '7' }, fields.single, 'Valitse vaihtoehto listasta.'],
        [{ ...good, [fields.short]: 'x'.repeat(10_000) }, fields.short, 'Vastaus on liian pitkä: 10000 merkkiä, enintään 500.'],
        [{ ...good, [fields.long]: '' }, fields.long, 'Vastaa tähän kysymykseen.'],
        [{ ...good, accessMatrixProbe: '1' }, 'accessMatrixProbe', ''],
      ];
      for (const [answer, field, message] of cases) {
        const res = await client.post(page, answer, { page });
        expect([field, res.status]).toEqual([field, 400]);
        if (message) expect(res.text).toContain(message);
        // The other answers are kept.
        expect(res.text).toContain('Lisää aikaa keskustelulle'.slice(0, field === fields.long ? 0 : 30));
      }
      const unknownChoice = await postRaw(client, page, [[fields.scale, '4'], [`${fields.multiple}-0`, 'yes'], [`${fields.multiple}-9`, 'yes'], [fields.long, 'Hyvä']], page);
      expect(unknownChoice.status).toBe(400);
      expect(unknownChoice.text).toContain('Valitse vaihtoehto listasta.');
      // The same name twice is refused before any of this (web/input-guard.ts).
      expect((await postRaw(client, page, [[fields.scale, '4'], [fields.scale, '5'], [fields.long, 'Hyvä']], page)).status).toBe(400);
      expect(await count('survey_response', 'survey_id = $1', [survey.id])).toBe(0);
      expect(await count('survey_respondent', 'survey_id = $1', [survey.id])).toBe(0);
    });

    it('stores an anonymous answer without the person (the agency kept), and refuses a second one', async () => {
      const { cohort, survey, fields, page } = await setUp();
      await openSurvey(cohort.id);
      const { person, client } = await participant(cohort.id);
      const sent = await postRaw(client, page, [[fields.scale, '5'], [`${fields.multiple}-0`, 'yes'], [`${fields.multiple}-2`, 'yes'], [fields.short, '<script>alert(1)</script>'], [fields.long, 'Kiitos']], page);
      expect(sent.status).toBe(303);
      const responses = await db.query(`SELECT id, user_id, agency_id FROM survey_response WHERE survey_id = $1`, [survey.id]);
      expect(responses).toEqual([{ id: expect.any(String), user_id: null, agency_id: agencyId }]);
      const answers = await db.query(`SELECT scale_value, choices, text FROM survey_answer WHERE response_id = $1 ORDER BY scale_value NULLS LAST, text`, [responses[0].id]);
      expect(answers).toEqual([
        { scale_value: 5, choices: null, text: null },
        { scale_value: null, choices: null, text: '<script>alert(1)</script>' },
        { scale_value: null, choices: null, text: 'Kiitos' },
        { scale_value: null, choices: [0, 2], text: null },
      ]);
      expect(await count('survey_respondent', 'survey_id = $1 AND user_id = $2', [survey.id, person.id])).toBe(1);
      // Nothing in the answer tables names the person.
      const [{ named }] = await db.query(`SELECT count(*)::int AS named FROM survey_response r JOIN survey_answer a ON a.response_id = r.id WHERE r.user_id = $1 OR a.text LIKE $2`, [person.id, `%${person.email}%`]);
      expect(named).toBe(0);

      const again = await client.get(page);
      expect(again.text).toContain('Olet jo vastannut tähän kyselyyn');
      expect(again.text).not.toContain('Lähetä vastaus');
      const second = await client.post(page, { [fields.scale]: '1', [fields.long]: 'Toinen' }, { page: '/my/cohorts' });
      expect(second.status).toBe(409);
      expect(second.text).toContain('Olet jo vastannut tähän nimettömään kyselyyn');
      expect(await count('survey_response', 'survey_id = $1', [survey.id])).toBe(1);
      // The person's data download says they answered, and holds no answer of theirs.
      const { feedback } = (await t.app.get(PersonalDataService).export(person.id)) as unknown as { feedback: { answered: unknown[]; namedAnswers: unknown[] } };
      expect(feedback).toEqual({ answered: [{ survey: 'Palautekysely', cohort: expect.any(String), answeredAt: expect.any(Date) }], namedAnswers: [] });
    });

    it('lets a named answer be changed until the survey closes, with the form filled in', async () => {
      const { cohort, survey, fields, page } = await setUp({ anonymous: false });
      await openSurvey(cohort.id);
      const { person, client } = await participant(cohort.id);
      expect((await client.get(page)).text).toContain('Vastauksesi tallennetaan nimelläsi');
      expect((await client.post(page, { [fields.scale]: '2', [fields.long]: 'Ensimmäinen ajatus' }, { page })).status).toBe(303);
      const filled = await client.get(page);
      expect(filled.text).toContain('Ensimmäinen ajatus');
      expect(filled.text).toMatch(new RegExp(`name="${fields.scale}" value="2" checked`));
      expect((await client.post(page, { [fields.scale]: '5', [fields.long]: 'Toinen ajatus' }, { page })).status).toBe(303);
      const responses = await db.query(`SELECT r.user_id, a.scale_value, a.text FROM survey_response r JOIN survey_answer a ON a.response_id = r.id WHERE r.survey_id = $1 ORDER BY a.scale_value NULLS LAST`, [survey.id]);
      expect(responses).toEqual([
        { user_id: person.id, scale_value: 5, text: null },
        { user_id: person.id, scale_value: null, text: 'Toinen ajatus' },
      ]);
      // The person's data download holds their named answers as they stand.
      const { feedback } = (await t.app.get(PersonalDataService).export(person.id)) as unknown as { feedback: { namedAnswers: { question: string; answer: unknown }[] } };
      expect(feedback.namedAnswers.map(({ question, answer }) => [question, answer])).toEqual([
        ['Kuinka hyödyllinen valmennus oli?', 5],
        ['Mitä kehittäisit?', 'Toinen ajatus'],
      ]);
      // Erased on their request: the answers stay, without them.
      await t.app.get(UserService).requestErasure(person.id);
      await t.app.get(ErasureService).erase(await adminId(t), person.id);
      expect(await count('survey_response', 'survey_id = $1 AND user_id IS NULL', [survey.id])).toBe(1);
      expect(await count('survey_respondent', 'user_id = $1', [person.id])).toBe(0);
    });

    it('shows an open survey on the home page of those who may still answer it', async () => {
      const { cohort, fields, page } = await setUp();
      const { client } = await participant(cohort.id);
      expect((await client.get('/')).text).not.toContain('Anna palautetta:');
      await openSurvey(cohort.id);
      const home = await client.get('/');
      expect(home.text).toContain('Anna palautetta:');
      expect(home.text).toContain(`href="/cohorts/${cohort.id}/feedback"`);
      await client.post(page, { [fields.scale]: '3', [fields.long]: 'Hyvä' }, { page });
      expect((await client.get('/')).text).not.toContain(`href="/cohorts/${cohort.id}/feedback"`);
    });
  });

  describe('the site’s open form', () => {
    it('takes answers from people without an account, stores text as given, shows it escaped, and thanks them', async () => {
      const guest = new WebClient(t);
      const form = await guest.get('/feedback');
      expect(form.status).toBe(200);
      expect(form.text).toContain('Anna palautetta tai kerro kokemuksesta');
      const [site] = await db.query(`SELECT id FROM survey WHERE purpose = 'site'`);
      const questions = await questionsOf(site.id);
      const required = questions.find((q: { required: boolean }) => q.required)!;
      const optional = questions.find((q: { kind: string }) => q.kind === 'short_text')!;
      const missing = await guest.post('/feedback', { [`q-${optional.id}`]: '<script>alert("x")</script>' }, { page: '/feedback' });
      expect(missing.status).toBe(400);
      expect(missing.text).toContain('Vastaa tähän kysymykseen.');
      expect(missing.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(missing.text).not.toContain('<script>alert');
      const before = await count('survey_response', 'survey_id = $1', [site.id]);
      const sent = await guest.post('/feedback', { [`q-${required.id}`]: 'Hyvä sivusto <b>kiitos</b>', [`q-${optional.id}`]: '<script>alert("x")</script>' }, { page: '/feedback' });
      expect(sent.status).toBe(303);
      expect(sent.headers.location).toBe('/feedback/thanks');
      expect((await guest.get('/feedback/thanks')).text).toContain('Kiitos palautteestasi');
      expect(await count('survey_response', 'survey_id = $1 AND user_id IS NULL', [site.id])).toBe(before + 1);
      expect(await count('survey_answer', `text = '<script>alert("x")</script>'`)).toBe(1);
    });

    it('limits answers from one address to 10 an hour', async () => {
      const guest = new WebClient(t);
      const [site] = await db.query(`SELECT id FROM survey WHERE purpose = 'site'`);
      const required = (await questionsOf(site.id)).find((q: { required: boolean }) => q.required)!;
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await guest.post('/feedback', { [`q-${required.id}`]: `Palaute ${i}` }, { page: '/feedback' })).status);
      // One answer went in the test before, from the same address.
      expect(statuses.filter((status) => status === 303).length).toBe(9);
      expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    });
  });
});

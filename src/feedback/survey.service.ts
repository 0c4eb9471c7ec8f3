// Owns editing feedback surveys: a programme's template and the site's open form (admins), and a
// round's survey (its facilitators and admins); their questions in order, moved by up/down; copying
// one survey onto another; and copying onto each new round (the `cohort.created` domain event that
// catalogue publishes, so catalogue knows nothing of feedback). Rules:
// - questions are locked once a survey has answers (an answer points at its question and its
//   options by index, so a changed question would change what people answered);
// - a round's survey's anonymity and open period are fixed once it has opened;
// - a survey without questions never opens (the lifecycle job skips it; the editor says so).
// When a person is erased, their named answers stay without them (user.leaving).
import { Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, can, Capability } from '../access/capabilities';
import { checkedId, FieldErrors, NotAllowed, NotFound, Refused, withValues } from '../errors/domain-errors';
import { DomainEvents } from '../events/domain-events';
import { LocalizedText, MESSAGES } from '../i18n/i18n';
import { QuestionKind } from './survey-question.entity';
import { SurveyPurpose } from './survey.entity';

export const MAX_TITLE_LENGTH = 200;
export const MAX_INTRO_LENGTH = 2000;
export const MAX_PROMPT_LENGTH = 500;
export const MAX_OPTION_LENGTH = 200;
export const MAX_OPTIONS = 20;
export const MAX_QUESTIONS = 50;
export const SCALE_POINTS = 5;
export const MIN_OPEN_DAYS = 1;
export const MAX_OPEN_DAYS = 90;

export interface SurveySettings {
  title: LocalizedText;
  intro: LocalizedText;
  anonymous: boolean;
  openDays: number;
}

export interface QuestionInput {
  kind: QuestionKind;
  required: boolean;
  prompt: LocalizedText;
  options: LocalizedText[];
}

export interface QuestionRow extends QuestionInput {
  id: string;
  position: number;
}

export interface SurveyRow extends SurveySettings {
  id: string;
  purpose: SurveyPurpose;
  programmeId: string | null;
  cohortId: string | null;
  opensAt: Date | null;
  closesAt: Date | null;
  invitedAt: Date | null;
  remindedAt: Date | null;
  copiedFromId: string | null;
}

/** A survey as its editor shows it. */
export interface SurveyForEdit extends SurveyRow {
  questions: QuestionRow[];
  answers: number;
  programmeTitle: LocalizedText | null;
  cohortName: string | null;
  /** Other surveys this one may be copied from (the programme's template, its other rounds'). */
  copySources: { id: string; purpose: SurveyPurpose; cohortName: string | null; questions: number }[];
}

const SURVEY_COLUMNS = `s.id, s.purpose, s.programme_id AS "programmeId", s.cohort_id AS "cohortId", s.title, s.intro, s.anonymous,
  s.open_days AS "openDays", s.opens_at AS "opensAt", s.closes_at AS "closesAt", s.invited_at AS "invitedAt", s.reminded_at AS "remindedAt",
  s.copied_from_id AS "copiedFromId"`;
const QUESTION_COLUMNS = `id, position, kind, prompt, options, required`;

/** The default title of a new survey, in every language. */
const defaultTitle = (): LocalizedText => ({ fi: MESSAGES.fi['feedback.defaultTitle'], sv: MESSAGES.sv['feedback.defaultTitle'], en: MESSAGES.en['feedback.defaultTitle'] });

/** The site's open form as it starts, before an admin changes it. */
function defaultSiteQuestions(): QuestionInput[] {
  const text = (key: string): LocalizedText => ({ fi: MESSAGES.fi[key], sv: MESSAGES.sv[key], en: MESSAGES.en[key] });
  return [
    { kind: 'scale', required: false, prompt: text('feedback.site.default.useful'), options: [text('feedback.site.default.useful.1'), { fi: '' }, { fi: '' }, { fi: '' }, text('feedback.site.default.useful.5')] },
    { kind: 'long_text', required: true, prompt: text('feedback.site.default.story'), options: [] },
    { kind: 'short_text', required: false, prompt: text('feedback.site.default.agency'), options: [] },
  ];
}

@Injectable()
export class SurveyService implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit() {
    // A new round gets the survey of the round it was copied from, else its programme's template.
    this.events.on('cohort.created', async (event, manager) => {
      const from = event.copiedFromId ? await this.surveyOfCohort(manager, event.copiedFromId) : null;
      const source = from && (await this.questionCount(manager, from.id)) > 0 ? from : await this.templateOf(manager, event.programmeId);
      if (!source || (await this.questionCount(manager, source.id)) === 0) return;
      const id = await this.insertSurvey(manager, { purpose: 'cohort', programmeId: event.programmeId, cohortId: event.cohortId, settings: source, copiedFromId: source.id });
      await this.copyQuestions(manager, source.id, id);
    });
    // An erased person's named answers stay in the results without them, and nothing says they answered.
    this.events.on('user.leaving', async ({ userId, reason }, manager) => {
      if (reason !== 'erased') return;
      await manager.query(`UPDATE survey_response SET user_id = NULL WHERE user_id = $1`, [userId]);
      await manager.query(`DELETE FROM survey_respondent WHERE user_id = $1`, [userId]);
    });
  }

  /**
   * The site's open form exists from the start, so that showing it, or refusing an answer to it,
   * never has to write. A start that cannot make it (another process made it at the same moment:
   * ON CONFLICT) leaves it to siteSurvey(), which makes it when first asked for.
   */
  async onApplicationBootstrap() {
    await this.dataSource.transaction((manager) => this.siteSurvey(manager)).catch(() => undefined);
  }

  // ---- Finding surveys, with who may edit them ----

  /** The editor of a programme's template; null when it has none yet. */
  async templateForEdit(actor: Actor, programmeId: string): Promise<{ programmeTitle: LocalizedText; survey: SurveyForEdit | null }> {
    this.mustBeAdmin(actor);
    const [programme]: { title: LocalizedText }[] = await this.dataSource.query(`SELECT title FROM programme_listing WHERE id = $1`, [checkedId(programmeId)]);
    if (!programme) throw new NotFound();
    const survey = await this.templateOf(this.dataSource.manager, programmeId);
    return { programmeTitle: programme.title, survey: survey && (await this.forEdit(survey)) };
  }

  /** Makes a programme's template (empty); the existing one if it already has one. */
  async createTemplate(actor: Actor, programmeId: string): Promise<string> {
    this.mustBeAdmin(actor);
    return this.dataSource.transaction(async (manager) => {
      const [programme] = await manager.query(`SELECT id FROM programme_listing WHERE id = $1`, [checkedId(programmeId)]);
      if (!programme) throw new NotFound();
      const existing = await this.templateOf(manager, programmeId);
      if (existing) return existing.id;
      return this.insertSurvey(manager, { purpose: 'programme_template', programmeId, cohortId: null, settings: null, copiedFromId: null });
    });
  }

  /** The editor of a round's survey, for its facilitators and admins; `survey` null when it has none yet. */
  async cohortSurveyForEdit(actor: Actor, cohortId: string): Promise<{ cohort: { id: string; name: string; programmeId: string; programmeTitle: LocalizedText }; survey: SurveyForEdit | null; copySources: SurveyForEdit['copySources'] }> {
    const cohort = await this.cohortOf(this.dataSource.manager, cohortId);
    await this.mustManageCohort(this.dataSource.manager, actor, cohort.id);
    const survey = await this.surveyOfCohort(this.dataSource.manager, cohort.id);
    const edit = survey && (await this.forEdit(survey));
    return { cohort, survey: edit, copySources: edit ? edit.copySources : await this.copySources(cohort.programmeId, null) };
  }

  /** Makes a round's survey, empty or as a copy of `fromSurveyId` (the template or another round's of the programme). */
  async createCohortSurvey(actor: Actor, cohortId: string, fromSurveyId: string | null): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const cohort = await this.cohortOf(manager, cohortId);
      await this.mustManageCohort(manager, actor, cohort.id);
      const existing = await this.surveyOfCohort(manager, cohort.id);
      if (existing) throw new Refused('feedback.create.exists');
      const source = fromSurveyId ? await this.copySource(manager, cohort.programmeId, fromSurveyId, null) : null;
      const id = await this.insertSurvey(manager, { purpose: 'cohort', programmeId: cohort.programmeId, cohortId: cohort.id, settings: source, copiedFromId: source?.id ?? null });
      if (source) await this.copyQuestions(manager, source.id, id);
      return id;
    });
  }

  /** The site's open form, made with a few questions the first time it is asked for. */
  async siteSurvey(manager: EntityManager = this.dataSource.manager): Promise<SurveyRow> {
    const [found] = await this.surveys(manager, `s.purpose = 'site'`, []);
    if (found) return found;
    const [made]: { id: string }[] = await manager.query(
      `INSERT INTO survey (purpose, title, intro, anonymous) VALUES ('site', $1, $2, true) ON CONFLICT (purpose) WHERE purpose = 'site' DO NOTHING RETURNING id`,
      [
        { fi: MESSAGES.fi['feedback.site.title'], sv: MESSAGES.sv['feedback.site.title'], en: MESSAGES.en['feedback.site.title'] },
        { fi: MESSAGES.fi['feedback.site.intro'], sv: MESSAGES.sv['feedback.site.intro'], en: MESSAGES.en['feedback.site.intro'] },
      ],
    );
    if (made) {
      let position = 1;
      for (const question of defaultSiteQuestions()) await this.insertQuestion(manager, made.id, position++, question);
    }
    const [survey] = await this.surveys(manager, `s.purpose = 'site'`, []);
    return survey;
  }

  async siteSurveyForEdit(actor: Actor): Promise<SurveyForEdit> {
    this.mustBeAdmin(actor);
    const survey = await this.dataSource.transaction((manager) => this.siteSurvey(manager));
    return this.forEdit(survey);
  }

  /** A survey for its editor, when the actor may edit it. */
  async surveyForEdit(actor: Actor, surveyId: string): Promise<SurveyForEdit> {
    const survey = await this.mustEdit(this.dataSource.manager, actor, surveyId);
    return this.forEdit(survey);
  }

  /** Where a survey's editor is. */
  editorPath(survey: Pick<SurveyRow, 'purpose' | 'programmeId' | 'cohortId'>): string {
    if (survey.purpose === 'site') return '/admin/feedback';
    if (survey.purpose === 'programme_template') return `/admin/programmes/${survey.programmeId}/feedback`;
    return `/cohorts/${survey.cohortId}/feedback/edit`;
  }

  async questions(manager: EntityManager, surveyId: string): Promise<QuestionRow[]> {
    return manager.query(`SELECT ${QUESTION_COLUMNS} FROM survey_question WHERE survey_id = $1 ORDER BY position`, [surveyId]);
  }

  // ---- Changes ----

  async updateSettings(actor: Actor, surveyId: string, settings: SurveySettings): Promise<SurveyRow> {
    const problems = settingsProblems(settings);
    if (problems) throw new FieldErrors(problems);
    return this.dataSource.transaction(async (manager) => {
      const survey = await this.mustEdit(manager, actor, surveyId, { lock: true });
      if (survey.purpose === 'cohort' && survey.opensAt && (survey.anonymous !== settings.anonymous || survey.openDays !== settings.openDays)) {
        throw new Refused('feedback.settings.lockedAfterOpening');
      }
      await manager.query(`UPDATE survey SET title = $2, intro = $3, anonymous = $4, open_days = $5, updated_at = now() WHERE id = $1`, [
        survey.id,
        cleanText(settings.title),
        cleanText(settings.intro),
        settings.anonymous,
        settings.openDays,
      ]);
      return { ...survey, ...settings };
    });
  }

  async addQuestion(actor: Actor, surveyId: string, input: QuestionInput): Promise<string> {
    const problems = questionProblems(input);
    if (problems) throw new FieldErrors(problems);
    return this.dataSource.transaction(async (manager) => {
      const survey = await this.mustEditQuestions(manager, actor, surveyId);
      const [{ count, last }]: { count: number; last: number }[] = await manager.query(
        `SELECT count(*)::int AS count, coalesce(max(position), 0)::int AS last FROM survey_question WHERE survey_id = $1`,
        [survey.id],
      );
      if (count >= MAX_QUESTIONS) throw new Refused(withValues('feedback.questions.tooMany', { max: MAX_QUESTIONS }));
      return this.insertQuestion(manager, survey.id, last + 1, input);
    });
  }

  async updateQuestion(actor: Actor, surveyId: string, questionId: string, input: QuestionInput): Promise<void> {
    const problems = questionProblems(input);
    if (problems) throw new FieldErrors(problems);
    await this.dataSource.transaction(async (manager) => {
      const survey = await this.mustEditQuestions(manager, actor, surveyId);
      const [, changed] = await manager.query(`UPDATE survey_question SET kind = $3, prompt = $4, options = $5::jsonb, required = $6 WHERE id = $1 AND survey_id = $2`, [
        checkedId(questionId),
        survey.id,
        input.kind,
        cleanText(input.prompt),
        JSON.stringify(storedOptions(input)),
        input.required,
      ]);
      if (!changed) throw new NotFound();
    });
  }

  async question(actor: Actor, surveyId: string, questionId: string): Promise<{ survey: SurveyForEdit; question: QuestionRow }> {
    const survey = await this.surveyForEdit(actor, surveyId);
    const question = survey.questions.find((q) => q.id === checkedId(questionId));
    if (!question) throw new NotFound();
    return { survey, question };
  }

  async deleteQuestion(actor: Actor, surveyId: string, questionId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const survey = await this.mustEditQuestions(manager, actor, surveyId);
      // An UPDATE or DELETE answers [rows, count] through TypeORM.
      const [[deleted]]: [{ position: number }[], number] = await manager.query(`DELETE FROM survey_question WHERE id = $1 AND survey_id = $2 RETURNING position`, [checkedId(questionId), survey.id]);
      if (!deleted) throw new NotFound();
      // Close the gap one row at a time, lowest first, so the unique (survey, position) index never sees two at once.
      const after: { id: string }[] = await manager.query(`SELECT id FROM survey_question WHERE survey_id = $1 AND position > $2 ORDER BY position`, [survey.id, deleted.position]);
      for (const { id } of after) await manager.query(`UPDATE survey_question SET position = position - 1 WHERE id = $1`, [id]);
    });
  }

  /** Swaps a question with the one above or below it; at the top (or bottom) it stays. */
  async moveQuestion(actor: Actor, surveyId: string, questionId: string, direction: 'up' | 'down'): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const survey = await this.mustEditQuestions(manager, actor, surveyId);
      const [question]: { id: string; position: number }[] = await manager.query(`SELECT id, position FROM survey_question WHERE id = $1 AND survey_id = $2`, [
        checkedId(questionId),
        survey.id,
      ]);
      if (!question) throw new NotFound();
      const [neighbour]: { id: string; position: number }[] = await manager.query(
        direction === 'up'
          ? `SELECT id, position FROM survey_question WHERE survey_id = $1 AND position < $2 ORDER BY position DESC LIMIT 1`
          : `SELECT id, position FROM survey_question WHERE survey_id = $1 AND position > $2 ORDER BY position LIMIT 1`,
        [survey.id, question.position],
      );
      if (!neighbour) return;
      // The index is not deferrable: park one at a free position, move the other, bring the first back.
      const [{ parked }]: { parked: number }[] = await manager.query(`SELECT max(position) + 1 AS parked FROM survey_question WHERE survey_id = $1`, [survey.id]);
      await manager.query(`UPDATE survey_question SET position = $2 WHERE id = $1`, [question.id, parked]);
      await manager.query(`UPDATE survey_question SET position = $2 WHERE id = $1`, [neighbour.id, question.position]);
      await manager.query(`UPDATE survey_question SET position = $2 WHERE id = $1`, [question.id, neighbour.position]);
    });
  }

  /** Replaces a survey's settings and questions with another's (of the same programme). */
  async copyInto(actor: Actor, surveyId: string, fromSurveyId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const survey = await this.mustEditQuestions(manager, actor, surveyId);
      if (survey.purpose === 'site' || !survey.programmeId) throw new Refused('feedback.copy.notFromHere');
      if (survey.purpose === 'cohort' && survey.opensAt) throw new Refused('feedback.settings.lockedAfterOpening');
      const source = await this.copySource(manager, survey.programmeId, fromSurveyId, survey.id);
      await manager.query(`UPDATE survey SET title = $2, intro = $3, anonymous = $4, open_days = $5, copied_from_id = $6, updated_at = now() WHERE id = $1`, [
        survey.id,
        source.title,
        source.intro,
        source.anonymous,
        source.openDays,
        source.id,
      ]);
      await manager.query(`DELETE FROM survey_question WHERE survey_id = $1`, [survey.id]);
      await this.copyQuestions(manager, source.id, survey.id);
    });
  }

  // ---- Who may ----

  /** Whether the actor runs this round: an admin, or one of its facilitators. */
  async mayManageCohort(manager: EntityManager, actor: Actor | null, cohortId: string): Promise<boolean> {
    if (!actor) return false;
    if (can(actor, Capability.CohortSchedule)) return true;
    const [row] = await manager.query(`SELECT 1 FROM facilitator_listing WHERE cohort_id = $1 AND user_id = $2`, [cohortId, actor.id]);
    return !!row;
  }

  private async mustManageCohort(manager: EntityManager, actor: Actor, cohortId: string): Promise<void> {
    if (!(await this.mayManageCohort(manager, actor, cohortId))) throw new NotAllowed();
  }

  private mustBeAdmin(actor: Actor): void {
    if (!can(actor, Capability.ProgrammeManage)) throw new NotAllowed();
  }

  private async mustEdit(manager: EntityManager, actor: Actor, surveyId: string, options: { lock?: boolean } = {}): Promise<SurveyRow> {
    const [survey] = await this.surveys(manager, `s.id = $1`, [checkedId(surveyId)], options.lock);
    if (!survey) throw new NotFound();
    if (survey.purpose === 'cohort') await this.mustManageCohort(manager, actor, survey.cohortId!);
    else this.mustBeAdmin(actor);
    return survey;
  }

  /** The survey, locked, when its questions may change: nobody has answered it yet. */
  private async mustEditQuestions(manager: EntityManager, actor: Actor, surveyId: string): Promise<SurveyRow> {
    const survey = await this.mustEdit(manager, actor, surveyId, { lock: true });
    const [answered] = await manager.query(`SELECT 1 FROM survey_response WHERE survey_id = $1 LIMIT 1`, [survey.id]);
    if (answered) throw new Refused('feedback.questions.lockedByAnswers');
    return survey;
  }

  // ---- Reading and writing rows ----

  async surveys(manager: EntityManager, where: string, values: unknown[], lock = false): Promise<SurveyRow[]> {
    return manager.query(`SELECT ${SURVEY_COLUMNS} FROM survey s WHERE ${where}${lock ? ' FOR UPDATE' : ''}`, values);
  }

  async surveyOfCohort(manager: EntityManager, cohortId: string): Promise<SurveyRow | null> {
    const [survey] = await this.surveys(manager, `s.cohort_id = $1`, [cohortId]);
    return survey ?? null;
  }

  private async templateOf(manager: EntityManager, programmeId: string): Promise<SurveyRow | null> {
    const [survey] = await this.surveys(manager, `s.purpose = 'programme_template' AND s.programme_id = $1`, [programmeId]);
    return survey ?? null;
  }

  async cohortOf(manager: EntityManager, cohortId: string): Promise<{ id: string; name: string; programmeId: string; programmeTitle: LocalizedText }> {
    const [cohort] = await manager.query(
      `SELECT c.id, c.name, c.programme_id AS "programmeId", p.title AS "programmeTitle" FROM cohort_listing c JOIN programme_listing p ON p.id = c.programme_id WHERE c.id = $1`,
      [checkedId(cohortId)],
    );
    if (!cohort) throw new NotFound();
    return cohort;
  }

  private async questionCount(manager: EntityManager, surveyId: string): Promise<number> {
    const [{ count }]: { count: number }[] = await manager.query(`SELECT count(*)::int AS count FROM survey_question WHERE survey_id = $1`, [surveyId]);
    return count;
  }

  private async forEdit(survey: SurveyRow): Promise<SurveyForEdit> {
    const db = this.dataSource.manager;
    const [{ answers }]: { answers: number }[] = await db.query(`SELECT count(*)::int AS answers FROM survey_response WHERE survey_id = $1`, [survey.id]);
    const [owner]: { programmeTitle: LocalizedText | null; cohortName: string | null }[] = await db.query(
      `SELECT p.title AS "programmeTitle", c.name AS "cohortName" FROM (SELECT 1) one
       LEFT JOIN programme_listing p ON p.id = $1 LEFT JOIN cohort_listing c ON c.id = $2`,
      [survey.programmeId, survey.cohortId],
    );
    return {
      ...survey,
      questions: await this.questions(db, survey.id),
      answers,
      programmeTitle: owner.programmeTitle,
      cohortName: owner.cohortName,
      copySources: survey.programmeId ? await this.copySources(survey.programmeId, survey.id) : [],
    };
  }

  /** The surveys of a programme with questions, other than `exceptId`: its template first, then its rounds' newest first. */
  private async copySources(programmeId: string, exceptId: string | null): Promise<SurveyForEdit['copySources']> {
    return this.dataSource.query(
      `SELECT s.id, s.purpose, c.name AS "cohortName", (SELECT count(*)::int FROM survey_question q WHERE q.survey_id = s.id) AS questions
       FROM survey s LEFT JOIN cohort_listing c ON c.id = s.cohort_id
       WHERE s.programme_id = $1 AND ($2::uuid IS NULL OR s.id <> $2) AND EXISTS (SELECT 1 FROM survey_question q WHERE q.survey_id = s.id)
       ORDER BY s.purpose = 'programme_template' DESC, c.starts_at DESC NULLS LAST, s.created_at DESC`,
      [programmeId, exceptId],
    );
  }

  private async copySource(manager: EntityManager, programmeId: string, fromSurveyId: string, exceptId: string | null): Promise<SurveyRow> {
    const [source] = await this.surveys(manager, `s.id = $1 AND s.programme_id = $2 AND s.id IS DISTINCT FROM $3::uuid`, [checkedId(fromSurveyId), programmeId, exceptId]);
    if (!source) throw new FieldErrors({ from: 'feedback.copy.unknownSource' });
    return source;
  }

  private async insertSurvey(
    manager: EntityManager,
    survey: { purpose: SurveyPurpose; programmeId: string | null; cohortId: string | null; settings: SurveySettings | null; copiedFromId: string | null },
  ): Promise<string> {
    const settings = survey.settings ?? { title: defaultTitle(), intro: {}, anonymous: true, openDays: 14 };
    const [row]: { id: string }[] = await manager.query(
      `INSERT INTO survey (purpose, programme_id, cohort_id, title, intro, anonymous, open_days, copied_from_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [survey.purpose, survey.programmeId, survey.cohortId, settings.title, settings.intro, settings.anonymous, settings.openDays, survey.copiedFromId],
    );
    return row.id;
  }

  private async insertQuestion(manager: EntityManager, surveyId: string, position: number, input: QuestionInput): Promise<string> {
    const [row]: { id: string }[] = await manager.query(
      `INSERT INTO survey_question (survey_id, position, kind, prompt, options, required) VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING id`,
      [surveyId, position, input.kind, cleanText(input.prompt), JSON.stringify(storedOptions(input)), input.required],
    );
    return row.id;
  }

  private async copyQuestions(manager: EntityManager, fromId: string, toId: string): Promise<void> {
    await manager.query(
      `INSERT INTO survey_question (survey_id, position, kind, prompt, options, required)
       SELECT $2, position, kind, prompt, options, required FROM survey_question WHERE survey_id = $1`,
      [fromId, toId],
    );
  }
}

/** Blank translations left out, the rest trimmed. */
function cleanText(text: LocalizedText): LocalizedText {
  return Object.fromEntries(Object.entries(text).flatMap(([code, value]) => (typeof value === 'string' && value.trim() ? [[code, value.trim()]] : []))) as unknown as LocalizedText;
}

/** A choice question's options, or a scale's point labels (trailing blank ones dropped); none for text questions. */
function storedOptions(input: QuestionInput): LocalizedText[] {
  if (input.kind === 'short_text' || input.kind === 'long_text') return [];
  const options = input.options.map(cleanText);
  if (input.kind === 'scale') while (options.length && !options[options.length - 1].fi && !options[options.length - 1].sv && !options[options.length - 1].en) options.pop();
  return options;
}

const tooLong = (text: string | undefined, max: number) => (text ?? '').trim().length > max;

export function settingsProblems(settings: SurveySettings): Record<string, string> | null {
  const problems: Record<string, string> = {};
  if (!settings.title.fi?.trim()) problems.titleFi = 'feedback.title.required';
  for (const code of ['fi', 'sv', 'en'] as const) {
    const suffix = code[0].toUpperCase() + code.slice(1);
    if (tooLong(settings.title[code], MAX_TITLE_LENGTH)) problems[`title${suffix}`] = withValues('feedback.title.tooLong', { max: MAX_TITLE_LENGTH });
    if (tooLong(settings.intro[code], MAX_INTRO_LENGTH)) problems[`intro${suffix}`] = withValues('feedback.intro.tooLong', { max: MAX_INTRO_LENGTH });
  }
  if (!Number.isInteger(settings.openDays) || settings.openDays < MIN_OPEN_DAYS || settings.openDays > MAX_OPEN_DAYS) {
    problems.openDays = withValues('feedback.openDays.range', { min: MIN_OPEN_DAYS, max: MAX_OPEN_DAYS });
  }
  return Object.keys(problems).length ? problems : null;
}

export function questionProblems(input: QuestionInput): Record<string, string> | null {
  const problems: Record<string, string> = {};
  if (!input.prompt.fi?.trim()) problems.promptFi = 'feedback.question.prompt.required';
  for (const code of ['fi', 'sv', 'en'] as const) {
    const suffix = code[0].toUpperCase() + code.slice(1);
    if (tooLong(input.prompt[code], MAX_PROMPT_LENGTH)) problems[`prompt${suffix}`] = withValues('feedback.question.prompt.tooLong', { max: MAX_PROMPT_LENGTH });
    if (input.options.some((option) => tooLong(option[code], MAX_OPTION_LENGTH))) problems[`options${suffix}`] = withValues('feedback.question.option.tooLong', { max: MAX_OPTION_LENGTH });
  }
  if (input.kind === 'single_choice' || input.kind === 'multiple_choice') {
    if (input.options.length < 2 || input.options.length > MAX_OPTIONS) problems.optionsFi = withValues('feedback.question.options.count', { max: MAX_OPTIONS });
    else if (input.options.some((option) => !option.fi?.trim())) problems.optionsFi = 'feedback.question.options.blank';
  }
  if (input.kind === 'scale' && input.options.length > SCALE_POINTS) problems.optionsFi = withValues('feedback.question.scaleLabels.tooMany', { max: SCALE_POINTS });
  return Object.keys(problems).length ? problems : null;
}
